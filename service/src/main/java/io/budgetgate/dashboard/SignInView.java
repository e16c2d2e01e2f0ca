package io.budgetgate.dashboard;

import io.dropwizard.views.common.View;

/** The sign-in form: a bearer token in, a session cookie out. */
public final class SignInView extends View {
  private final String next;
  private final String error;

  SignInView(String next, String error) {
    super("sign-in.mustache");
    this.next = next;
    this.error = error;
  }

  public String getNext() {
    return next;
  }

  public String getError() {
    return error;
  }
}
