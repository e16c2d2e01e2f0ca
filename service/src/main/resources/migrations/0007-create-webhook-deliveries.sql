--liquibase formatted sql

--changeset budgetgate:0007-create-webhook-deliveries
--comment: Every accepted webhook-id, so a redelivery is answered "duplicate" and changes nothing (the insert is the dedup: ON CONFLICT DO NOTHING).
CREATE TABLE webhook_deliveries (
    webhook_id   VARCHAR(255) PRIMARY KEY,
    received_at  TIMESTAMPTZ  NOT NULL,
    tenant_id    VARCHAR(63),
    outcome      VARCHAR(16)  NOT NULL CHECK (outcome IN ('accepted', 'ignored'))
);
CREATE INDEX idx_webhook_deliveries_received ON webhook_deliveries (received_at);
--rollback DROP TABLE webhook_deliveries;
