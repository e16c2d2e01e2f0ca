package io.budgetgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.platform.secrets.SecretsConfig;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.ServiceJar;
import io.budgetgate.testing.ServiceProcess;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestKeys;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestRedis;
import io.budgetgate.testing.TestTokens;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * ops-runbook/secrets.md followed once, as an operator does, with the built jar and config.yml on
 * a database whose keys an earlier version stored in plain text: migrate, start (refused), encrypt,
 * start, rotate, start with the new key only; and each way a wrong key refuses the start.
 */
class SecretsProcedureIT {
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final List<String> TENANTS = List.of("plain-a", "plain-b", "plain-c");
  final TestPostgres.Database db = TestPostgres.newDatabase();

  @AfterAll
  static void stop() {
    LITELLM.stop();
  }

  @Test
  void migrateRefuseEncryptStartRotateStartWithTheNewKeyOnly() throws Exception {
    Map<String, String> env = env(TestKeys.KEY_ENCRYPTION_KEYS);
    assertThat(jar(env, "db", "migrate").exitCode()).isZero();
    plaintextTenants();

    ServiceJar.Run refused = jar(env, "server");
    assertThat(refused.exitCode()).as(refused.output()).isNotZero();
    assertThat(refused.output()).contains("3 tenant(s) have their LiteLLM key stored in plain text")
        .contains("secrets encrypt-keys");

    ServiceJar.Run encrypt = jar(env, "secrets", "encrypt-keys");
    assertThat(encrypt.exitCode()).as(encrypt.output()).isZero();
    assertThat(encrypt.output()).contains("3 key(s) sealed under 'test', 0 needed nothing, 0 changed meanwhile");
    assertThat(storedKeys()).allSatisfy(stored -> assertThat(stored).startsWith("v1:test:"));
    assertThat(jar(env, "secrets", "encrypt-keys").output()).as("again: nothing left to do")
        .contains("0 key(s) sealed under 'test', 3 needed nothing");
    assertThat(count("SELECT count(*) FROM audit_log WHERE action = 'secrets.keys_sealed' AND actor = 'secrets-command'"))
        .isEqualTo(1);
    handsOutTheRightKeys(env);

    Map<String, String> rotating = env(TestKeys.ROTATED_KEY + "," + TestKeys.KEY_ENCRYPTION_KEYS);
    handsOutTheRightKeys(rotating); // the new key first, the old one after it: a rolling restart works
    ServiceJar.Run rotate = jar(rotating, "secrets", "rotate");
    assertThat(rotate.exitCode()).as(rotate.output()).isZero();
    assertThat(rotate.output()).contains("3 key(s) sealed under 'rotated'");
    assertThat(storedKeys()).allSatisfy(stored -> assertThat(stored).startsWith("v1:rotated:"));
    handsOutTheRightKeys(env(TestKeys.ROTATED_KEY)); // the old key is no longer needed

    ServiceJar.Run oldKeyOnly = jar(env, "server");
    assertThat(oldKeyOnly.exitCode()).isNotZero();
    assertThat(oldKeyOnly.output()).contains("sealed under key id 'rotated', which KEY_ENCRYPTION_KEYS does not hold");
    ServiceJar.Run wrongKey = jar(env("rotated:" + TestKeys.KEY_ENCRYPTION_KEYS.substring("test:".length())), "server");
    assertThat(wrongKey.exitCode()).isNotZero();
    assertThat(wrongKey.output()).contains("the key-encryption key 'rotated' does not open the tenant keys");
    assertThat(wrongKey.output() + oldKeyOnly.output() + refused.output()).as("no key material in any refusal")
        .doesNotContain(TestKeys.KEY_ENCRYPTION_KEYS.substring("test:".length()))
        .doesNotContain(TestKeys.ROTATED_KEY.substring("rotated:".length()));
  }

  @Test
  void aMissingAMalformedOrThePublishedDevelopmentKeyStopsTheServiceBeforeItStarts() throws Exception {
    Map<String, String> none = env(TestKeys.KEY_ENCRYPTION_KEYS);
    none.remove("KEY_ENCRYPTION_KEYS");
    ServiceJar.Run missing = jar(none, "check");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.output()).contains("KEY_ENCRYPTION_KEYS");

    ServiceJar.Run shortKey = jar(env("k1:c2hvcnQ="), "check");
    assertThat(shortKey.exitCode()).isNotZero();
    assertThat(shortKey.output()).contains("secrets.keyEncryptionKeys").contains("32 bytes");

    ServiceJar.Run development = jar(env(SecretsConfig.DEVELOPMENT_KEY), "check");
    assertThat(development.exitCode()).isNotZero();
    assertThat(development.output()).contains("development key");
  }

  private void handsOutTheRightKeys(Map<String, String> env) throws Exception {
    try (ServiceProcess service = new ServiceProcess(env, Map.of()).start()) {
      for (String tenant : TENANTS) {
        ApiClient.Answer access = service.api().post("/v1/tenants/" + tenant + "/llm-access", TestTokens.PLATFORM, "");
        assertThat(access.status()).as(access.body()).isEqualTo(200);
        assertThat(access.json().get("api_key").asText()).isEqualTo(rawKey(tenant));
      }
    }
  }

  /** Rows as the version before encryption wrote them, with their keys in LiteLLM. */
  private void plaintextTenants() throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      for (String tenant : TENANTS) {
        s.execute("""
            INSERT INTO tenant_configs (tenant_id, name, litellm_key_alias, litellm_key_hash, litellm_virtual_key,
                                        max_budget, litellm_synced_max_budget, created_at, updated_at)
            VALUES ('%1$s', '%1$s', '%1$s', '%2$s', '%3$s', 100, 110, now(), now())"""
            .formatted(tenant, sha256(rawKey(tenant)), rawKey(tenant)));
        LITELLM.createKey(rawKey(tenant), tenant, new BigDecimal("110"), null, BigDecimal.ZERO);
      }
    }
  }

  private List<String> storedKeys() throws Exception {
    List<String> keys = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT litellm_virtual_key FROM tenant_configs ORDER BY tenant_id")) {
      while (rs.next()) {
        keys.add(rs.getString(1));
      }
    }
    assertThat(keys).hasSize(TENANTS.size());
    return keys;
  }

  private long count(String sql) throws Exception {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private Map<String, String> env(String keyEncryptionKeys) throws Exception {
    Map<String, String> env = new HashMap<>(ServiceJar.productionEnv(db, LITELLM.baseUrl(), TestRedis.freePort(),
        TestRedis.freePort()));
    env.put("KEY_ENCRYPTION_KEYS", keyEncryptionKeys);
    return env;
  }

  private static ServiceJar.Run jar(Map<String, String> env, String... command) throws Exception {
    List<String> args = new ArrayList<>(List.of(command));
    args.add(ServiceJar.shippedConfig("config.yml").toString());
    return ServiceJar.run(env, 120, args.toArray(String[]::new));
  }

  private static String rawKey(String tenant) {
    return "sk-procedure-" + tenant + "-0123456789";
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
