package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.drwatch.collect.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The activity collector: {@code pg_stat_activity} counts, oldest times and connection limits →
 * samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgActivityTest {

  @Test
  void activityCountsOldestTimesAndLimits() throws Exception {
    List<Row> counts = List.of(
        row("datname", "app", "state", "active", "wait_event_type", "Lock", "connections", 2L),
        row("datname", "app", "state", "idle in transaction", "wait_event_type", "Client", "connections", 1L),
        row("datname", "", "state", "", "wait_event_type", "", "connections", 1L));
    List<Row> oldest = List.of(row("datname", "app", "oldest_xact", 1735689500.5, "oldest_idle_xact", 1735689600.0,
        "oldest_query", null));
    String text = expose("activity", PgActivity.map(counts, oldest,
        row("max_connections", 100, "superuser_reserved", 3, "reserved", 2)));
    assertEquals("""
        # TYPE pg_activity_connections gauge
        pg_activity_connections{database="",state="",target="pg-a",wait_event_type=""} 1.0
        pg_activity_connections{database="app",state="active",target="pg-a",wait_event_type="Lock"} 2.0
        pg_activity_connections{database="app",state="idle in transaction",target="pg-a",wait_event_type="Client"} 1.0
        # TYPE pg_activity_max_connections gauge
        pg_activity_max_connections{target="pg-a"} 100.0
        # TYPE pg_activity_oldest_idle_in_transaction_timestamp_seconds gauge
        pg_activity_oldest_idle_in_transaction_timestamp_seconds{database="app",target="pg-a"} 1.7356896E9
        # TYPE pg_activity_oldest_xact_start_timestamp_seconds gauge
        pg_activity_oldest_xact_start_timestamp_seconds{database="app",target="pg-a"} 1.7356895005E9
        # TYPE pg_activity_reserved_connections gauge
        pg_activity_reserved_connections{target="pg-a"} 2.0
        # TYPE pg_activity_superuser_reserved_connections gauge
        pg_activity_superuser_reserved_connections{target="pg-a"} 3.0
        """, text);
    assertFalse(expose("activity", PgActivity.map(List.of(), List.of(),
        row("max_connections", 100, "superuser_reserved", 3))).contains("pg_activity_reserved_connections"));
  }
}
