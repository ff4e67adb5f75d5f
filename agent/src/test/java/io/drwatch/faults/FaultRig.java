package io.drwatch.faults;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.sandbox.PgNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The fault scenarios' shared rig: the whole in-process agent (scheduler, cache, Vert.x) on a
 * HOCON config, timed scrapes, the JVM's thread count and a server's drwatch sessions.
 */
final class FaultRig implements AutoCloseable {

  /**
   * Correctness bound for one scrape (not a performance claim): the cache answers, never a target,
   * so a scrape that waited on a frozen or dead server would take its timeouts (seconds each). 5 s
   * because this 2-core machine runs at load averages of 10-14 while these tests run; the slowest
   * scrape each scenario saw is printed.
   */
  static final long SCRAPE_BOUND_MS = Long.getLong("drwatch.test.scrape-bound-ms", 5_000);

  record Scrape(int status, String body, long millis) {}

  private final Agent agent;
  private final java.util.concurrent.atomic.AtomicLong slowest = new java.util.concurrent.atomic.AtomicLong();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private FaultRig(Agent agent) {
    this.agent = agent;
  }

  static AgentConfig config(String hocon, Map<String, String> env) {
    return new ConfigLoader(CollectorRegistry.builtIn(), env::get).loadString(hocon, "faults.conf");
  }

  /** Starts the agent and waits for its first round (which may report targets down). */
  static FaultRig start(String hocon, Map<String, String> env) throws Exception {
    Agent a = Agent.start(config(hocon, env), CollectorRegistry.builtIn());
    a.firstRound().await(60, TimeUnit.SECONDS);
    return new FaultRig(a);
  }

  /** One target block for the monitoring role without a password. */
  static String target(String name, String url, String extra) {
    return "{ name = \"" + name + "\", url = \"" + url + "\", user = drwatch, no-password = true, labels { cluster = c1 }"
        + (extra.isBlank() ? "" : ", " + extra) + " }\n";
  }

  static String hocon(String defaults, String... targets) {
    return "drwatch {\n http { host = \"127.0.0.1\", port = 0 }\n defaults { " + defaults + " }\n targets = [\n"
        + String.join("", targets) + " ]\n}\n";
  }

  Agent agent() {
    return agent;
  }

  Scrape scrape(String path) throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.port() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    return new Scrape(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8), ms);
  }

  /** A /metrics scrape that must answer 200 within the bound. */
  String metrics() throws Exception {
    Scrape s = scrape("/metrics");
    slowest.accumulateAndGet(s.millis(), Math::max);
    if (s.status() != 200) {
      throw new AssertionError("/metrics answered " + s.status());
    }
    if (s.millis() > SCRAPE_BOUND_MS) {
      throw new AssertionError("/metrics took " + s.millis() + " ms");
    }
    return s.body();
  }

  /** Polls /metrics (each scrape within the bound) until the condition holds. */
  String await(String what, Predicate<String> condition, Duration timeout) {
    return Await.until(what, timeout, Await.EVERY, this::metrics, condition, last -> "/metrics:\n" + last);
  }

  /** Live threads by name with digits dropped, for messages: what grew. */
  static String threadSummary() {
    java.util.Map<String, Long> byName = new java.util.TreeMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      byName.merge(t.getName().replaceAll("[0-9]+", "N"), 1L, Long::sum);
    }
    return byName.toString();
  }

  /** Polls another endpoint (e.g. /api/targets) until its body satisfies the condition. */
  String awaitPath(String path, String what, Predicate<String> condition, Duration timeout) {
    return Await.until(what, timeout, Await.EVERY, () -> scrape(path).body(), condition, last -> path + ":\n" + last);
  }

  /** Vert.x's worker pool: created lazily, never above its fixed size (20 by default). */
  static final int VERTX_WORKERS = 20;

  /**
   * Live agent threads (not the test's HTTP client) outside Vert.x's worker pool, which grows lazily up to its fixed size while a
   * target is slow; {@link #assertThreadsBounded} checks that pool against its size separately.
   */
  static int threads() {
    return (int) Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !t.getName().startsWith("vert.x-worker-thread-") && !testSide(t.getName())).count();
  }

  /** The test's own scrapers (java.net.http client, executors), not the agent's threads. */
  private static boolean testSide(String name) {
    return name.startsWith("HttpClient-") || name.startsWith("pool-") || name.equals("CompletableFutureDelayScheduler")
        || name.equals("flapper");
  }

  static void assertThreadsBounded(int before, String when) {
    int now = threads();
    long workers = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("vert.x-worker-thread-")).count();
    if (now > before + 10 || workers > VERTX_WORKERS) {
      throw new AssertionError(when + ": threads outside the worker pool " + before + " -> " + now
          + ", Vert.x workers " + workers + " (at most " + VERTX_WORKERS + "): " + threadSummary());
    }
  }

  /** Sessions on the server whose application_name starts with drwatch (as a superuser sees them). */
  static int sessions(PgNode node) {
    try (Connection c = node.connect()) {
      return sessions(c);
    } catch (java.sql.SQLException e) {
      throw new AssertionError("could not connect to " + node.name() + ": " + e.getMessage(), e);
    }
  }

  /** The same count on a connection the test already holds (e.g. the one holding a catalog lock). */
  static int sessions(Connection c) {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'drwatch%'"
            + " AND application_name <> 'drwatch-sandbox'")) {
      rs.next();
      return rs.getInt(1);
    } catch (Exception e) {
      throw new AssertionError("could not count sessions: " + e.getMessage(), e);
    }
  }

  static String line(String target, String family, String body) {
    return body.lines().filter(l -> l.startsWith(family + "{") && l.contains("target=\"" + target + "\""))
        .findFirst().orElse("");
  }

  static boolean has(String body, String family, String target, String value) {
    return body.lines().anyMatch(l -> l.startsWith(family + "{") && l.contains("target=\"" + target + "\"")
        && valueIs(l, value));
  }

  /** The sample line's value equals the given number (the text format writes 1 as 1.0). */
  static boolean valueIs(String line, String value) {
    String v = line.substring(line.lastIndexOf(' ') + 1);
    try {
      return Double.parseDouble(v) == Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static boolean collector(String body, String target, String collector, String value) {
    return body.lines().anyMatch(l -> l.startsWith("drwatch_collector_success{") && l.contains("target=\"" + target + "\"")
        && l.contains("collector=\"" + collector + "\"") && valueIs(l, value));
  }

  @Override
  public void close() {
    System.out.printf("%s: slowest bounded /metrics scrape %d ms (bound %d ms)%n",
        StackWalker.getInstance().walk(f -> f.skip(1).findFirst().map(StackWalker.StackFrame::getClassName).orElse("?")),
        slowest.get(), SCRAPE_BOUND_MS);
    agent.close();
  }
}
