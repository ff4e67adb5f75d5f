package io.drwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.TestClock;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheSnapshotsTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final MetricFamily LAG = MetricFamily.gauge("test_lag_bytes", "Test lag.", "application_name");
  private static final ServerInfo PRIMARY = new ServerInfo(Flavor.POSTGRESQL, 170006, "17.6", false, 3L,
      "7450000000000000001", 1735680000.0, true, Set.of());

  private final TestClock clock = new TestClock(T0);
  private final SampleCache cache = new SampleCache(clock);
  private final CacheSnapshots snapshots = new CacheSnapshots(cache, clock);

  private static List<Sample> lag(double value) {
    return new Samples().add(LAG, value, "s1").toList();
  }

  private CollectorResult ok(String target, List<Sample> samples, Duration staleAfter) {
    return new CollectorResult(target, "replication", true, samples, clock.instant(), 0.002, null,
        clock.instant(), 0, staleAfter);
  }

  private static TargetStatus status(String name, boolean up, ServerInfo server, Map<String, String> labels) {
    return new TargetStatus(name, "main", labels, "jdbc:postgresql://db/postgres", up, server,
        up ? null : "connection refused", T0, T0.minusSeconds(30), up ? 1 : 0);
  }

  private String text() {
    return Exposition.text(snapshots.collect());
  }

  @Test
  void resultOlderThanStaleAfterDisappears() {
    cache.putResult(ok("pg-a", lag(4096), Duration.ofSeconds(45)));
    clock.advance(Duration.ofSeconds(45));
    assertEquals("test_lag_bytes{application_name=\"s1\",target=\"pg-a\"} 4096.0\n",
        Exposition.only(text(), "test_lag_bytes{"), "exactly staleAfter old is still current");

    clock.advance(Duration.ofSeconds(1));
    String text = text();
    assertEquals("", Exposition.only(text, "test_lag", "drwatch_collector_"), text);
  }

  @Test
  void staleResultDoesNotHideFreshOnes() {
    cache.putResult(ok("pg-a", lag(1), Duration.ofSeconds(10)));
    clock.advance(Duration.ofSeconds(5));
    cache.putResult(ok("pg-b", lag(2), Duration.ofSeconds(60)));
    clock.advance(Duration.ofSeconds(6));
    assertEquals("test_lag_bytes{application_name=\"s1\",target=\"pg-b\"} 2.0\n",
        Exposition.only(text(), "test_lag_bytes{"));
  }

  @Test
  void newCacheWriteIsReflected() {
    cache.putResult(ok("pg-a", lag(100), Duration.ofSeconds(45)));
    assertEquals("test_lag_bytes{application_name=\"s1\",target=\"pg-a\"} 100.0\n",
        Exposition.only(text(), "test_lag_bytes{"));
    clock.advance(Duration.ofSeconds(15));
    cache.putResult(ok("pg-a", lag(200), Duration.ofSeconds(45)));
    assertEquals("test_lag_bytes{application_name=\"s1\",target=\"pg-a\"} 200.0\n",
        Exposition.only(text(), "test_lag_bytes{"));
  }

  @Test
  void upTargetExposesInfoAndServerFamilies() throws Exception {
    cache.putStatus(status("pg-a", true, PRIMARY, Map.of("cluster", "main", "region", "eu-1")));
    String text = text();
    assertEquals("""
        # TYPE drwatch_target_info gauge
        drwatch_target_info{cluster="main",flavor="postgresql",region="eu-1",role="primary",service="none",system_identifier="7450000000000000001",target="pg-a",version="17.6"} 1
        # TYPE drwatch_target_last_up_timestamp_seconds gauge
        drwatch_target_last_up_timestamp_seconds{cluster="main",target="pg-a"} 1.73568957E9
        # TYPE drwatch_target_up gauge
        drwatch_target_up{cluster="main",target="pg-a"} 1.0
        # TYPE pg_in_recovery gauge
        pg_in_recovery{target="pg-a"} 0.0
        # TYPE pg_postmaster_start_time_seconds gauge
        pg_postmaster_start_time_seconds{target="pg-a"} 1.73568E9
        # TYPE pg_timeline_id gauge
        pg_timeline_id{target="pg-a"} 3.0
        """, Exposition.only(text, "drwatch_target", "pg_"));
    assertEquals("", Promtool.checkMetrics(text), text);
  }

  @Test
  void downTargetExposesUpZeroButNoInfo() throws Exception {
    // The last detection is kept while down (for /api/targets) but must not be exposed as current.
    cache.putStatus(status("pg-a", false, PRIMARY, Map.of("cluster", "main")));
    String text = text();
    assertEquals("""
        # TYPE drwatch_target_last_up_timestamp_seconds gauge
        drwatch_target_last_up_timestamp_seconds{cluster="main",target="pg-a"} 1.73568957E9
        # TYPE drwatch_target_up gauge
        drwatch_target_up{cluster="main",target="pg-a"} 0.0
        """, Exposition.only(text, "drwatch_target", "pg_"));
    assertEquals("", Promtool.checkMetrics(text), text);
  }

  @Test
  void awkwardLabelValuesAreEscaped() throws Exception {
    String region = "us-\"east\"\\1\nü";
    cache.putStatus(status("pg-a", true, PRIMARY, Map.of("cluster", "main", "region", region)));
    cache.putResult(ok("pg-a", new Samples().add(LAG, 1, "app \"x\"\\y\nz — ü").toList(), Duration.ofSeconds(45)));
    String text = text();
    // Text format escapes exactly \ " and newline; UTF-8 passes through.
    assertTrue(text.contains("region=\"us-\\\"east\\\"\\\\1\\nü\""), text);
    assertTrue(text.contains("application_name=\"app \\\"x\\\"\\\\y\\nz — ü\""), text);
    assertEquals("", Promtool.checkMetrics(text), text);
  }

  @Test
  void failedCollectorKeepsItsLastSuccessTime() throws Exception {
    Instant lastSuccess = T0.minusSeconds(60);
    cache.putResult(new CollectorResult("pg-a", "archiver", false, List.of(), T0, 5.0,
        "ERROR: canceling statement due to statement timeout", lastSuccess, 4, Duration.ofSeconds(45)));
    String text = text();
    assertEquals("""
        # TYPE drwatch_collector_duration_seconds gauge
        drwatch_collector_duration_seconds{collector="archiver",target="pg-a"} 5.0
        # TYPE drwatch_collector_errors_total counter
        drwatch_collector_errors_total{collector="archiver",target="pg-a"} 4.0
        # TYPE drwatch_collector_last_success_timestamp_seconds gauge
        drwatch_collector_last_success_timestamp_seconds{collector="archiver",target="pg-a"} 1.73568954E9
        # TYPE drwatch_collector_success gauge
        drwatch_collector_success{collector="archiver",target="pg-a"} 0.0
        """, Exposition.only(text, "drwatch_collector"));
    assertEquals("", Promtool.checkMetrics(text), text);
  }

  @Test
  void failedCollectorThatNeverSucceededHasNoLastSuccess() {
    cache.putResult(new CollectorResult("pg-a", "archiver", false, List.of(), T0, 0.1, "boom", null, 1,
        Duration.ofSeconds(45)));
    assertEquals("", Exposition.only(text(), "drwatch_collector_last_success"));
  }

  @Test
  void buildInfoIsAlwaysThere() throws Exception {
    String text = text();
    assertTrue(text.contains("drwatch_build_info{java_version=\"" + System.getProperty("java.version") + "\","), text);
    assertEquals("", Promtool.checkMetrics(text), text);
  }

  @Test
  void nothingChangedMeansTheSamePublishedSnapshots() {
    cache.putStatus(status("pg-a", true, PRIMARY, Map.of("cluster", "main")));
    cache.putResult(ok("pg-a", lag(1), Duration.ofSeconds(45)));
    MetricSnapshots first = snapshots.collect();
    clock.advance(Duration.ofSeconds(10));
    assertSame(first, snapshots.collect());
    assertSame(first, snapshots.collect());

    cache.putResult(ok("pg-a", lag(2), Duration.ofSeconds(45)));
    MetricSnapshots second = snapshots.collect();
    assertNotSame(first, second);
    assertSame(second, snapshots.collect());
  }

  @Test
  void turningStaleRebuildsOnceThenNoMore() {
    cache.putResult(ok("pg-a", lag(1), Duration.ofSeconds(45)));
    MetricSnapshots fresh = snapshots.collect();
    clock.advance(Duration.ofSeconds(46));
    MetricSnapshots afterStale = snapshots.collect();
    assertNotSame(fresh, afterStale);
    clock.advance(Duration.ofSeconds(10));
    assertSame(afterStale, snapshots.collect(), "a result that already went stale must not force a rebuild per scrape");
  }
}
