package io.budgetgate.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.budgetgate.testing.TestRedis;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import org.apache.commons.mail2.core.EmailException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SMTP AUTH against a real SMTP server (GreenMail) that checks credentials: with
 * {@code smtp.username} set, the sender logs in, a wrong password is a failed send, and the password
 * is in neither the error the outbox stores nor the configuration's printed form.
 */
class SmtpAuthIT {
  private static final String PASSWORD = "pw-7d1e5c0a-never-logged";
  private static final RenderedMessage MESSAGE = new RenderedMessage("Budget alert", "80 % used", "<p>80 % used</p>", "{}");

  private GreenMail server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    port = TestRedis.freePort();
    server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer", PASSWORD));
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  private EmailSender sender(String username, String password) {
    return new EmailSender(new NotifyConfig.Smtp("127.0.0.1", port, username, password, "budgetgate@example.test", false),
        Duration.ofSeconds(5));
  }

  @Test
  void theRightCredentialsLogInAndTheMailArrives() throws Exception {
    assertThat(sender("mailer", PASSWORD).send("ops@example.test", MESSAGE)).isTrue();

    MimeMessage[] received = server.getReceivedMessages();
    assertThat(received).hasSize(1);
    assertThat(received[0].getSubject()).isEqualTo("Budget alert");
  }

  @Test
  void aWrongPasswordIsAFailedSendWhoseErrorDoesNotHoldThePassword() {
    String wrong = PASSWORD + "-wrong";

    assertThatThrownBy(() -> sender("mailer", wrong).send("ops@example.test", MESSAGE))
        .as("the server refused the login (535), so the sender did log in")
        .isInstanceOf(EmailException.class)
        .satisfies(e -> {
          String stored = e.getClass().getSimpleName() + ": " + e.getMessage();
          assertThat(stored).doesNotContain(wrong).doesNotContain(PASSWORD);
        });
    assertThat(server.getReceivedMessages()).isEmpty();
  }

  @Test
  void withoutAUsernameNoLoginIsTriedAndTheServerTakesTheMail() throws Exception {
    assertThat(sender("", "").send("ops@example.test", MESSAGE)).isTrue();

    assertThat(server.getReceivedMessages()).hasSize(1);
  }

  @Test
  void thePrintedConfigurationMasksThePassword() {
    String printed = new NotifyConfig.Smtp("smtp.example.test", 587, "mailer", PASSWORD, "budgetgate@example.test", true)
        .toString();

    assertThat(printed).contains("username=mailer").contains("password=****").doesNotContain(PASSWORD);
    assertThat(new NotifyConfig.Smtp("smtp.example.test", 587, "", "", "a@b.test", true).toString()).contains("password=,");
  }
}
