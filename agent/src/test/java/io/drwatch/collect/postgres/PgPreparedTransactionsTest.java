package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The prepared_transactions collector: {@code pg_prepared_xacts} per database → samples. Golden
 * exposition text (see {@link Goldens}); the real servers, a promotion included, are
 * PreparedTransactionsIT's.
 */
class PgPreparedTransactionsTest {

  @Test
  void eachDatabaseWithPreparedTransactionsHasItsCountAndOldest() throws Exception {
    assertEquals("""
        # TYPE pg_prepared_transactions gauge
        pg_prepared_transactions{database="app",target="pg-a"} 2.0
        pg_prepared_transactions{database="billing",target="pg-a"} 1.0
        # TYPE pg_prepared_transactions_oldest_timestamp_seconds gauge
        pg_prepared_transactions_oldest_timestamp_seconds{database="app",target="pg-a"} 1.7356896E9
        pg_prepared_transactions_oldest_timestamp_seconds{database="billing",target="pg-a"} 1.7356899E9
        """, expose("prepared_transactions", PgPreparedTransactions.map(List.of(
            row("database", "app", "prepared", 2L, "oldest", 1735689600.0),
            row("database", "billing", "prepared", 1L, "oldest", 1735689900.0)))));
  }

  @Test
  void aDatabaseWithNoneReadsZeroWithoutAnOldest() throws Exception {
    assertEquals("""
        # TYPE pg_prepared_transactions gauge
        pg_prepared_transactions{database="postgres",target="pg-a"} 0.0
        """, expose("prepared_transactions", PgPreparedTransactions.map(List.of(
            row("database", "postgres", "prepared", 0L, "oldest", null)))));
  }
}
