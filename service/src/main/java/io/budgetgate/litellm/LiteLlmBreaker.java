package io.budgetgate.litellm;

import com.codahale.metrics.Counter;
import com.codahale.metrics.MetricRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the circuit breaker of budget checks' LiteLLM reads from {@link LiteLlmConfig.BreakerConfig},
 * with its state as the gauge {@code litellm.breaker.state} (0 closed, 1 open, 2 half-open) and each
 * transition counted ({@code litellm.breaker.to.<state>}) and logged.
 */
final class LiteLlmBreaker {
  private static final Logger LOG = LoggerFactory.getLogger(LiteLlmBreaker.class);

  private LiteLlmBreaker() {}

  static CircuitBreaker of(LiteLlmConfig.BreakerConfig config, MetricRegistry metrics) {
    CircuitBreaker breaker = CircuitBreaker.of("litellm-decisions", CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(config.window())
        .minimumNumberOfCalls(Math.min(config.minimumCalls(), config.window()))
        .failureRateThreshold(config.failureRatePercent())
        .waitDurationInOpenState(config.openFor().toJavaDuration())
        .permittedNumberOfCallsInHalfOpenState(config.probes())
        .recordExceptions(LiteLlmUnavailableException.class)
        .ignoreExceptions(LiteLlmRejectedException.class, LiteLlmBadAnswerException.class)
        .build());
    Map<CircuitBreaker.State, Counter> into = new EnumMap<>(CircuitBreaker.State.class);
    for (CircuitBreaker.State state : CircuitBreaker.State.values()) {
      into.put(state, metrics.counter("litellm.breaker.to." + state.name().toLowerCase(Locale.ROOT)));
    }
    breaker.getEventPublisher().onStateTransition(event -> {
      CircuitBreaker.State to = event.getStateTransition().getToState();
      into.get(to).inc();
      if (to == CircuitBreaker.State.OPEN) {
        LOG.warn("LiteLLM circuit breaker opened: budget checks answer from the last known spend (or per "
            + "budget.failMode) without asking LiteLLM for {}", config.openFor());
      } else {
        LOG.info("LiteLLM circuit breaker {}", event.getStateTransition());
      }
    });
    metrics.gauge("litellm.breaker.state", () -> () -> switch (breaker.getState()) {
      case CLOSED -> 0;
      case OPEN, FORCED_OPEN -> 1;
      case HALF_OPEN -> 2;
      default -> 3;
    });
    return breaker;
  }
}
