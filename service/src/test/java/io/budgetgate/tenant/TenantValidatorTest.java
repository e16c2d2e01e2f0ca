package io.budgetgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ServiceException;
import io.budgetgate.platform.errors.ValidationException;
import io.budgetgate.tenant.api.CreateTenantRequest;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantValidatorTest {
  private static final TenantDefaults DEFAULTS = TenantDefaults.standard();

  @Test
  void everyInvalidFieldIsNamedAtOnce() {
    CreateTenantRequest request = new CreateTenantRequest("Bad!", " ", new BigDecimal("-1"), 0, 300, "2mo",
        List.of("ok@example.com", "not-an-email"), "javascript:alert(1)");

    ValidationException e = catchThrowableOfType(ValidationException.class, () -> TenantValidator.validate(request, DEFAULTS));

    assertThat(e.fields()).extracting(FieldError::field).containsExactly(
        "tenant_id", "name", "max_budget", "alert_threshold", "grace_threshold", "budget_duration",
        "notification_emails[1]", "slack_webhook_url");
    assertThat(e.kind()).isEqualTo(ServiceException.Kind.INVALID);
    assertThat(e.error()).isEqualTo("validation_failed");
  }

  @Test
  void defaultsFillWhatIsLeftOutAndEmailsAreNormalised() {
    TenantSpec spec = TenantValidator.validate(
        new CreateTenantRequest("acme_1-x", " Acme ", null, null, null, null, List.of("A@X.io", "a@x.io"), null), DEFAULTS);

    assertThat(spec.maxBudget()).isEqualTo(new BigDecimal("500.00"));
    assertThat(spec.alertThreshold()).isEqualTo(80);
    assertThat(spec.graceThreshold()).isEqualTo(110);
    assertThat(spec.name()).isEqualTo("Acme");
    assertThat(spec.notificationEmails()).containsExactly("a@x.io");
    assertThat(spec.budgetDuration()).isNull();
  }

  @Test
  void tenantIdLimitsAreSixtyThreeCharactersStartingWithALetterOrDigit() {
    String longest = "a" + "b".repeat(62);

    assertThat(TenantValidator.TENANT_ID.matcher(longest).matches()).isTrue();
    assertThat(TenantValidator.TENANT_ID.matcher(longest + "c").matches()).isFalse();
    assertThat(TenantValidator.TENANT_ID.matcher("_x").matches()).isFalse();
    assertThat(TenantValidator.TENANT_ID.matcher("9").matches()).isTrue();
  }

  @Test
  void zeroBudgetAndTheThresholdExtremesAreAllowed() {
    TenantSpec spec = TenantValidator.validate(
        new CreateTenantRequest("zero", "Zero", BigDecimal.ZERO, 100, 200, "1mo", null, "http://127.0.0.1:9999/slack"), DEFAULTS);

    assertThat(spec.maxBudget()).isEqualTo(new BigDecimal("0.00"));
    assertThat(spec.limits().blockAt()).isEqualTo(new BigDecimal("0.00"));
    assertThat(spec.budgetDuration()).isEqualTo("1mo");
  }

  @Test
  void aMissingBodyIsAValidationError() {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> TenantValidator.validate(null, DEFAULTS));

    assertThat(e.fields()).extracting(FieldError::field).containsExactly("body");
  }
}
