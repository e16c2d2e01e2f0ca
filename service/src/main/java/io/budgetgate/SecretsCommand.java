package io.budgetgate;

import io.budgetgate.audit.AuditLog;
import io.budgetgate.litellm.VirtualKeys;
import io.budgetgate.platform.db.SchemaMigrations;
import io.budgetgate.tenant.StoredKeys;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.db.ManagedDataSource;
import java.time.Clock;
import java.time.Duration;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * {@code java -jar budgetgate.jar secrets encrypt-keys|rotate config.yml}: seals the tenants'
 * stored LiteLLM keys under the first key of {@code KEY_ENCRYPTION_KEYS} (ops-runbook/secrets.md).
 * {@code encrypt-keys} seals the keys still in plain text (the first deploy of encryption);
 * {@code rotate} re-seals every key not sealed under the first key id. Both are idempotent and
 * resumable, make no network call but to PostgreSQL, and may run while the service does.
 */
final class SecretsCommand extends ConfiguredCommand<BudgetGateConfiguration> {
  static final String ENCRYPT = "encrypt-keys";
  static final String ROTATE = "rotate";

  SecretsCommand() {
    super("secrets", "Seals the stored LiteLLM keys: encrypt-keys (plaintext ones) or rotate (all under the first key)");
  }

  @Override
  public void configure(Subparser subparser) {
    subparser.addArgument("action").choices(ENCRYPT, ROTATE).help(ENCRYPT + ": seal the keys still in plain text; "
        + ROTATE + ": re-seal every key under the first key of secrets.keyEncryptionKeys");
    super.configure(subparser);
  }

  @Override
  protected void run(Bootstrap<BudgetGateConfiguration> bootstrap, Namespace namespace, BudgetGateConfiguration config)
      throws Exception {
    String action = namespace.getString("action");
    if (config.getEmbeddedDatabase().enabled()) {
      throw new IllegalStateException("this configuration runs an embedded database, which starts empty and seals every"
          + " key it is given: there is nothing to " + action);
    }
    VirtualKeys keys = new VirtualKeys(config.getSecrets().box());
    DataSourceFactory database = config.getDatabase();
    new SchemaMigrations(database.getUrl(), database.getUser(), database.getPassword()).requireUpToDate();
    ManagedDataSource dataSource = database.build(bootstrap.getMetricRegistry(), "secrets");
    try {
      Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new SqlObjectPlugin());
      BudgetGateApplication.configureJson(bootstrap.getObjectMapper());
      AuditLog audit = new AuditLog(jdbi, Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000)), bootstrap.getObjectMapper());
      StoredKeys stored = new StoredKeys(jdbi, keys, audit);
      StoredKeys.Pass pass = ROTATE.equals(action) ? stored.rotate() : stored.encryptPlaintext();
      System.out.println("secrets " + action + ": " + pass.sealed() + " key(s) sealed under '" + keys.currentKeyId() + "', "
          + pass.untouched() + " needed nothing, " + pass.changedMeanwhile() + " changed meanwhile");
      if (pass.changedMeanwhile() > 0) {
        throw new IllegalStateException(pass.changedMeanwhile() + " key(s) changed while being sealed; run the command"
            + " again to seal them");
      }
    } finally {
      dataSource.stop();
    }
  }
}
