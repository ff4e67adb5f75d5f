package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Exposition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The locks collector: {@code pg_locks} by mode and the blocked sessions → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgLocksTest {

  @Test
  void locksFillEveryModeAndReportTheBlocked() throws Exception {
    String text = expose("locks", PgLocks.map(
        List.of(row("mode", "AccessExclusiveLock", "held", 1L, "waiting", 0L),
            row("mode", "AccessShareLock", "held", 5L, "waiting", 1L)),
        row("blocked", 1L, "blocking", 1L, "oldest_wait", 1735689590.0)));
    assertEquals(9, text.lines().filter(l -> l.startsWith("pg_locks_held{")).count(), text);
    assertTrue(text.contains("pg_locks_held{mode=\"ShareLock\",target=\"pg-a\"} 0.0"), text);
    assertTrue(text.contains("pg_locks_waiting{mode=\"AccessShareLock\",target=\"pg-a\"} 1.0"), text);
    assertEquals("""
        # TYPE pg_locks_blocked_sessions gauge
        pg_locks_blocked_sessions{target="pg-a"} 1.0
        # TYPE pg_locks_blocking_sessions gauge
        pg_locks_blocking_sessions{target="pg-a"} 1.0
        # TYPE pg_locks_oldest_wait_start_timestamp_seconds gauge
        pg_locks_oldest_wait_start_timestamp_seconds{target="pg-a"} 1.73568959E9
        """, Exposition.only(text, "pg_locks_blocked", "pg_locks_blocking", "pg_locks_oldest"));
    assertFalse(expose("locks", PgLocks.map(List.of(), row("blocked", 0L, "blocking", 0L, "oldest_wait", null)))
        .contains("pg_locks_oldest"));
  }
}
