package io.budgetgate.litellm.api;

/**
 * One key of LiteLLM's {@code GET /key/list?return_full_object=true}: its hash and budget fields.
 *
 * @param tokenHash LiteLLM's {@code token}, the SHA-256 hex of the key
 * @param info the key's budget fields, read as strictly as {@code /key/info}'s
 */
public record ListedKey(String tokenHash, KeyInfo info) {}
