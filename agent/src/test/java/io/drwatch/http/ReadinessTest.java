package io.drwatch.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.config.HttpSettings;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * /readyz answers 200 only after /metrics was rendered once (text, gzip, OpenMetrics), so the
 * first scrapes after start do not pay for the encoders' warm-up. Before, a ready agent had
 * rendered nothing, and the first minute of scrapes was several times slower than the steady state.
 */
class ReadinessTest {

  @Test
  void readyOnlyAfterTheExpositionWasRenderedOnce() throws Exception {
    SampleCache cache = new SampleCache(Clock.systemUTC());
    cache.putStatus(new TargetStatus("a", "main", Map.of(), "u", false, null, "connection refused",
        java.time.Instant.now(), null, 1));
    HttpVerticle http = new HttpVerticle(new HttpSettings("127.0.0.1", 0), cache,
        new CacheSnapshots(cache, Clock.systemUTC()), () -> true);
    Vertx vertx = Vertx.vertx();
    try {
      vertx.deployVerticle(http).await(30, TimeUnit.SECONDS);
      assertEquals(0, http.renders(), "nothing scraped yet");
      HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + http.actualPort() + "/readyz")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertTrue(http.renders() >= 3, "rendered before ready: " + http.renders());
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
