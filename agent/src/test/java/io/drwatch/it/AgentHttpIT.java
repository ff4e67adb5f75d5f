package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Promtool;
import io.drwatch.sandbox.PgSandbox;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole daemon (scheduler, cache, Vert.x) against a real server and an unreachable one:
 * /metrics answers from the cache with content negotiation and gzip, down targets read up 0 with
 * the reason in /api/targets, and no secret ever leaves the process.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentHttpIT {

  private static final String SECRET = "s3cret-Value-42";

  private PgSandbox pg;
  private Agent agent;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1) // as Prometheus scrapes
      .connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void start() throws Exception {
    pg = PgSandbox.builder().version(Clusters.defaultMajor()).start();
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String hocon = """
        drwatch {
          http { host = "127.0.0.1", port = 0 }
          defaults { interval = 1s, timeout = 1s, connect-timeout = 1s }
          targets = [
            { name = pg, url = "%s", user = drwatch, password-env = PG_SECRET,
              labels { cluster = main, region = "eu-\\"west\\"\\\\1\\nü" } }
            { name = gone, url = "jdbc:postgresql://127.0.0.1:%d/postgres?password=%s", user = drwatch,
              no-password = true, labels { cluster = main } }
          ]
        }
        """.formatted(pg.primary().jdbcUrl(), closedPort, SECRET);
    CollectorRegistry registry = CollectorRegistry.builtIn();
    AgentConfig config = new ConfigLoader(registry.names(), Map.of("PG_SECRET", SECRET)::get)
        .loadString(hocon, "http-it.conf");
    agent = Agent.start(config, registry);
    agent.firstRound().await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  void stop() {
    if (agent != null) {
      agent.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path))
        .timeout(Duration.ofSeconds(5));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private String text(String path, String... headers) throws Exception {
    return new String(get(path, headers).body(), StandardCharsets.UTF_8);
  }

  @Test
  void downTargetReadsUpZeroWhileMetricsAnswersFromTheCache() throws Exception {
    Instant t0 = Instant.now();
    HttpResponse<byte[]> r = get("/metrics");
    Duration took = Duration.between(t0, Instant.now());
    assertEquals(200, r.statusCode());
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertTrue(body.contains("drwatch_target_up{cluster=\"main\",target=\"gone\"} 0"), body);
    assertTrue(body.contains("drwatch_target_up{cluster=\"main\",target=\"pg\"} 1"), body);
    assertTrue(body.contains("pg_wal_lsn_bytes{target=\"pg\"}"), body);
    assertFalse(body.contains("target=\"gone\",") && body.contains("pg_wal_lsn_bytes{target=\"gone\"}"));
    // The unreachable target's connect attempts take a second each; the scrape never waits on them.
    assertTrue(took.toMillis() < 1000, "scrape took " + took);
    assertEquals("", Promtool.checkMetrics(body), "promtool, including the hostile region label");
    assertTrue(body.contains("region=\"eu-\\\"west\\\"\\\\1\\nü\""), "escaped label value");

    JsonArray targets = new JsonObject(text("/api/targets")).getJsonArray("targets");
    JsonObject gone = targets.stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("name").equals("gone")).findFirst().orElseThrow();
    assertFalse(gone.getBoolean("up"));
    assertTrue(gone.getString("last_error").contains("refused"), gone.encode());
    assertTrue(gone.getString("url").contains("password=****"), gone.encode());
  }

  @Test
  void noSecretLeavesTheProcess() throws Exception {
    for (String path : new String[] {"/metrics", "/api/targets", "/"}) {
      assertFalse(text(path).contains(SECRET), path + " shows the secret");
    }
    assertFalse(text("/metrics", "Accept", "application/openmetrics-text; version=1.0.0").contains(SECRET));
  }

  @Test
  void contentNegotiationAndGzip() throws Exception {
    HttpResponse<byte[]> om = get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertTrue(om.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text"));
    assertTrue(new String(om.body(), StandardCharsets.UTF_8).strip().endsWith("# EOF"));

    HttpResponse<byte[]> pb = get("/metrics", "Accept",
        "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited");
    assertTrue(pb.headers().firstValue("Content-Type").orElse("").startsWith("application/vnd.google.protobuf"),
        pb.headers().map().toString());
    assertTrue(pb.body().length > 100);

    HttpResponse<byte[]> gz = get("/metrics", "Accept-Encoding", "gzip");
    assertEquals("gzip", gz.headers().firstValue("Content-Encoding").orElse(""));
    String unzipped = new String(new GZIPInputStream(new ByteArrayInputStream(gz.body())).readAllBytes(),
        StandardCharsets.UTF_8);
    assertTrue(unzipped.contains("drwatch_target_up"));
    assertTrue(gz.body().length < unzipped.length() / 3, "gzip shrinks the exposition");
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertEquals(200, get("/healthz").statusCode());
    assertEquals(200, get("/readyz").statusCode());
    assertEquals(404, get("/nope").statusCode());
  }

  @Test
  void killedTargetGoesDownAndIsRedetectedWhenItReturns() throws Exception {
    pg.primary().kill();
    try {
      awaitMetrics(b -> b.contains("drwatch_target_up{cluster=\"main\",target=\"pg\"} 0"));
      String down = text("/metrics");
      assertFalse(down.contains("pg_wal_lsn_bytes{target=\"pg\"}"), "no stale database numbers while down");
    } finally {
      pg.primary().start();
    }
    awaitMetrics(b -> b.contains("drwatch_target_up{cluster=\"main\",target=\"pg\"} 1")
        && b.contains("pg_wal_lsn_bytes{target=\"pg\"}"));
  }

  private void awaitMetrics(Predicate<String> condition) {
    Await.until("pg up with a wal sample", Duration.ofSeconds(40), Await.EVERY, () -> text("/metrics"), condition,
        b -> "/metrics:\n" + b);
  }
}
