package io.drwatch.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Samples;
import io.drwatch.fixture.TestClock;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ExpositionCacheTest {

  private static final MetricFamily LAG = MetricFamily.gauge("test_lag_bytes", "Test lag.", "application_name");
  private static final String PROTOBUF =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

  private final TestClock clock = new TestClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final SampleCache cache = new SampleCache(clock);
  private final ExpositionCache exposition = new ExpositionCache(new CacheSnapshots(cache, clock));

  private void put(double lag) {
    cache.putResult(new CollectorResult("pg-a", "replication", true, new Samples().add(LAG, lag, "s1").toList(),
        clock.instant(), 0.002, null, clock.instant(), 0, Duration.ofSeconds(45)));
  }

  private static String text(ExpositionCache.Body b) throws Exception {
    byte[] raw = b.gzip() ? new GZIPInputStream(new ByteArrayInputStream(b.body())).readAllBytes() : b.body();
    return new String(raw, StandardCharsets.UTF_8);
  }

  @Test
  void scrapesWithoutCacheChangeRenderOnce() throws Exception {
    put(100);
    ExpositionCache.Body first = exposition.body(null, false);
    clock.advance(Duration.ofSeconds(1));
    ExpositionCache.Body second = exposition.body(null, false);
    assertSame(first, second, "same body while the cache is unchanged");
    assertEquals(1, exposition.renders());
    assertTrue(text(first).contains("test_lag_bytes{application_name=\"s1\",target=\"pg-a\"} 100.0"), text(first));
  }

  @Test
  void cacheChangeRendersAgain() throws Exception {
    put(100);
    ExpositionCache.Body first = exposition.body(null, false);
    put(200);
    ExpositionCache.Body second = exposition.body(null, false);
    assertNotSame(first, second);
    assertEquals(2, exposition.renders());
    assertTrue(text(second).contains("} 200.0"), text(second));
    exposition.body(null, false);
    assertEquals(2, exposition.renders(), "and then is reused again");
  }

  @Test
  void scrapersArrivingTogetherShareOneRender() throws Exception {
    // Enough series that a render takes a while, so the scrapers really overlap.
    Samples many = new Samples();
    for (int i = 0; i < 20_000; i++) {
      many.add(LAG, i, "s" + i);
    }
    cache.putResult(new CollectorResult("pg-a", "replication", true, many.toList(), clock.instant(), 0.002, null,
        clock.instant(), 0, Duration.ofSeconds(45)));
    int scrapers = 16;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(scrapers);
    try {
      List<Future<ExpositionCache.Body>> bodies = new ArrayList<>();
      for (int i = 0; i < scrapers; i++) {
        bodies.add(pool.submit(() -> {
          start.await();
          return exposition.body(null, true);
        }));
      }
      start.countDown();
      ExpositionCache.Body first = bodies.get(0).get(60, TimeUnit.SECONDS);
      for (Future<ExpositionCache.Body> b : bodies) {
        assertSame(first, b.get(60, TimeUnit.SECONDS), "every scraper gets the one body");
      }
      assertEquals(1, exposition.renders(), "one render for " + scrapers + " scrapers");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void coalescedSnapshotsRebuildAtMostOncePerInterval() throws Exception {
    ExpositionCache coalesced = new ExpositionCache(
        new CacheSnapshots(cache, clock).coalescing(Duration.ofSeconds(1)).timedBy(() -> 0L));
    put(100);
    coalesced.body(null, false);
    put(200);
    assertTrue(text(coalesced.body(null, false)).contains("} 100.0"), "a change inside the interval waits");
    assertEquals(1, coalesced.renders());
    clock.advance(Duration.ofSeconds(1));
    assertTrue(text(coalesced.body(null, false)).contains("} 200.0"), "and shows once the interval is over");
    assertEquals(2, coalesced.renders());
    clock.advance(Duration.ofSeconds(46));
    assertFalse(text(coalesced.body(null, false)).contains("test_lag_bytes{"), "staleness is not delayed");
  }

  @Test
  void aSlowRebuildWidensTheGapToThreeTimesItsDuration() throws Exception {
    java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    // a rebuild reads this clock before and after: each seems to take 500 ms
    CacheSnapshots snapshots = new CacheSnapshots(cache, clock).coalescing(Duration.ofSeconds(1))
        .timedBy(() -> nanos.getAndAdd(Duration.ofMillis(500).toNanos()));
    ExpositionCache coalesced = new ExpositionCache(snapshots);
    put(100);
    coalesced.body(null, false);
    assertEquals(Duration.ofMillis(1500), snapshots.rebuildGap());
    put(200);
    clock.advance(Duration.ofMillis(1200));
    assertTrue(text(coalesced.body(null, false)).contains("} 100.0"), "1.2 s after a 500 ms rebuild: still waits");
    clock.advance(Duration.ofMillis(300));
    assertTrue(text(coalesced.body(null, false)).contains("} 200.0"), "and shows 1.5 s after it");
    clock.advance(Duration.ofSeconds(46));
    assertFalse(text(coalesced.body(null, false)).contains("test_lag_bytes{"), "staleness is not delayed");
  }

  @Test
  void stalenessRendersAgainWithoutCacheWrite() throws Exception {
    put(100);
    exposition.body(null, false);
    clock.advance(Duration.ofSeconds(46));
    String text = text(exposition.body(null, false));
    assertEquals(2, exposition.renders());
    assertFalse(text.contains("test_lag_bytes{"), text);
  }

  @Test
  void oneBodyPerFormatAndGzip() throws Exception {
    put(100);
    ExpositionCache.Body plain = exposition.body(null, false);
    ExpositionCache.Body gz = exposition.body(null, true);
    ExpositionCache.Body proto = exposition.body(PROTOBUF, false);
    ExpositionCache.Body protoGz = exposition.body(PROTOBUF, true);
    assertEquals(4, exposition.renders());
    assertTrue(gz.gzip());
    assertEquals(text(plain), text(gz));
    assertArrayEquals(proto.body(), new GZIPInputStream(new ByteArrayInputStream(protoGz.body())).readAllBytes());
    assertTrue(proto.contentType().startsWith("application/vnd.google.protobuf"), proto.contentType());
    for (int i = 0; i < 3; i++) {
      assertSame(plain, exposition.body(null, false));
      assertSame(gz, exposition.body("text/plain", true));
      assertSame(protoGz, exposition.body(PROTOBUF, true));
    }
    assertEquals(4, exposition.renders());
  }

  @Test
  void acceptEncoding() {
    assertTrue(HttpVerticle.acceptsGzip("gzip"));
    assertTrue(HttpVerticle.acceptsGzip("deflate, gzip;q=0.5"));
    assertTrue(HttpVerticle.acceptsGzip("*"));
    assertFalse(HttpVerticle.acceptsGzip(null));
    assertFalse(HttpVerticle.acceptsGzip("identity"));
    assertFalse(HttpVerticle.acceptsGzip("gzip;q=0"));
  }
}
