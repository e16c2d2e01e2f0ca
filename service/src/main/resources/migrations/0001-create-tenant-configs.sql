--liquibase formatted sql

--changeset budgetgate:0001-create-tenant-configs
--comment: Tenants and the LiteLLM virtual key each one owns. Budget columns arrive in 0004.
CREATE TABLE tenant_configs (
    tenant_id              VARCHAR(63)  PRIMARY KEY
                           CHECK (tenant_id ~ '^[a-z0-9][a-z0-9_-]{0,62}$'),
    name                   TEXT         NOT NULL,
    litellm_key_alias      TEXT         NOT NULL UNIQUE,
    litellm_key_hash       CHAR(64)     NOT NULL UNIQUE,
    litellm_virtual_key    TEXT         NOT NULL,
    notification_emails    TEXT[]       NOT NULL DEFAULT '{}',
    slack_webhook_url      TEXT,
    version                BIGINT       NOT NULL DEFAULT 0,
    created_at             TIMESTAMPTZ  NOT NULL,
    updated_at             TIMESTAMPTZ  NOT NULL
);
--rollback DROP TABLE tenant_configs;
