package io.budgetgate.platform.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.budgetgate.testing.TestKeys;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Sealing virtual keys for storage. The format is checked against {@link TestKeys}, a second
 * implementation written from docs/security.md, in both directions.
 */
class SecretBoxTest {
  static final String RAW = "sk-a1B2c3D4e5F6g7H8i9J0kL";
  static final SecretBox TEST = SecretBox.parse(TestKeys.KEY_ENCRYPTION_KEYS);

  @Test
  void aSealedKeyOpensForItsTenantOnlyAndHoldsNothingOfTheRawKey() {
    String sealed = TEST.seal("acme", RAW);

    assertThat(sealed).startsWith("v1:test:").doesNotContain(RAW).doesNotContain(RAW.substring(3, 15));
    assertThat(TEST.open("acme", sealed)).isEqualTo(RAW);
    assertThatThrownBy(() -> TEST.open("globex", sealed)).isInstanceOf(SecretBox.Unreadable.class)
        .hasMessageContaining("copied from another row").hasMessageNotContaining(RAW);
  }

  @Test
  void theFormatIsTheDocumentedOneBothWays() {
    assertThat(TEST.open("acme", TestKeys.seal("acme", RAW))).as("written elsewhere, opened here").isEqualTo(RAW);
    assertThat(TestKeys.open("acme", TEST.seal("acme", RAW))).as("written here, opened elsewhere").isEqualTo(RAW);
    String[] parts = TEST.seal("acme", RAW).split(":");
    assertThat(parts).hasSize(4);
    assertThat(Base64.getDecoder().decode(parts[2])).as("a 12-byte nonce").hasSize(12);
    assertThat(Base64.getDecoder().decode(parts[3])).as("ciphertext and a 16-byte tag").hasSize(RAW.length() + 16);
  }

  @Test
  void everySealHasItsOwnNonce() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      assertThat(seen.add(TEST.seal("acme", RAW).split(":")[2])).isTrue();
    }
  }

  @Test
  void aTamperedValueAChangedKeyIdOrAnotherKeyDoesNotOpen() {
    String sealed = TEST.seal("acme", RAW);
    String[] parts = sealed.split(":");
    byte[] body = Base64.getDecoder().decode(parts[3]);
    body[0] ^= 1;
    String flipped = "v1:test:" + parts[2] + ":" + Base64.getEncoder().encodeToString(body);
    SecretBox sameIdOtherKey = SecretBox.parse("test:" + Base64.getEncoder().encodeToString(new byte[32]));
    SecretBox both = SecretBox.parse(TestKeys.ROTATED_KEY + "," + TestKeys.KEY_ENCRYPTION_KEYS);

    assertThatThrownBy(() -> TEST.open("acme", flipped)).isInstanceOf(SecretBox.Unreadable.class);
    assertThatThrownBy(() -> sameIdOtherKey.open("acme", sealed)).isInstanceOf(SecretBox.Unreadable.class)
        .hasMessageContaining("a wrong key");
    assertThatThrownBy(() -> both.open("acme", sealed.replace("v1:test:", "v1:rotated:")))
        .as("the key id is bound in: relabelled, it does not open with the other key").isInstanceOf(SecretBox.Unreadable.class);
    assertThatThrownBy(() -> SecretBox.parse(TestKeys.ROTATED_KEY).open("acme", sealed))
        .hasMessageContaining("key id 'test', which KEY_ENCRYPTION_KEYS does not hold");
    assertThatThrownBy(() -> TEST.open("acme", RAW)).hasMessageContaining("not sealed").hasMessageContaining("encrypt-keys")
        .hasMessageNotContaining(RAW);
    assertThatThrownBy(() -> TEST.open("acme", "v1:test:only-three")).hasMessageContaining("is not v1:");
  }

  @Test
  void theFirstKeySealsEveryKeyOpensAndResealMovesAValueToTheFirst() {
    String underOld = TEST.seal("acme", RAW);
    SecretBox rotating = SecretBox.parse(TestKeys.ROTATED_KEY + ", " + TestKeys.KEY_ENCRYPTION_KEYS);

    assertThat(rotating.currentKeyId()).isEqualTo("rotated");
    assertThat(rotating.keyIds()).containsExactly("rotated", "test");
    assertThat(rotating.open("acme", underOld)).isEqualTo(RAW);
    String moved = rotating.reseal("acme", underOld);
    assertThat(SecretBox.keyIdOf(moved)).contains("rotated");
    assertThat(SecretBox.parse(TestKeys.ROTATED_KEY).open("acme", moved)).as("the old key is no longer needed").isEqualTo(RAW);
    assertThat(SecretBox.keyIdOf(rotating.reseal("acme", RAW))).as("plaintext is sealed too").contains("rotated");
    assertThat(SecretBox.keyIdOf(RAW)).isEmpty();
    assertThat(SecretBox.isSealed(RAW)).isFalse();
  }

  @Test
  void theEdgesOfTheFormat() {
    assertThat(SecretBox.isSealed(null)).isFalse();
    assertThat(SecretBox.keyIdOf(null)).isEmpty();
    assertThat(SecretBox.keyIdOf("v1:no-end")).isEmpty();
    assertThat(SecretBox.keyIdOf("v1:k9:rest")).contains("k9");
    assertThatThrownBy(() -> SecretBox.parse(null)).hasMessageContaining("no key-encryption key");
    assertThatThrownBy(() -> SecretBox.parse(TestKeys.KEY_ENCRYPTION_KEYS + ",:abc")).as("the entry is named by its place")
        .hasMessageContaining("(entry 2)");
    assertThatThrownBy(() -> SecretBox.parse(":YnVkZ2V0Z2F0ZS10ZXN0cy1vbmx5LWtleS0wMDAwMDE=")).hasMessageContaining("(entry 1)");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''                                                  | no key-encryption key",
      "k1                                                  | not id:base64",
      "k 1:YnVkZ2V0Z2F0ZS10ZXN0cy1vbmx5LWtleS0wMDAwMDE=     | not id:base64",
      "k1:not*base64                                       | not valid base64",
      "k1:c2hvcnQ=                                         | is 5 bytes; AES-256 needs exactly 32",
      "k1:YnVkZ2V0Z2F0ZS10ZXN0cy1vbmx5LWtleS0wMDAwMDE=,k1:YnVkZ2V0Z2F0ZS10ZXN0cy1vbmx5LWtleS0wMDAwMDE= | given twice"})
  void aBadKeyListIsRefusedSayingWhatIsWrongAndNeverTheKey(String spec, String expected) {
    assertThatThrownBy(() -> SecretBox.parse(spec)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(expected).hasMessageNotContaining("YnVkZ2V0");
  }
}
