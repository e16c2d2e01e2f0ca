--liquibase formatted sql

--changeset budgetgate:0010-create-budget-reset-notices
--comment: One "budget reset" notice per tenant and period (the unique key is the dedup: a reset repeated for the same period start queues nothing), with what it says; its deliveries go through notification_outbox, whose rows now belong to an alert or to a reset notice.
CREATE TABLE budget_reset_notices (
    id                     UUID           PRIMARY KEY,
    tenant_id              VARCHAR(63)    NOT NULL REFERENCES tenant_configs (tenant_id) ON DELETE CASCADE,
    period_start           TIMESTAMPTZ    NOT NULL,
    previous_period_start  TIMESTAMPTZ,
    final_spend            NUMERIC(16,6),
    effective_budget       NUMERIC(14,2)  NOT NULL,
    next_reset_at          TIMESTAMPTZ,
    reset_trigger          VARCHAR(16)    NOT NULL CHECK (reset_trigger IN ('period_end', 'on_demand')),
    created_at             TIMESTAMPTZ    NOT NULL,
    CONSTRAINT uq_budget_reset_notices_period UNIQUE (tenant_id, period_start)
);
ALTER TABLE notification_outbox
    ALTER COLUMN alert_id DROP NOT NULL,
    ADD COLUMN reset_notice_id UUID REFERENCES budget_reset_notices (id) ON DELETE CASCADE,
    ADD CONSTRAINT ck_notification_outbox_subject CHECK (num_nonnulls(alert_id, reset_notice_id) = 1),
    ADD CONSTRAINT uq_notification_outbox_reset_delivery UNIQUE (reset_notice_id, channel, recipient);
--rollback DELETE FROM notification_outbox WHERE reset_notice_id IS NOT NULL;
--rollback ALTER TABLE notification_outbox DROP CONSTRAINT uq_notification_outbox_reset_delivery, DROP CONSTRAINT ck_notification_outbox_subject, DROP COLUMN reset_notice_id, ALTER COLUMN alert_id SET NOT NULL;
--rollback DROP TABLE budget_reset_notices;
