package io.budgetgate.tenant;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.BudgetScenario;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresql.PGConnection;

/**
 * Tenants' LiteLLM keys at rest (docs/security.md): a dump of the database holds none of them,
 * llm-access still hands out the right one, and a sealed value copied to another row does not open.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class KeysAtRestIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM);
  static BudgetScenario given;

  @BeforeAll
  static void scenario() {
    given = new BudgetScenario(new ApiClient("http://127.0.0.1:" + APP.getLocalPort()), LITELLM, DB);
  }

  @Test
  void aDumpOfTheDatabaseHoldsNoTenantsKeyAndLlmAccessStillHandsOutTheRightOne() throws Exception {
    List<String> tenants = List.of("dump-a", "dump-b", "dump-c");
    for (String tenant : tenants) {
      given.tenant(tenant, "\"max_budget\": 100");
    }

    String dump = dump();

    assertThat(dump).contains("dump-a").contains("v1:test:");
    for (String tenant : tenants) {
      ApiClient.Answer access = given.access(tenant);
      assertThat(access.status()).as(access.body()).isEqualTo(200);
      String raw = access.json().get("api_key").asText();
      assertThat(sha256(raw)).as("the key LiteLLM holds for " + tenant).isEqualTo(LITELLM.tokenOf(tenant).orElseThrow());
      assertThat(dump).as("the raw key of " + tenant).doesNotContain(raw).doesNotContain(raw.substring(3));
    }
    assertThat(dump).as("no raw key of anyone").doesNotContain("sk-");
  }

  @Test
  void aSealedKeySwappedIntoAnotherTenantsRowIsRefusedNotHandedOut() throws Exception {
    given.tenant("swap-a", "\"max_budget\": 100");
    given.tenant("swap-b", "\"max_budget\": 100");
    // before the service has read either key, so both answers come from the rows
    given.execute("""
        UPDATE tenant_configs t SET litellm_virtual_key = o.litellm_virtual_key
          FROM tenant_configs o
         WHERE (t.tenant_id, o.tenant_id) IN (('swap-a', 'swap-b'), ('swap-b', 'swap-a'))""");

    for (String tenant : List.of("swap-a", "swap-b")) {
      ApiClient.Answer access = given.access(tenant);
      assertThat(access.status()).as(access.body()).isEqualTo(500);
      assertThat(access.json().get("error").asText()).isEqualTo("stored_key_unreadable");
      assertThat(access.json().get("message").asText()).contains("'" + tenant + "'").contains("copied from another row");
      assertThat(access.body()).as("no key in the refusal").doesNotContain("sk-").doesNotContain("v1:test:");
    }
  }

  /**
   * The whole database as text: {@code pg_dump} where the machine has it (CI does); else, on a
   * fresh machine with the embedded PostgreSQL (which ships no pg_dump), every table's rows as
   * PostgreSQL itself writes them out ({@code COPY ... TO STDOUT}, what pg_dump's data section is).
   */
  private static String dump() throws Exception {
    Path pgDump = pgDump();
    if (pgDump != null) {
      URI uri = URI.create(DB.url().substring("jdbc:".length()));
      ProcessBuilder builder = new ProcessBuilder(pgDump.toString(), "--no-owner", "-h", uri.getHost(),
          "-p", String.valueOf(uri.getPort()), "-U", DB.user(), DB.name()).redirectErrorStream(true);
      builder.environment().put("PGPASSWORD", DB.password() == null ? "" : DB.password());
      Process process = builder.start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      if (process.exitValue() != 0 && out.contains("server version mismatch")) {
        return copyOut(); // a pg_dump older than the (embedded) server: the rows as the server writes them
      }
      assertThat(process.exitValue()).as(out).isZero();
      assertThat(out).contains("PostgreSQL database dump").contains("COPY public.tenant_configs");
      return out;
    }
    return copyOut();
  }

  private static String copyOut() throws Exception {
    StringBuilder out = new StringBuilder();
    try (Connection c = DB.connect(); Statement s = c.createStatement();
        ResultSet tables = s.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
      List<String> names = new ArrayList<>();
      while (tables.next()) {
        names.add(tables.getString(1));
      }
      for (String table : names) {
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY public." + table + " TO STDOUT", rows);
        out.append("COPY public.").append(table).append('\n').append(rows.toString(StandardCharsets.UTF_8));
      }
    }
    return out.toString();
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static Path pgDump() throws IOException {
    List<Path> candidates = new ArrayList<>();
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      candidates.add(Path.of(dir, "pg_dump"));
    }
    Path versions = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(versions)) {
      try (Stream<Path> dirs = Files.list(versions)) {
        dirs.sorted(Comparator.reverseOrder()).forEach(v -> candidates.add(v.resolve("bin/pg_dump")));
      }
    }
    return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
  }
}
