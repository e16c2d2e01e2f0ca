package io.budgetgate.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Steps budget tests repeat: create a tenant, set its spend in LiteLLM, ask for status or access. */
public final class BudgetScenario {
  private final ApiClient api;
  private final LiteLlmSimulator litellm;
  private final TestPostgres.Database db;

  public BudgetScenario(ApiClient api, LiteLlmSimulator litellm, TestPostgres.Database db) {
    this.api = api;
    this.litellm = litellm;
    this.db = db;
  }

  /** Creates a tenant; {@code extraJson} is more fields, e.g. {@code "max_budget": 100}. */
  public void tenant(String tenantId, String extraJson) {
    ApiClient.Answer created = api.post("/v1/tenants", TestTokens.ADMIN,
        "{\"tenant_id\": \"" + tenantId + "\", \"name\": \"" + tenantId + "\"" + (extraJson.isBlank() ? "" : ", " + extraJson) + "}");
    if (created.status() != 201) {
      throw new AssertionError("creating " + tenantId + ": " + created.status() + " " + created.body());
    }
  }

  public void spend(String tenantId, String amount) {
    litellm.setSpend(tenantId, new BigDecimal(amount));
  }

  public ApiClient.Answer status(String tenantId) {
    return api.get("/v1/tenants/" + tenantId + "/budget", TestTokens.PLATFORM);
  }

  public JsonNode statusJson(String tenantId) {
    ApiClient.Answer answer = status(tenantId);
    if (answer.status() != 200) {
      throw new AssertionError("status of " + tenantId + ": " + answer.status() + " " + answer.body());
    }
    return answer.json();
  }

  public ApiClient.Answer access(String tenantId) {
    return api.post("/v1/tenants/" + tenantId + "/llm-access", TestTokens.PLATFORM, "");
  }

  public ApiClient.Answer patch(String tenantId, String json) {
    return api.send("PATCH", "/v1/tenants/" + tenantId + "/budget", TestTokens.ADMIN, "application/json", json);
  }

  public long count(String sql) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Runs a statement of the test's own (a trigger that makes a write fail, say). */
  public void execute(String sql) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /** Inserts tenant rows with SQL and seals their plaintext keys in the same transaction ({@link TestKeys#insertSealed}). */
  public void insertTenants(String insertSql) throws SQLException {
    try (Connection c = db.connect()) {
      TestKeys.insertSealed(c, insertSql);
    }
  }

  public String one(String sql) throws SQLException {
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new AssertionError("no row for " + sql);
      }
      return rs.getString(1);
    }
  }
}
