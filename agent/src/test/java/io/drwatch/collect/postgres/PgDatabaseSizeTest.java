package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The database_size collector: {@code pg_database_size()} per database → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgDatabaseSizeTest {

  @Test
  void databaseSizeOfEachDatabaseTheRoleMaySize() throws Exception {
    assertEquals("""
        # TYPE pg_database_size_bytes gauge
        pg_database_size_bytes{database="app",target="pg-a"} 7.5E7
        """, expose("database_size", PgDatabaseSize.map(List.of(row("datname", "app", "size_bytes", 7.5e7),
        row("datname", "secret", "size_bytes", null)))));
  }
}
