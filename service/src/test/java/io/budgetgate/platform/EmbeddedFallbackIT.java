package io.budgetgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.platform.db.SchemaMigrations;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestRedis;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * The fallbacks a fresh machine uses (no env vars, no Docker): embedded PostgreSQL 17 and an
 * embedded redis-server. Run on every build, so they keep working even where CI has real ones.
 */
class EmbeddedFallbackIT {

  @Test
  void embeddedPostgresRunsTheWholeChangelog() throws Exception {
    TestPostgres.Database db = TestPostgres.newDatabase(TestPostgres.embedded());
    new SchemaMigrations(db.url(), db.user(), db.password()).migrate();

    try (Connection c = db.connect(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_setting('server_version_num')::int / 10000, "
            + "(SELECT count(*) FROM information_schema.tables WHERE table_name = 'budget_alert_history')")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(17);
      assertThat(rs.getInt(2)).isEqualTo(1);
    }
  }

  @Test
  void embeddedRedisAnswersSetNxWithExpiry() {
    URI url = URI.create(TestRedis.embedded());
    try (JedisPooled redis = new JedisPooled(url.getHost(), url.getPort())) {
      assertThat(redis.set("probe", "1", SetParams.setParams().nx().ex(60))).isEqualTo("OK");
      assertThat(redis.set("probe", "2", SetParams.setParams().nx().ex(60))).isNull();
      assertThat(redis.ttl("probe")).isBetween(1L, 60L);
    }
  }

  @Test
  void configuredRedisAnswers() {
    URI url = URI.create(TestRedis.url());
    try (JedisPooled redis = new JedisPooled(url.getHost(), url.getPort())) {
      assertThat(redis.ping()).isEqualTo("PONG");
    }
  }
}
