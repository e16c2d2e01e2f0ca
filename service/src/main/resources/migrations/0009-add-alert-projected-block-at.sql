--liquibase formatted sql

--changeset budgetgate:0009-add-alert-projected-block-at
--comment: When the tenant would be blocked at the burn rate seen as the alert was raised (null = no projection), so the warning and critical messages can say it.
ALTER TABLE budget_alert_history ADD COLUMN projected_block_at TIMESTAMPTZ;
--rollback ALTER TABLE budget_alert_history DROP COLUMN projected_block_at;
