package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The bgwriter collector: the {@code pg_stat_bgwriter} row → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgBgwriterTest {

  @Test
  void bgwriterCounters() throws Exception {
    assertEquals("""
        # TYPE pg_bgwriter_buffers_alloc_total counter
        pg_bgwriter_buffers_alloc_total{target="pg-a"} 7.0
        # TYPE pg_bgwriter_buffers_clean_total counter
        pg_bgwriter_buffers_clean_total{target="pg-a"} 5.0
        # TYPE pg_bgwriter_maxwritten_clean_total counter
        pg_bgwriter_maxwritten_clean_total{target="pg-a"} 0.0
        """, expose("bgwriter", PgBgwriter.map(row("buffers_clean", 5L, "maxwritten_clean", 0L,
        "buffers_alloc", 7L, "stats_reset", null))));
  }
}
