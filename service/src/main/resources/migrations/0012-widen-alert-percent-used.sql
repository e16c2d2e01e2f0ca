--liquibase formatted sql

--changeset budgetgate:0012-widen-alert-percent-used
--comment: An alert's percent_used can reach spend ceiling / smallest budget (10^9 USD / 0.01 USD x 100 = 10^13 %): NUMERIC(12,2) overflowed and the alert was lost. NUMERIC(18,2) holds it with room. Rolling back clamps wider values to the old maximum.
ALTER TABLE budget_alert_history ALTER COLUMN percent_used TYPE NUMERIC(18,2);
--rollback ALTER TABLE budget_alert_history ALTER COLUMN percent_used TYPE NUMERIC(12,2) USING LEAST(percent_used, 9999999999.99);
