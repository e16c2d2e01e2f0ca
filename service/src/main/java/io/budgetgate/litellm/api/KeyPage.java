package io.budgetgate.litellm.api;

import java.util.List;

/**
 * One page of LiteLLM's key list.
 *
 * @param keys the keys on this page whose budget fields could be read (a row with a spend that is
 *     not a finite number is left out, so its tenant is read by {@code /key/info} instead)
 * @param unreadable how many rows of this page were left out
 * @param totalPages LiteLLM's {@code total_pages}
 */
public record KeyPage(List<ListedKey> keys, int unreadable, int totalPages) {
  public KeyPage {
    keys = List.copyOf(keys);
  }
}
