package io.budgetgate.tenant;

import io.budgetgate.platform.errors.FieldError;
import io.budgetgate.platform.errors.ValidationException;
import io.budgetgate.rules.BudgetFieldChecks;
import io.budgetgate.tenant.api.CreateTenantRequest;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks a creation request against DESIGN §4 and fills in the configured defaults. */
final class TenantValidator {
  static final Pattern TENANT_ID = Pattern.compile("^[a-z0-9][a-z0-9_-]{0,62}$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s.]{2,}$");
  private static final int MAX_NAME = 200;
  private static final int MAX_EMAILS = 50;

  private TenantValidator() {}

  static TenantSpec validate(CreateTenantRequest request, TenantDefaults defaults) {
    if (request == null) {
      throw ValidationException.of("body", "must be a JSON object with at least tenant_id and name");
    }
    List<FieldError> errors = new ArrayList<>();
    if (request.tenantId() == null || !TENANT_ID.matcher(request.tenantId()).matches()) {
      errors.add(new FieldError("tenant_id",
          "must match ^[a-z0-9][a-z0-9_-]{0,62}$ (lowercase letters, digits, '-' and '_', 1-63 characters)"));
    }
    String name = request.name() == null ? "" : request.name().strip();
    if (name.isEmpty() || name.length() > MAX_NAME) {
      errors.add(new FieldError("name", "is required, 1-" + MAX_NAME + " characters"));
    }
    var maxBudget = request.maxBudget() == null ? defaults.maxBudget() : request.maxBudget();
    BudgetFieldChecks.maxBudget(maxBudget, errors);
    int alert = request.alertThreshold() == null ? defaults.alertThreshold() : request.alertThreshold();
    int grace = request.graceThreshold() == null ? defaults.graceThreshold() : request.graceThreshold();
    BudgetFieldChecks.thresholds(alert, grace, errors);
    String duration = request.budgetDuration() == null || request.budgetDuration().isBlank()
        ? null : BudgetFieldChecks.budgetDuration(request.budgetDuration(), errors);
    List<String> emails = emails(request.notificationEmails(), errors);
    String slack = slackUrl(request.slackWebhookUrl(), errors);
    if (!errors.isEmpty()) {
      throw new ValidationException(errors);
    }
    return new TenantSpec(request.tenantId(), name, maxBudget.setScale(2), alert, grace, duration, emails, slack);
  }

  private static List<String> emails(List<String> raw, List<FieldError> errors) {
    if (raw == null) {
      return List.of();
    }
    if (raw.size() > MAX_EMAILS) {
      errors.add(new FieldError("notification_emails", "may list at most " + MAX_EMAILS + " addresses"));
      return List.of();
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      String email = raw.get(i) == null ? "" : raw.get(i).strip();
      if (!EMAIL.matcher(email).matches()) {
        errors.add(new FieldError("notification_emails[" + i + "]", "is not an email address"));
      } else {
        unique.add(email.toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(unique);
  }

  private static String slackUrl(String raw, List<FieldError> errors) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      URI uri = new URI(raw.strip());
      if (("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri.toString();
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    errors.add(new FieldError("slack_webhook_url", "must be an http(s) URL, e.g. https://hooks.slack.com/services/..."));
    return null;
  }
}
