package io.budgetgate.dashboard;

import io.dropwizard.views.common.View;

/** A short page saying why there is nothing else to show: a role that may not act, an unknown tenant. */
public final class MessageView extends View {
  private final Chrome chrome;
  private final String message;

  MessageView(Chrome chrome, String message) {
    super("message.mustache");
    this.chrome = chrome;
    this.message = message;
  }

  public Chrome getChrome() {
    return chrome;
  }

  public String getMessage() {
    return message;
  }
}
