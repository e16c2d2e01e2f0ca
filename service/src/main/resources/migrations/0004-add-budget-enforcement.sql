--liquibase formatted sql

--changeset budgetgate:0004-add-budget-enforcement
--comment: The budget-enforcement schema as one step (the story's migration 001): budget columns on tenant_configs, overrides, alert history. Roll back with `db rollback -t pre-budget-enforcement`.
ALTER TABLE tenant_configs
    ADD COLUMN max_budget              NUMERIC(12,2) NOT NULL DEFAULT 500.00,
    ADD COLUMN alert_threshold         INTEGER       NOT NULL DEFAULT 80,
    ADD COLUMN grace_threshold         INTEGER       NOT NULL DEFAULT 110,
    ADD COLUMN budget_duration         VARCHAR(16),
    ADD COLUMN budget_reset_at         TIMESTAMPTZ,
    ADD COLUMN litellm_key_last_reset  TIMESTAMPTZ,
    ADD CONSTRAINT ck_tenant_configs_max_budget CHECK (max_budget >= 0),
    ADD CONSTRAINT ck_tenant_configs_alert_threshold CHECK (alert_threshold BETWEEN 1 AND 100),
    ADD CONSTRAINT ck_tenant_configs_grace_threshold
        CHECK (grace_threshold BETWEEN 100 AND 200 AND grace_threshold >= alert_threshold);

CREATE TABLE budget_overrides (
    id           UUID           PRIMARY KEY,
    tenant_id    VARCHAR(63)    NOT NULL REFERENCES tenant_configs (tenant_id) ON DELETE CASCADE,
    amount       NUMERIC(12,2)  NOT NULL CHECK (amount > 0),
    reason       TEXT           NOT NULL CHECK (length(btrim(reason)) > 0),
    starts_at    TIMESTAMPTZ    NOT NULL,
    expires_at   TIMESTAMPTZ    NOT NULL,
    created_by   TEXT           NOT NULL,
    created_at   TIMESTAMPTZ    NOT NULL,
    revoked_at   TIMESTAMPTZ,
    revoked_by   TEXT,
    CONSTRAINT ck_budget_overrides_window CHECK (expires_at > starts_at)
);
CREATE INDEX idx_budget_overrides_tenant ON budget_overrides (tenant_id, expires_at);

CREATE TABLE budget_alert_history (
    id                       UUID           PRIMARY KEY,
    tenant_id                VARCHAR(63)    NOT NULL REFERENCES tenant_configs (tenant_id) ON DELETE CASCADE,
    level                    VARCHAR(16)    NOT NULL CHECK (level IN ('warning', 'critical', 'blocked')),
    percent_used             NUMERIC(12,2)  NOT NULL,
    spend                    NUMERIC(16,6)  NOT NULL,
    effective_budget         NUMERIC(14,2)  NOT NULL,
    source                   VARCHAR(16)    NOT NULL CHECK (source IN ('webhook', 'reconciler', 'check')),
    litellm_event            VARCHAR(64),
    period_start             TIMESTAMPTZ,
    raw_payload              JSONB,
    notification_suppressed  BOOLEAN        NOT NULL DEFAULT FALSE,
    suppression_reason       TEXT,
    created_at               TIMESTAMPTZ    NOT NULL
);
CREATE INDEX idx_budget_alerts_tenant ON budget_alert_history (tenant_id, created_at DESC);
--rollback DROP TABLE budget_alert_history;
--rollback DROP TABLE budget_overrides;
--rollback ALTER TABLE tenant_configs DROP CONSTRAINT ck_tenant_configs_grace_threshold, DROP CONSTRAINT ck_tenant_configs_alert_threshold, DROP CONSTRAINT ck_tenant_configs_max_budget, DROP COLUMN litellm_key_last_reset, DROP COLUMN budget_reset_at, DROP COLUMN budget_duration, DROP COLUMN grace_threshold, DROP COLUMN alert_threshold, DROP COLUMN max_budget;
