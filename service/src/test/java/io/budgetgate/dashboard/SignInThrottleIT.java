package io.budgetgate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.budgetgate.BudgetGateConfiguration;
import io.budgetgate.litellm.simulator.LiteLlmSimulator;
import io.budgetgate.testing.TestApps;
import io.budgetgate.testing.TestPostgres;
import io.budgetgate.testing.TestTokens;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Guessing dashboard tokens from one address: after 10 failures within a minute that address gets
 * 429 with Retry-After (even with a good token), while a sign-in from another address works. The
 * two addresses are real: each request goes over its own socket bound to 127.0.0.1 or 127.0.0.2.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class SignInThrottleIT {
  static final TestPostgres.Database DB = TestApps.migratedDatabase();
  static final LiteLlmSimulator LITELLM = TestApps.simulator();
  static final DropwizardAppExtension<BudgetGateConfiguration> APP = TestApps.app(DB, LITELLM);

  @Test
  void twentyFailuresFromOneAddressAreThrottledAndAnotherAddressStillSignsIn() throws Exception {
    List<String> statuses = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      statuses.add(signIn("127.0.0.1", "guess-" + i).get(0));
    }
    List<String> goodTokenFromTheSameAddress = signIn("127.0.0.1", TestTokens.VIEWER);
    List<String> fromElsewhere = signIn("127.0.0.2", TestTokens.VIEWER);

    assertThat(statuses.subList(0, 10)).as("the first ten are told the token is wrong").containsOnly("401");
    assertThat(statuses.subList(10, 20)).as("then the address is refused").containsOnly("429");
    assertThat(goodTokenFromTheSameAddress.get(0)).isEqualTo("429");
    assertThat(goodTokenFromTheSameAddress).anySatisfy(line -> assertThat(line).matches("(?i)retry-after: \\d+"));
    assertThat(fromElsewhere.get(0)).as("another address").isEqualTo("303");
    assertThat(fromElsewhere).anySatisfy(line -> assertThat(line).startsWith("Set-Cookie: bg_session="));
    assertThat(APP.getEnvironment().metrics().counter("dashboard.sign_in.failed").getCount()).isEqualTo(10);
    assertThat(APP.getEnvironment().metrics().counter("dashboard.sign_in.throttled").getCount()).isEqualTo(11);
  }

  /** POST /dashboard/sign-in over a socket bound to {@code from}; the status code, then the header lines. */
  private static List<String> signIn(String from, String token) throws Exception {
    String body = "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&next=%2Fdashboard";
    try (Socket socket = new Socket()) {
      socket.bind(new InetSocketAddress(from, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", APP.getLocalPort()), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /dashboard/sign-in HTTP/1.1\r\nHost: 127.0.0.1:" + APP.getLocalPort()
          + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length()
          + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      String status = in.readLine();
      lines.add(status.split(" ")[1]);
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        lines.add(line);
      }
      return lines;
    }
  }
}
