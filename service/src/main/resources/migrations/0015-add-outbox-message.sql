--liquibase formatted sql

--changeset budgetgate:0015-add-outbox-message
--comment: The figures a notification states (tenant name, level, spend, budget, thresholds, reset date; or a reset notice's), written when the row is queued, so a delivery retried after a budget change still says what was true when the alert was raised. Rows queued before this changeset (or by an instance of the previous version during a rolling upgrade) have none and are rendered from the alert, notice and tenant rows as before.
ALTER TABLE notification_outbox ADD COLUMN message JSONB;
--rollback ALTER TABLE notification_outbox DROP COLUMN message;
