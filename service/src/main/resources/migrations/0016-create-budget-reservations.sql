--liquibase formatted sql

--changeset budgetgate:0016-create-budget-reservations
--comment: Holds of an estimated cost against a tenant's headroom (DESIGN §11). status: held (counts until expires_at), settled (actual_cost counts until LiteLLM's spend has caught up or counts_until passes), released, expired, recorded (a settled amount LiteLLM has caught up with), refused (kept only so a repeated request_id gets the same refusal). seq orders the holds of a tenant: a settled amount is caught up when the spend reaches spend_at_hold plus everything settled at or after it. One conditional INSERT under the tenant's row lock decides and holds.
CREATE TABLE budget_reservations (
    id              UUID           PRIMARY KEY,
    seq             BIGSERIAL      NOT NULL UNIQUE,
    tenant_id       VARCHAR(63)    NOT NULL REFERENCES tenant_configs (tenant_id) ON DELETE CASCADE,
    request_id      VARCHAR(200),
    status          VARCHAR(16)    NOT NULL,
    amount          NUMERIC(16,6)  NOT NULL,
    actual_cost     NUMERIC(16,6),
    spend_at_hold   NUMERIC(20,8)  NOT NULL,
    refused_reason  VARCHAR(32),
    created_at      TIMESTAMPTZ    NOT NULL,
    expires_at      TIMESTAMPTZ    NOT NULL,
    settled_at      TIMESTAMPTZ,
    counts_until    TIMESTAMPTZ,
    ended_at        TIMESTAMPTZ,
    CONSTRAINT ck_budget_reservations_status
        CHECK (status IN ('held', 'settled', 'released', 'expired', 'recorded', 'refused')),
    CONSTRAINT ck_budget_reservations_amount CHECK (amount > 0),
    CONSTRAINT ck_budget_reservations_actual CHECK (actual_cost IS NULL OR actual_cost >= 0),
    CONSTRAINT ck_budget_reservations_settled
        CHECK ((status IN ('settled', 'recorded')) = (actual_cost IS NOT NULL AND counts_until IS NOT NULL))
);
CREATE UNIQUE INDEX ux_budget_reservations_request ON budget_reservations (tenant_id, request_id)
    WHERE request_id IS NOT NULL;
CREATE INDEX idx_budget_reservations_open ON budget_reservations (tenant_id, seq)
    WHERE status IN ('held', 'settled');
CREATE INDEX idx_budget_reservations_tenant_time ON budget_reservations (tenant_id, created_at);
--rollback DROP TABLE budget_reservations;
