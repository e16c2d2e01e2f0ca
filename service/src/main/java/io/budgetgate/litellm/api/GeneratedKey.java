package io.budgetgate.litellm.api;

import io.budgetgate.litellm.VirtualKey;

/**
 * LiteLLM's answer to {@code /key/generate}.
 *
 * @param key the raw virtual key: returned by LiteLLM this once only
 * @param tokenHash LiteLLM's {@code token}, the SHA-256 hex of the key
 * @param keyAlias the alias LiteLLM stored
 */
public record GeneratedKey(VirtualKey key, String tokenHash, String keyAlias) {}
