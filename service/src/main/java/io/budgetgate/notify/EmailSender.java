package io.budgetgate.notify;

import java.time.Duration;
import org.apache.commons.mail2.core.EmailException;
import org.apache.commons.mail2.jakarta.HtmlEmail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends an HTML + text email over SMTP, or logs a preview when no SMTP host is configured. */
final class EmailSender {
  private static final Logger LOG = LoggerFactory.getLogger(EmailSender.class);

  private final NotifyConfig.Smtp smtp;
  private final Duration timeout;

  EmailSender(NotifyConfig.Smtp smtp, Duration timeout) {
    this.smtp = smtp;
    this.timeout = timeout;
  }

  /** Returns false when it only logged a preview. */
  boolean send(String to, RenderedMessage message) throws EmailException {
    if (!smtp.configured()) {
      LOG.info("email preview (no SMTP host configured) to {}: {}\n{}", to, message.subject(), message.text());
      return false;
    }
    HtmlEmail email = new HtmlEmail();
    email.setHostName(smtp.host());
    email.setSmtpPort(smtp.port());
    email.setStartTLSEnabled(smtp.startTls());
    if (!smtp.username().isBlank()) {
      email.setAuthentication(smtp.username(), smtp.password());
    }
    email.setSocketConnectionTimeout(timeout);
    email.setSocketTimeout(timeout);
    email.setCharset("UTF-8");
    email.setFrom(smtp.from());
    email.addTo(to);
    email.setSubject(message.subject());
    email.setHtmlMsg(message.html());
    email.setTextMsg(message.text());
    email.send();
    return true;
  }
}
