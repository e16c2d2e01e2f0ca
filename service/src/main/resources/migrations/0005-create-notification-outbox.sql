--liquibase formatted sql

--changeset budgetgate:0005-create-notification-outbox
--comment: One row per alert x channel x recipient; dispatchers claim due rows with FOR UPDATE SKIP LOCKED.
CREATE TABLE notification_outbox (
    id               BIGSERIAL    PRIMARY KEY,
    alert_id         UUID         NOT NULL REFERENCES budget_alert_history (id) ON DELETE CASCADE,
    tenant_id        VARCHAR(63)  NOT NULL,
    channel          VARCHAR(16)  NOT NULL CHECK (channel IN ('email', 'slack')),
    recipient        TEXT         NOT NULL,
    status           VARCHAR(16)  NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ  NOT NULL,
    last_error       TEXT,
    created_at       TIMESTAMPTZ  NOT NULL,
    sent_at          TIMESTAMPTZ,
    CONSTRAINT uq_notification_outbox_delivery UNIQUE (alert_id, channel, recipient)
);
CREATE INDEX idx_notification_outbox_due ON notification_outbox (next_attempt_at) WHERE status = 'pending';
--rollback DROP TABLE notification_outbox;
