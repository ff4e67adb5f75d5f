package io.drwatch.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The PromQL helper the monitoring tests rely on, on the shapes the rules and dashboards use. */
class PromQlTest {

  @Test
  void metricNamesSkipFunctionsKeywordsLabelsAndDurations() {
    assertEquals(Set.of("pg_replication_lag_bytes", "drwatch_target_up"), PromQl.metricNames(
        "(max by (target, application_name) (pg_replication_lag_bytes{stage=\"replay\"}) > 268435456)"
            + " * on (target) group_left (cluster) group by (target, cluster) (drwatch_target_up)"));
    assertEquals(Set.of("pg_wal_lsn_bytes"), PromQl.metricNames("rate(pg_wal_lsn_bytes{target=~\"$target\"}[$__rate_interval])"));
    assertEquals(Set.of("crdb_store_ranges"), PromQl.metricNames("sum by (node_id) (crdb_store_ranges offset 30m) >= 1e3"));
    assertEquals(Set.of(), PromQl.metricNames("time() - 5 * 3600 or vector(0)"));
    assertEquals(Set.of("a:b_c", "x"), PromQl.metricNames("a:b_c unless ignoring (job) x{l=\"y or z\"}"));
  }

  @Test
  void binarySplitsAtTheLowestPrecedenceOperatorAndDropsModifiers() {
    PromQl.Binary b = PromQl.binary("a == 0 unless on (target) b == 0").orElseThrow();
    assertEquals("unless", b.op());
    assertEquals("a == 0", b.left());
    assertEquals("b == 0", b.right());

    b = PromQl.binary("(x > 1) * on (target) group_left (cluster) group by (target, cluster) (up)").orElseThrow();
    assertEquals("*", b.op());
    assertEquals("(x > 1)", b.left());
    assertEquals("group by (target, cluster) (up)", b.right());

    b = PromQl.binary("time() - m > 600").orElseThrow();
    assertTrue(b.isComparison());
    assertEquals("time() - m", b.left());

    b = PromQl.binary("absent(x) or (y unless x)").orElseThrow();
    assertEquals("or", b.op());
    assertEquals("(y unless x)", b.right());

    b = PromQl.binary("a / on (target) group_left () (b > 0) < 0.2").orElseThrow();
    assertEquals("<", b.op());
    assertEquals("a / on (target) group_left () (b > 0)", b.left());

    b = PromQl.binary("a > bool on (x) b").orElseThrow();
    assertEquals("b", b.right());

    assertTrue(PromQl.binary("max by (a) (x{l=~\"a|b\", m!=\"<1\"})").isEmpty());
    assertTrue(PromQl.binary("rate(x[5m])").isEmpty());
    assertEquals("-", PromQl.binary("a - -1").orElseThrow().op());
  }

  @Test
  void callsExposeTheirArguments() {
    PromQl.Call c = PromQl.call("max by (cluster, node_id) (a * on (t) group_left (c) b) ").orElseThrow();
    assertEquals("max", c.name());
    assertEquals(List.of("a * on (t) group_left (c) b"), c.args());
    c = PromQl.call("quantile(0.9, rate(x[5m])) by (job)").orElseThrow();
    assertEquals(List.of("0.9", "rate(x[5m])"), c.args());
    c = PromQl.call("absent(drwatch_build_info)").orElseThrow();
    assertEquals(List.of("drwatch_build_info"), c.args());
    assertTrue(PromQl.call("x > 1").isEmpty());
    assertTrue(PromQl.call("(a) + (b)").isEmpty());
  }

  @Test
  void grafanaVariablesBecomeMatchAll() {
    assertEquals("drwatch_target_up{cluster=~\".*\"}",
        Monitoring.substitute("label_values(drwatch_target_up{cluster=~\"$cluster\"}, target)"));
    assertEquals("rate(x{target=~\".*\"}[30s])", Monitoring.substitute("rate(x{target=~\"${target}\"}[$__rate_interval])"));
  }
}
