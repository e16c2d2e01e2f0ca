package io.budgetgate.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * An amount BudgetGate holds for one model call, with the LiteLLM address and key to make it:
 * settle it with the real cost, or release it. Used in {@code try}-with-resources, {@link #close()}
 * releases a hold that was neither settled nor released, so a forgotten settle frees the headroom
 * at once instead of when the hold expires.
 */
public final class Reservation implements AutoCloseable {
  private static final String HELD = "held";

  private final BudgetGateClient client;
  private final String tenantId;
  private final String id;
  private final BigDecimal amount;
  private final Instant expiresAt;
  private final String requestId;
  private final String baseUrl;
  private final String apiKey;
  private final BudgetStatus budget;
  private volatile String status;

  Reservation(BudgetGateClient client, String tenantId, AccessAnswer access) {
    this.client = client;
    this.tenantId = tenantId;
    this.id = access.reservation().id();
    this.amount = access.reservation().amount();
    this.expiresAt = access.reservation().expiresAt();
    this.requestId = access.reservation().requestId();
    this.status = access.reservation().status();
    this.baseUrl = access.baseUrl();
    this.apiKey = access.apiKey();
    this.budget = access.budget();
  }

  /** The tenant's LiteLLM virtual key: the one to call models with. Never logged by this client. */
  public String apiKey() {
    return apiKey;
  }

  /** Where to send the LiteLLM calls. */
  public String baseUrl() {
    return baseUrl;
  }

  public String tenantId() {
    return tenantId;
  }

  /** The reservation's id, to settle or release it from elsewhere ({@link BudgetGateClient#settle}). */
  public String id() {
    return id;
  }

  /** The amount held: the estimate. */
  public BigDecimal amount() {
    return amount;
  }

  /** When the hold ends by itself unless settled or released. */
  public Instant expiresAt() {
    return expiresAt;
  }

  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** The budget when the hold was made ({@code reserved} includes it, {@code headroom} is what is left). */
  public BudgetStatus budget() {
    return budget;
  }

  /**
   * The status as this object last learned it: {@code held}, {@code settled}, {@code recorded},
   * {@code released} or {@code expired} (a repeated request id may find the earlier call ended).
   */
  public String status() {
    return status;
  }

  /**
   * The call happened and cost {@code actualCost}: it counts instead of the hold. Settling again
   * with the same amount succeeds.
   *
   * @throws ConflictException {@code reservation_settled} (settled with another amount) or
   *     {@code reservation_released}
   */
  public Settlement settle(BigDecimal actualCost) {
    Objects.requireNonNull(actualCost, "actualCost");
    try {
      Settlement settled = client.settle(tenantId, id, actualCost);
      status = settled.status();
      return settled;
    } catch (ConflictException e) {
      learn(e);
      throw e;
    }
  }

  /**
   * The call did not happen: the hold is dropped. Releasing twice is not an error.
   *
   * @throws ConflictException {@code reservation_settled}: it was settled, so the cost stands
   */
  public void release() {
    try {
      client.release(tenantId, id);
      status = "released";
    } catch (ConflictException e) {
      learn(e);
      throw e;
    }
  }

  /**
   * Releases the hold unless it was settled or released (or found ended), so nothing stays held
   * after the block. An answer that it was settled meanwhile is not a failure. Any other failure is
   * thrown: after a block that completed, from the {@code try}; after one that threw, attached to
   * that exception as suppressed. The hold then ends by itself at {@link #expiresAt()}.
   */
  @Override
  public void close() {
    if (!HELD.equals(status)) {
      return;
    }
    try {
      release();
    } catch (ConflictException e) {
      if (!"reservation_settled".equals(e.code())) {
        throw e;
      }
    }
  }

  private void learn(ConflictException e) {
    if ("reservation_settled".equals(e.code())) {
      status = "settled";
    } else if ("reservation_released".equals(e.code())) {
      status = "released";
    }
  }

  @Override
  public String toString() {
    return "Reservation[tenant=" + tenantId + ", id=" + id + ", amount=" + amount + ", expiresAt=" + expiresAt
        + ", requestId=" + requestId + ", status=" + status + ", baseUrl=" + baseUrl + ", apiKey=****]";
  }
}
