--liquibase formatted sql

--changeset budgetgate:0011-create-dashboard-signouts
--comment: Dashboard sessions signed out before they expired, by an HMAC of the session id (never the cookie): a copy of a signed-out session cookie is refused on every instance. A row is pruned once its session would have expired anyway.
CREATE TABLE dashboard_signouts (
    session_hash   VARCHAR(64)   PRIMARY KEY,
    expires_at     TIMESTAMPTZ   NOT NULL,
    signed_out_at  TIMESTAMPTZ   NOT NULL
);
CREATE INDEX idx_dashboard_signouts_expires ON dashboard_signouts (expires_at);
--rollback DROP TABLE dashboard_signouts;
