package io.budgetgate.testing;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/** A real SMTP server (GreenMail) on a free local port that a test can stop and start again. */
public final class Mailbox implements AutoCloseable {
  private final int port;
  private GreenMail server;

  public Mailbox() {
    try {
      this.port = TestRedis.freePort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    start();
  }

  public int port() {
    return port;
  }

  public synchronized void start() {
    server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    server.start();
  }

  public synchronized void stop() {
    server.stop();
  }

  public synchronized List<MimeMessage> messages() {
    return Arrays.asList(server.getReceivedMessages());
  }

  /** The text of one part type (text/plain or text/html) of a message, decoded. */
  public static String part(MimeMessage message, String type) {
    try {
      return find(message, type);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String find(Part part, String type) throws Exception {
    if (part.isMimeType(type)) {
      return String.valueOf(part.getContent());
    }
    if (part.getContent() instanceof Multipart multipart) {
      for (int i = 0; i < multipart.getCount(); i++) {
        BodyPart body = multipart.getBodyPart(i);
        String found = find(body, type);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }

  @Override
  public void close() {
    stop();
  }
}
