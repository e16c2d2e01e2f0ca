--liquibase formatted sql

--changeset budgetgate:0008-create-spend-samples
--comment: One row per tenant per reconciler round: the spend LiteLLM reported, when, and which budget period it belongs to (period_start), so a reset in the middle of a series is visible. Feeds the burn-rate forecast and the dashboard's spend chart; pruned after alerts.spendSampleRetention.
CREATE TABLE spend_samples (
    id            BIGSERIAL      PRIMARY KEY,
    tenant_id     VARCHAR(63)    NOT NULL REFERENCES tenant_configs (tenant_id) ON DELETE CASCADE,
    sampled_at    TIMESTAMPTZ    NOT NULL,
    spend         NUMERIC(14,4)  NOT NULL,
    period_start  TIMESTAMPTZ
);
CREATE INDEX idx_spend_samples_tenant_time ON spend_samples (tenant_id, sampled_at);
--rollback DROP TABLE spend_samples;
