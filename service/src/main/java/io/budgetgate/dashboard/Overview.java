package io.budgetgate.dashboard;

import io.budgetgate.budget.BudgetBoard;
import io.budgetgate.budget.BudgetStanding;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds the overview page from the board: counts per state, the filter, the order and one page
 * of rows. Projections are asked for the shown page only, so the cost of a page does not grow with
 * the number of tenants beyond one pass over the board.
 */
final class Overview {
  private static final Comparator<BudgetBoard.Line> BY_TENANT = Comparator.comparing(BudgetBoard.Line::tenantId);
  private static final Comparator<BudgetBoard.Line> BY_PERCENT = Comparator.comparing(
      (BudgetBoard.Line l) -> l.status().percentUsed(), Comparator.nullsFirst(Comparator.<BigDecimal>naturalOrder()))
      .thenComparing(BY_TENANT);
  private static final Comparator<BudgetBoard.Line> BY_PERCENT_DESC = Comparator.comparing(
      (BudgetBoard.Line l) -> l.status().percentUsed(), Comparator.nullsLast(Comparator.<BigDecimal>reverseOrder()))
      .thenComparing(BY_TENANT);

  private final BudgetBoard board;
  private final int pageSize;

  Overview(BudgetBoard board, int pageSize) {
    this.board = board;
    this.pageSize = pageSize;
  }

  OverviewView render(Chrome chrome, OverviewQuery query) {
    long started = System.nanoTime();
    List<BudgetBoard.Line> all = board.lines();
    Map<String, Long> counts = all.stream().collect(Collectors.groupingBy(l -> l.status().state().wireName(), Collectors.counting()));
    List<BudgetBoard.Line> shown = new ArrayList<>(query.state().equals("all") ? all
        : all.stream().filter(l -> l.status().state().wireName().equals(query.state())).toList());
    shown.sort(switch (query.sort()) {
      case "percent_asc" -> BY_PERCENT;
      case "tenant" -> BY_TENANT;
      default -> BY_PERCENT_DESC;
    });
    int pages = Math.max(1, (shown.size() + pageSize - 1) / pageSize);
    int page = Math.min(query.page(), pages);
    List<BudgetBoard.Line> slice = shown.subList((page - 1) * pageSize, Math.min(shown.size(), page * pageSize));
    Map<String, Instant> projections = board.projectedBlockDates(slice);
    List<OverviewView.Row> rows = slice.stream().map(l -> row(l, projections::get)).toList();
    OverviewQuery at = query.withPage(page);
    return new OverviewView(chrome, stateLinks(at, counts, all.size()), sortLinks(at), rows,
        "page " + page + " of " + pages, page > 1 ? at.withPage(page - 1).href() : null,
        page < pages ? at.withPage(page + 1).href() : null, shown.size(), (System.nanoTime() - started) / 1_000);
  }

  private static OverviewView.Row row(BudgetBoard.Line line, Function<String, Instant> projection) {
    BudgetStanding s = line.status();
    return new OverviewView.Row(line.tenantId(), line.name(), "/dashboard/tenants/" + line.tenantId(), UsageBar.of(s),
        Display.money(s.spend()), Display.money(s.effectiveBudget()), Display.money(s.remaining()),
        Display.time(s.budgetResetAt()), s.allowed() ? Display.time(projection.apply(line.tenantId())) : "blocked now",
        Display.time(line.spendAt()));
  }

  private static List<OverviewView.Link> stateLinks(OverviewQuery query, Map<String, Long> counts, int total) {
    List<OverviewView.Link> links = new ArrayList<>();
    links.add(new OverviewView.Link("all (" + total + ")", query.withState("all").href(), query.state().equals("all")));
    for (String state : OverviewQuery.STATES) {
      links.add(new OverviewView.Link(state + " (" + counts.getOrDefault(state, 0L) + ")", query.withState(state).href(),
          query.state().equals(state)));
    }
    return links;
  }

  private static List<OverviewView.Link> sortLinks(OverviewQuery query) {
    return List.of(
        new OverviewView.Link("most used first", query.withSort("percent_desc").href(), query.sort().equals("percent_desc")),
        new OverviewView.Link("least used first", query.withSort("percent_asc").href(), query.sort().equals("percent_asc")),
        new OverviewView.Link("by tenant id", query.withSort("tenant").href(), query.sort().equals("tenant")));
  }
}
