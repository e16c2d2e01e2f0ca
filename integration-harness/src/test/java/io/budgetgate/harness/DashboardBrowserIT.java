package io.budgetgate.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.budgetgate.testing.ApiClient;
import io.budgetgate.testing.Eventually;
import io.budgetgate.testing.ServiceProcess;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator dashboard in Debian's Chromium (headless, through chromedriver): sign in, read the
 * usage bars of a warning, a critical and a blocked tenant, grant an override through the form and
 * see the tenant unblocked. Saves the screenshots README shows. Runs with {@code -Pbrowser}.
 */
class DashboardBrowserIT {
  /** The fill colour per state, as the browser computes it from the page's CSS. */
  static final Map<String, String> COLOURS = Map.of(
      "ok", "rgba(46, 125, 50, 1)",
      "warning", "rgba(249, 168, 37, 1)",
      "critical", "rgba(239, 108, 0, 1)",
      "blocked", "rgba(198, 40, 40, 1)");

  static Harness harness;
  static ServiceProcess budgetgate;
  static ApiClient api;
  static Path profile;
  static WebDriver browser;

  @BeforeAll
  static void start() throws Exception {
    harness = new Harness();
    budgetgate = harness.start();
    api = budgetgate.api();
    profile = Files.createTempDirectory("budgetgate-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(System.getProperty("budgetgate.chromium", "/usr/bin/chromium"));
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--user-data-dir=" + profile, "--window-size=1440,1500", "--force-device-scale-factor=1");
    ChromeDriverService driver = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(System.getProperty("budgetgate.chromedriver", "/usr/bin/chromedriver")))
        .usingAnyFreePort().build();
    browser = new ChromeDriver(driver, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    budgetgate.close();
    harness.close();
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  @Test
  void anAdminReadsTheBarsAndUnblocksATenantThroughTheOverrideForm() throws Exception {
    Timeline t = new Timeline("dashboard in Chromium: sign in, bars, override form");
    tenantsWithSevenHoursOfHistory();
    t.step("7 tenants with 7 hours of spend history and a live reconciler round");

    browser.get(budgetgate.baseUrl() + "/dashboard");
    assertThat(browser.getCurrentUrl()).as("not signed in: sent to the sign-in form").contains("/dashboard/sign-in");
    browser.findElement(By.id("token")).sendKeys(Harness.ADMIN);
    follow(By.id("sign-in"));
    assertThat(browser.getCurrentUrl()).as("back where the sign-in form was asked for").endsWith("/dashboard");
    t.step("signed in with the admin bearer token; the overview lists " + rows() + " tenants");

    assertBar("br-warm", "warning", 85.0);
    assertBar("br-hot", "critical", 105.0);
    assertBar("br-over", "blocked", 120.0);
    assertBar("br-calm", "ok", 12.0);
    assertThat(browser.findElement(By.cssSelector("tr[data-tenant='br-warm']")).getText())
        .as("85 % after 7 hours at ~$12/h: blocked at $110 in about 2 hours").contains(
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC)
                .format(Instant.now().plus(Duration.ofHours(2))));
    t.step("bars of warning 85 %, critical 105 %, blocked 120 % match in width and colour");
    screenshot("dashboard-overview.png");

    follow(By.linkText("br-over"));
    assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("blocked");
    assertThat(browser.findElements(By.cssSelector("#spend-chart polyline"))).hasSize(1);
    assertThat(api.post("/v1/tenants/br-over/llm-access", Harness.PLATFORM, "").status()).isEqualTo(402);
    browser.findElement(By.id("amount")).sendKeys("50");
    browser.findElement(By.id("reason")).sendKeys("launch week, approved by finance");
    WebElement hours = browser.findElement(By.id("hours"));
    hours.clear();
    hours.sendKeys("48");
    screenshot("dashboard-tenant-blocked.png");
    follow(By.id("grant"));
    t.step("override of $50 for 48 h granted through the tenant page's form");

    assertThat(browser.findElement(By.id("notice")).getText()).isEqualTo("Override granted.");
    assertThat(browser.findElement(By.id("state")).getText()).isEqualTo("warning");
    assertThat(browser.findElement(By.id("usage")).getAttribute("data-percent")).isEqualTo("80.0");
    assertThat(browser.findElement(By.id("overrides")).getText()).contains("$50.00").contains("launch week");
    assertThat(browser.findElement(By.id("audit")).getText()).contains("override.granted").contains("admin");
    assertThat(api.post("/v1/tenants/br-over/llm-access", Harness.PLATFORM, "").status()).isEqualTo(200);
    screenshot("dashboard-tenant-unblocked.png");
    t.step("the page shows it unblocked (warning, 80 %), and llm-access answers 200");

    follow(By.linkText("All budgets"));
    assertBar("br-over", "warning", 80.0);
    t.step("the overview agrees: br-over is a warning at 80 %");
    t.done();
  }

  /**
   * Seven tenants that have existed for seven hours: their history (hourly samples, spend growing
   * steadily to today's figure) is written as the reconciler would have recorded it, then one real
   * reconciler round adds the current spend read from LiteLLM.
   */
  private static void tenantsWithSevenHoursOfHistory() {
    String[][] tenants = {
        {"br-calm", "12"}, {"br-steady", "40"}, {"br-busy", "66"}, {"br-warm", "85"}, {"br-hot", "105"},
        {"br-edge", "93"}, {"br-over", "120"}};
    for (String[] tenant : tenants) {
      harness.tenant(api, tenant[0], "\"name\": \"" + tenant[0].substring(3) + " team\", \"max_budget\": 100, "
          + "\"budget_duration\": \"30d\"");
      harness.spend(tenant[0], tenant[1]);
    }
    harness.execute("UPDATE tenant_configs SET created_at = now() - interval '7 hours' WHERE tenant_id LIKE 'br-%'");
    harness.execute("""
        INSERT INTO spend_samples (tenant_id, sampled_at, spend, period_start)
        SELECT t.tenant_id, now() - make_interval(hours => h), round(s.final * (7 - h) / 7.0, 4), t.created_at
          FROM tenant_configs t
          JOIN (VALUES %s) AS s(tenant_id, final) USING (tenant_id)
          CROSS JOIN generate_series(1, 7) AS h""".formatted(java.util.Arrays.stream(tenants)
        .map(t -> "('" + t[0] + "', " + t[1] + ")").collect(Collectors.joining(", "))));
    long before = harness.count("SELECT count(*) FROM spend_samples");
    Eventually.await("a reconciler round recording today's spend", Duration.ofSeconds(20),
        () -> harness.count("SELECT count(*) FROM spend_samples") >= before + 2L * tenants.length);
  }

  private static void assertBar(String tenant, String state, double percent) {
    WebElement row = browser.findElement(By.cssSelector("tr[data-tenant='" + tenant + "']"));
    WebElement track = row.findElement(By.cssSelector(".track"));
    WebElement fill = track.findElement(By.cssSelector(".fill"));
    double scale = Double.parseDouble(track.getAttribute("data-scale"));

    assertThat(track.getAttribute("data-state")).as(tenant + " state").isEqualTo(state);
    assertThat(Double.parseDouble(track.getAttribute("data-percent"))).as(tenant + " percent").isEqualTo(percent);
    assertThat((double) fill.getRect().getWidth() / track.getRect().getWidth()).as(tenant + " bar width")
        .isCloseTo(Math.min(percent, scale) / scale, within(0.01));
    assertThat(fill.getCssValue("background-color")).as(tenant + " bar colour").isEqualTo(COLOURS.get(state));
  }

  /**
   * Clicks what leads to another page and waits until that page has replaced this one: a click
   * that submits a form or follows a link may return before the browser has navigated (seen once
   * in CI, on a loaded machine), and the old page's URL and elements would then be read.
   */
  private static void follow(By target) {
    WebElement page = browser.findElement(By.tagName("html"));
    browser.findElement(target).click();
    new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.stalenessOf(page));
    // chromedriver holds the next command until the new page has loaded
  }

  private static int rows() {
    return browser.findElements(By.cssSelector("#tenants tbody tr[data-tenant]")).size();
  }

  private static void screenshot(String name) throws IOException {
    Path dir = Path.of(System.getProperty("budgetgate.screenshots", "target/screenshots"));
    Files.createDirectories(dir);
    Files.write(dir.resolve(name), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }
}
