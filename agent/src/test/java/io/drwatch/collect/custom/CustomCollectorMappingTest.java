package io.drwatch.collect.custom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Db;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.Promtool;
import io.drwatch.http.CacheSnapshots;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.drwatch.fixture.TestClock;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PGInterval;

/** Rows to samples by column name, against golden exposition, without a server. */
class CustomCollectorMappingTest {

  private static CustomCollector collector(String body) {
    AgentConfig c = new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get)
        .loadString("drwatch.custom-collectors { " + body + " }", "m.conf");
    return (CustomCollector) c.customCollectors().get(0).collector();
  }

  private static final CustomCollector QUEUE = collector("""
      app_queue {
        sql = "SELECT …"
        labels = [queue, kind]
        ignore = [note]
        metrics {
          depth = gauge
          enqueued = counter
          oldest { name = app_queue_oldest_enqueued_timestamp_seconds, unit = seconds, help = "Oldest job." }
          wait { unit = seconds }
        }
      }""");

  private static Db.Table table(List<String> columns, Object[]... rows) {
    List<Row> out = new ArrayList<>();
    for (Object[] r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < columns.size(); i++) {
        m.put(columns.get(i), r[i]);
      }
      out.add(new Row(m));
    }
    return new Db.Table(columns, out);
  }

  private static final List<String> COLS = List.of("queue", "kind", "depth", "enqueued", "oldest", "wait", "note");

  @Test
  void labelsGaugesCountersIntervalsTimestampsAndNulls() throws Exception {
    Db.Table t = table(COLS,
        new Object[] {"mail", "bulk", 3L, new BigDecimal("1200"), Timestamp.from(Instant.parse("2025-01-01T00:00:00Z")),
            new PGInterval(0, 0, 1, 2, 3, 4.5), "x"},
        new Object[] {"sms", null, 0, 7, null, null, "y"});
    List<String> unmapped = new ArrayList<>();
    List<Sample> samples = QUEUE.map(t, null, unmapped);
    assertEquals(List.of(), unmapped, "note is ignored on purpose");
    assertEquals(6, samples.size(), "NULL is no sample");
    SampleCache cache = new SampleCache(new TestClock(Instant.parse("2025-01-02T00:00:00Z")));
    cache.putResult(new CollectorResult("pg-a", "app_queue", true, samples, Instant.parse("2025-01-02T00:00:00Z"),
        0.01, null, Instant.parse("2025-01-02T00:00:00Z"), 0, Duration.ofMinutes(1), 0L));
    String text = Exposition.text(new CacheSnapshots(cache, new TestClock(Instant.parse("2025-01-02T00:00:00Z"))).collect());
    assertEquals("""
        # TYPE app_queue_depth gauge
        app_queue_depth{kind="",queue="sms",target="pg-a"} 0.0
        app_queue_depth{kind="bulk",queue="mail",target="pg-a"} 3.0
        # TYPE app_queue_enqueued_total counter
        app_queue_enqueued_total{kind="",queue="sms",target="pg-a"} 7.0
        app_queue_enqueued_total{kind="bulk",queue="mail",target="pg-a"} 1200.0
        # TYPE app_queue_oldest_enqueued_timestamp_seconds gauge
        app_queue_oldest_enqueued_timestamp_seconds{kind="bulk",queue="mail",target="pg-a"} 1.7356896E9
        # TYPE app_queue_wait_seconds gauge
        app_queue_wait_seconds{kind="bulk",queue="mail",target="pg-a"} 93784.5
        """, Exposition.only(text, "app_queue"));
    assertTrue(text.contains("drwatch_collector_dropped_series_total{collector=\"app_queue\",target=\"pg-a\"} 0.0"), text);
    assertTrue(text.contains("# HELP app_queue_oldest_enqueued_timestamp_seconds Oldest job. (custom collector app_queue;"), text);
    assertEquals("", Promtool.checkMetrics(text));
  }

  @Test
  void aNewColumnIsReportedNotFatal() {
    List<String> cols = new ArrayList<>(COLS);
    cols.add("added_later");
    List<String> unmapped = new ArrayList<>();
    List<Sample> samples = QUEUE.map(table(cols, new Object[] {"q", "k", 1, 2, null, null, "n", 42}), null, unmapped);
    assertEquals(List.of("added_later"), unmapped);
    assertEquals(2, samples.size());
  }

  @Test
  void aMissingMappedColumnNamesCollectorAndColumn() {
    List<String> cols = List.of("queue", "kind", "Depth", "enqueued", "oldest", "wait");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> QUEUE.map(table(cols), null, new ArrayList<>()));
    assertEquals("custom collector app_queue: the query returned no column \"depth\" (mapped under metrics) "
        + "(there is \"Depth\": column names are case-sensitive); it returned [queue, kind, Depth, enqueued, oldest, wait]",
        e.getMessage(), "checked on the result's columns, so even zero rows catch it");
  }

  @Test
  void rowsRepeatingALabelSetFailClearly() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> QUEUE.map(table(COLS,
        new Object[] {"q", "k", 1, 2, null, null, null}, new Object[] {"q", "k", 3, 4, null, null, null}),
        null, new ArrayList<>()));
    assertTrue(e.getMessage().contains("two rows have the same labels {queue=\"q\", kind=\"k\"}"), e.getMessage());
  }

  @Test
  void textMustBeANumberAndOtherTypesAreNamed() {
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> QUEUE.map(table(COLS,
        new Object[] {"q", "k", "many", 2, null, null, null}), null, new ArrayList<>()));
    assertEquals("custom collector app_queue: column \"depth\" is mapped as a metric but holds text \"many\", not a number",
        e.getMessage());
    assertEquals(12.5, Row.number(" 12.5 "));
    assertEquals(1.0, Row.number(true));
    assertTrue(Row.number("NaN").isNaN());
    IllegalArgumentException bytes = assertThrows(IllegalArgumentException.class,
        () -> Row.number(new byte[1]));
    assertTrue(bytes.getMessage().contains("cast it to a number in the SQL"), bytes.getMessage());
    assertEquals(365.25 * 86400 + 30 * 86400, Row.seconds(new PGInterval(1, 1, 0, 0, 0, 0)));
  }

  @Test
  void perDatabaseRowsCarryDatnameFirst() {
    CustomCollector c = collector("t { sql = \"…\", databases = all, labels = [relname], metrics { n = gauge } }");
    List<Sample> s = c.map(table(List.of("relname", "n"), new Object[] {"jobs", 5}), "app", new ArrayList<>());
    assertEquals(List.of("database", "relname"), s.get(0).family().labelNames());
    assertEquals(List.of("app", "jobs"), s.get(0).labelValues());
  }
}
