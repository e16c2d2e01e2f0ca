--liquibase formatted sql

--changeset budgetgate:0014-create-job-leases
--comment: Which instance runs a background job's rounds, until when. A lease row replaces a session advisory lock so that no pooled connection stays checked out while a round waits on LiteLLM; a holder that dies loses the lease when expires_at passes (database time).
CREATE TABLE job_leases (
  name       TEXT PRIMARY KEY,
  holder     TEXT NOT NULL,
  expires_at TIMESTAMPTZ NOT NULL
);
--rollback DROP TABLE job_leases;
