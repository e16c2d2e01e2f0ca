--liquibase formatted sql

--changeset budgetgate:0013-add-litellm-key-sync-state
--comment: A budget change commits its intent first and reaches the LiteLLM key afterwards, never while a row lock is held. These columns say whether the key still has to follow: litellm_sync_pending_since (null = the key is known to hold litellm_synced_max_budget), litellm_sync_generation (bumped by every change, so a late write can tell it was overtaken), litellm_sync_duration (budget_duration must be written too), and the background sync's attempts, next try and last error.
ALTER TABLE tenant_configs
  ADD COLUMN litellm_sync_generation BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN litellm_sync_pending_since TIMESTAMPTZ,
  ADD COLUMN litellm_sync_duration BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN litellm_sync_attempts INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN litellm_sync_next_at TIMESTAMPTZ,
  ADD COLUMN litellm_sync_error TEXT;
CREATE INDEX idx_tenant_configs_litellm_sync_pending ON tenant_configs (litellm_sync_pending_since)
  WHERE litellm_sync_pending_since IS NOT NULL;
--rollback DROP INDEX idx_tenant_configs_litellm_sync_pending;
--rollback ALTER TABLE tenant_configs DROP COLUMN litellm_sync_error, DROP COLUMN litellm_sync_next_at, DROP COLUMN litellm_sync_attempts, DROP COLUMN litellm_sync_duration, DROP COLUMN litellm_sync_pending_since, DROP COLUMN litellm_sync_generation;
