package io.drwatch.collect.cockroach;

import static io.drwatch.collect.cockroach.Goldens.T;
import static io.drwatch.collect.cockroach.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Row;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The crdb_statements collector: statement statistics rows of two runs → the interval's top-N and
 * other (golden exposition text, see {@link Goldens}); its options and the SQL that follows the
 * version.
 */
class CrdbStatementsTest {

  private static final double BUCKET = 1_741_788_000; // the aggregation bucket both runs read

  private static Row stats(String fp, double executions, double serviceSeconds, double failures,
      double contentionSeconds, double cpuSeconds) {
    return row("fingerprint_id", fp, "app_name", "app", "bucket", BUCKET,
        "query", "SELECT * FROM orders WHERE id = _", "database", "defaultdb", "statement_type", "TypeDML",
        "executions", executions, "service_seconds", serviceSeconds, "rows", executions, "failures", failures,
        "contention_seconds", contentionSeconds, "cpu_seconds", cpuSeconds);
  }

  @Test
  void theIntervalsTopFingerprintGetsItsSeriesAndTheRestGoToOther() throws Exception {
    CrdbStatements c = new CrdbStatements(1, true, 16, false, Duration.ofHours(2), Clock.systemUTC());
    assertEquals(List.of(), c.map(List.of(stats("aa", 10, 5.0, 0, 0, 0.5), stats("bb", 3, 0.25, 1, 0, 0),
        stats("cc", 2, 0.125, 0, 0, 0)), T - 60, "cluster-1"), "the first run is only the baseline");
    // In the 60 s since: aa +4 executions and +2 s (the top by service time), bb +1 and +0.25 s
    // (other), cc idle (neither in the top nor counted active).
    String text = expose("crdb_statements", c.map(List.of(stats("aa", 14, 7.0, 0, 0.5, 0.75),
        stats("bb", 4, 0.5, 2, 0, 0), stats("cc", 2, 0.125, 0, 0, 0)), T, "cluster-1"));
    assertEquals("""
        # TYPE crdb_statement_info gauge
        crdb_statement_info{app_name="app",database="defaultdb",fingerprint_id="aa",query="SELECT * FROM o…",statement_type="TypeDML",target="crdb-1"} 1
        # TYPE crdb_statement_interval_contention_seconds gauge
        crdb_statement_interval_contention_seconds{app_name="",fingerprint_id="other",target="crdb-1"} 0.0
        crdb_statement_interval_contention_seconds{app_name="app",fingerprint_id="aa",target="crdb-1"} 0.5
        # TYPE crdb_statement_interval_cpu_seconds gauge
        crdb_statement_interval_cpu_seconds{app_name="",fingerprint_id="other",target="crdb-1"} 0.0
        crdb_statement_interval_cpu_seconds{app_name="app",fingerprint_id="aa",target="crdb-1"} 0.25
        # TYPE crdb_statement_interval_executions gauge
        crdb_statement_interval_executions{app_name="",fingerprint_id="other",target="crdb-1"} 1.0
        crdb_statement_interval_executions{app_name="app",fingerprint_id="aa",target="crdb-1"} 4.0
        # TYPE crdb_statement_interval_failures gauge
        crdb_statement_interval_failures{app_name="",fingerprint_id="other",target="crdb-1"} 1.0
        crdb_statement_interval_failures{app_name="app",fingerprint_id="aa",target="crdb-1"} 0.0
        # TYPE crdb_statement_interval_rows gauge
        crdb_statement_interval_rows{app_name="",fingerprint_id="other",target="crdb-1"} 1.0
        crdb_statement_interval_rows{app_name="app",fingerprint_id="aa",target="crdb-1"} 4.0
        # TYPE crdb_statement_interval_service_seconds gauge
        crdb_statement_interval_service_seconds{app_name="",fingerprint_id="other",target="crdb-1"} 0.25
        crdb_statement_interval_service_seconds{app_name="app",fingerprint_id="aa",target="crdb-1"} 2.0
        # TYPE crdb_statement_service_latency_mean_seconds gauge
        crdb_statement_service_latency_mean_seconds{app_name="",fingerprint_id="other",target="crdb-1"} 0.25
        crdb_statement_service_latency_mean_seconds{app_name="app",fingerprint_id="aa",target="crdb-1"} 0.5
        # TYPE crdb_statements_active_fingerprints gauge
        crdb_statements_active_fingerprints{target="crdb-1"} 2.0
        # TYPE crdb_statements_interval_seconds gauge
        crdb_statements_interval_seconds{target="crdb-1"} 60.0
        """, text);
  }

  @Test
  void statementOptionsAreValidatedAndTheFailureSourceFollowsTheVersion() {
    var c = new CrdbStatements();
    var cfg = com.typesafe.config.ConfigFactory.parseString("top-n = 0");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> c.configure(cfg)).getMessage().contains("top-n"));
    var long1 = com.typesafe.config.ConfigFactory.parseString("lookback = 5m");
    assertTrue(assertThrows(IllegalArgumentException.class, () -> c.configure(long1)).getMessage().contains("lookback"));
    ServerInfo v232 = new ServerInfo(Flavor.COCKROACHDB, 230212, "23.2.12", false, null, null, null, true, Set.of(), null);
    ServerInfo v241 = new ServerInfo(Flavor.COCKROACHDB, 240100, "24.1.0", false, null, null, null, true, Set.of(), null);
    assertTrue(c.sql(v232).contains("metadata->>'failed' = 'true'") && !c.sql(v232).contains("failureCount"));
    assertTrue(c.sql(v241).contains("failureCount") && !c.sql(v241).contains("metadata->>'failed'"));
    var off = (CrdbStatements) c.configure(com.typesafe.config.ConfigFactory.parseString(
        "query-text = false, include-internal = true"));
    assertTrue(off.sql(v241).contains("'' AS query") && !off.sql(v241).contains("internal%"));
    assertTrue(c.perTarget() != c, "each target gets its own deltas");
  }
}
