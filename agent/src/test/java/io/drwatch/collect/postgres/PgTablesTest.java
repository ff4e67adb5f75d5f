package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Row;
import io.drwatch.fixture.Exposition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tables collector: {@code pg_stat_user_tables} rows through the top-N → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgTablesTest {

  static Row table(long relid, String name, long seqScan, long dead, Double lastAutovacuum) {
    return row("relid", relid, "datname", "app", "schemaname", "public", "relname", name, "seq_scan", seqScan,
        "seq_tup_read", seqScan * 10, "idx_scan", 0L, "idx_tup_fetch", 0L, "n_tup_ins", 1L, "n_tup_upd", 0L,
        "n_tup_del", 0L, "vacuum_count", 0L, "autovacuum_count", 0L, "analyze_count", 0L,
        "autoanalyze_count", 0L, "n_live_tup", 100L, "n_dead_tup", dead, "last_vacuum", null,
        "last_autovacuum", lastAutovacuum, "last_analyze", null, "last_autoanalyze", null);
  }

  @Test
  void tablesTopBySeqScansAndByDeadTuplesPlusOther() throws Exception {
    TopN<Long> t = new TopN<>(PgTables.COUNTER_COLUMNS.length, PgTables.GAUGE_COLUMNS.length);
    PgTables.run(t, List.of(table(1, "scanned", 50, 0, null), table(2, "bloated", 1, 900, 1735680000.0),
        table(3, "quiet", 2, 1, null), table(4, "idle", 0, 2, null)), 1);
    String text = expose("tables", PgTables.run(t, List.of(table(1, "scanned", 50, 0, null),
        table(2, "bloated", 1, 900, 1735680000.0), table(3, "quiet", 9, 1, null), table(4, "idle", 0, 2, null)), 1));
    assertEquals("""
        # TYPE pg_table_dead_tuples gauge
        pg_table_dead_tuples{database="app",schema="",table="other",target="pg-a"} 2.0
        pg_table_dead_tuples{database="app",schema="public",table="bloated",target="pg-a"} 900.0
        pg_table_dead_tuples{database="app",schema="public",table="quiet",target="pg-a"} 1.0
        # TYPE pg_table_last_autovacuum_timestamp_seconds gauge
        pg_table_last_autovacuum_timestamp_seconds{database="app",schema="public",table="bloated",target="pg-a"} 1.73568E9
        # TYPE pg_table_seq_scans_total counter
        pg_table_seq_scans_total{database="app",schema="",table="other",target="pg-a"} 9.0
        pg_table_seq_scans_total{database="app",schema="public",table="bloated",target="pg-a"} 1.0
        pg_table_seq_scans_total{database="app",schema="public",table="quiet",target="pg-a"} 9.0
        # TYPE pg_table_tracked gauge
        pg_table_tracked{database="app",target="pg-a"} 4.0
        """, Exposition.only(text, "pg_table_dead", "pg_table_last_autovacuum", "pg_table_seq_scans", "pg_table_tracked"));
    // Baseline (top 1 per ranking): scanned leads lifetime scans, bloated dead rows; other starts
    // at quiet 2 + idle 0 scans. Then quiet scans 7 times, the most in the interval, and enters
    // the top at its lifetime 9; those 7 go to other (2 + 7 = 9), scanned drops out with its 50,
    // so Prometheus sees exactly +7. Dead rows of the rest (scanned 0, idle 2) are summed.
  }
}
