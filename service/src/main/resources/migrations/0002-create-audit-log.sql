--liquibase formatted sql

--changeset budgetgate:0002-create-audit-log
--comment: Every change and every alert, newest first per tenant. No FK: entries outlive tenants.
CREATE TABLE audit_log (
    id           BIGSERIAL    PRIMARY KEY,
    occurred_at  TIMESTAMPTZ  NOT NULL,
    actor        TEXT         NOT NULL,
    action       VARCHAR(64)  NOT NULL,
    tenant_id    VARCHAR(63),
    details      JSONB        NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX idx_audit_log_tenant ON audit_log (tenant_id, occurred_at DESC, id DESC);
CREATE INDEX idx_audit_log_occurred ON audit_log (occurred_at DESC, id DESC);
--rollback DROP TABLE audit_log;
