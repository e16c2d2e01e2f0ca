--liquibase formatted sql

--changeset budgetgate:0006-add-litellm-synced-max-budget
--comment: The max_budget last written to the tenant's LiteLLM key, so a job can find keys whose block_at moved (an override started or expired) and sync them.
ALTER TABLE tenant_configs ADD COLUMN litellm_synced_max_budget NUMERIC(16,4);
--rollback ALTER TABLE tenant_configs DROP COLUMN litellm_synced_max_budget;
