package io.budgetgate.dashboard;

import io.dropwizard.views.common.View;
import java.util.List;
import java.util.Locale;

/** The overview page: every tenant's usage bar, filtered, sorted and paginated. */
public final class OverviewView extends View {
  /** A link in the filter or sort bar. */
  public record Link(String label, String href, boolean selected) {}

  /** One tenant's row. */
  public record Row(String tenantId, String name, String href, UsageBar bar, String spend, String effectiveBudget,
      String remaining, String resetAt, String projectedBlockAt, String spendAt) {}

  private final Chrome chrome;
  private final List<Link> states;
  private final List<Link> sorts;
  private final List<Row> rows;
  private final String pageLabel;
  private final String previous;
  private final String next;
  private final int matching;
  private final long renderMicros;

  OverviewView(Chrome chrome, List<Link> states, List<Link> sorts, List<Row> rows, String pageLabel, String previous,
      String next, int matching, long renderMicros) {
    super("overview.mustache");
    this.chrome = chrome;
    this.states = List.copyOf(states);
    this.sorts = List.copyOf(sorts);
    this.rows = List.copyOf(rows);
    this.pageLabel = pageLabel;
    this.previous = previous;
    this.next = next;
    this.matching = matching;
    this.renderMicros = renderMicros;
  }

  public Chrome getChrome() {
    return chrome;
  }

  public List<Link> getStates() {
    return states;
  }

  public List<Link> getSorts() {
    return sorts;
  }

  public List<Row> getRows() {
    return rows;
  }

  public String getPageLabel() {
    return pageLabel;
  }

  public String getPrevious() {
    return previous;
  }

  public String getNext() {
    return next;
  }

  public int getMatching() {
    return matching;
  }

  public String getBuildTime() {
    return String.format(Locale.ROOT, "%.1f ms", renderMicros / 1000.0);
  }
}
