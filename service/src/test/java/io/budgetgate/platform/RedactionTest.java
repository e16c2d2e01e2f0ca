package io.budgetgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.litellm.VirtualKey;
import org.junit.jupiter.api.Test;

class RedactionTest {

  @Test
  void virtualKeysAndBearerCredentialsAreMasked() {
    String text = "key sk-AbCdEf0123_-xyz failed; header Authorization: Bearer sk-master-123 and bearer abc.def";

    String redacted = Redaction.redact(text);

    assertThat(redacted).doesNotContain("AbCdEf0123").doesNotContain("master-123").doesNotContain("abc.def")
        .contains("sk-****").contains("Bearer ****");
  }

  @Test
  void nullStaysNull() {
    assertThat(Redaction.redact(null)).isNull();
  }

  @Test
  void aVirtualKeyPrintsMasked() {
    VirtualKey key = new VirtualKey("sk-0123456789abcdefWXYZ");

    assertThat(key.toString()).isEqualTo("sk-...WXYZ").doesNotContain("0123456789");
    assertThat(String.valueOf(key)).isEqualTo("sk-...WXYZ");
    assertThat(key.reveal()).isEqualTo("sk-0123456789abcdefWXYZ");
  }
}
