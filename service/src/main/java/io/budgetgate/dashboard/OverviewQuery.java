package io.budgetgate.dashboard;

import java.util.List;
import java.util.Locale;

/**
 * What the overview shows: which state (or all), in which order, which page. Unknown values fall
 * back to the defaults rather than failing, since they come from links and hand-edited URLs.
 */
record OverviewQuery(String state, String sort, int page) {
  static final List<String> STATES = List.of("ok", "warning", "critical", "blocked", "unknown");
  static final List<String> SORTS = List.of("percent_desc", "percent_asc", "tenant");

  static OverviewQuery of(String state, String sort, String page) {
    String s = state == null ? "all" : state.strip().toLowerCase(Locale.ROOT);
    String o = sort == null ? "percent_desc" : sort.strip().toLowerCase(Locale.ROOT);
    return new OverviewQuery(STATES.contains(s) ? s : "all", SORTS.contains(o) ? o : "percent_desc", pageNumber(page));
  }

  private static int pageNumber(String page) {
    try {
      return page == null ? 1 : Math.max(1, Integer.parseInt(page.strip()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  OverviewQuery withState(String newState) {
    return new OverviewQuery(newState, sort, 1);
  }

  OverviewQuery withSort(String newSort) {
    return new OverviewQuery(state, newSort, 1);
  }

  OverviewQuery withPage(int newPage) {
    return new OverviewQuery(state, sort, newPage);
  }

  String href() {
    return "/dashboard?state=" + state + "&sort=" + sort + "&page=" + page;
  }
}
