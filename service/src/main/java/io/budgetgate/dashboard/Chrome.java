package io.budgetgate.dashboard;

import io.budgetgate.platform.auth.Role;

/**
 * What every signed-in page shows around its content: who is signed in, with which role, and the
 * form token the sign-out form carries.
 */
public record Chrome(String title, String user, String role, String csrfToken, boolean admin) {

  static Chrome of(String title, DashboardSessions.Session session) {
    return new Chrome(title, session.caller().name(), session.caller().role().wireName(), session.csrfToken(),
        session.may(Role.ADMIN));
  }
}
