package io.drwatch.truth;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Series;
import io.drwatch.sandbox.PgNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The agent watching a sandbox cluster at a 1 s interval, read through its own /metrics. */
final class TruthRig implements AutoCloseable {

  static final String CLUSTER = "c1";
  static final Duration INTERVAL = Duration.ofSeconds(1);

  private final Agent agent;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TruthRig(List<PgNode> nodes) throws Exception {
    this(nodes, "");
  }

  /** @param targetExtra more settings for every target block, e.g. a collector's options */
  TruthRig(List<PgNode> nodes, String targetExtra) throws Exception {
    StringBuilder targets = new StringBuilder();
    for (PgNode n : nodes) {
      targets.append("{ name = \"").append(n.name()).append("\", url = \"").append(n.jdbcUrl())
          .append("\", user = drwatch, no-password = true, labels { cluster = ").append(CLUSTER).append(" }")
          .append(targetExtra.isBlank() ? "" : ", " + targetExtra).append(" }\n");
    }
    String hocon = "drwatch {\n http { host = \"127.0.0.1\", port = 0 }\n"
        + " defaults { interval = 1s, timeout = 1s }\n"
        + " clusters { " + CLUSTER + " { rpo-objective = 30s, rto-objective = 2m } }\n"
        + " targets = [\n" + targets + " ]\n}\n";
    AgentConfig config = new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get)
        .loadString(hocon, "truth.conf");
    agent = Agent.start(config, CollectorRegistry.builtIn());
    agent.firstRound().await(60, TimeUnit.SECONDS);
  }

  String metrics() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + agent.port() + "/metrics")).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("/metrics answered " + r.statusCode());
    }
    return r.body();
  }

  String await(String what, Predicate<String> condition, Duration timeout) {
    return Await.until(what, timeout, Await.EVERY, this::metrics, condition, last -> "/metrics (cluster families):\n"
        + String.join("\n", last.lines().filter(l -> l.startsWith("drwatch_cluster") || l.startsWith("drwatch_standby")
            || l.startsWith("drwatch_target_up")).toList()));
  }

  static Optional<Double> value(String body, String family, String... labels) {
    return Series.value(body, family, labels);
  }

  static Double loss(String body, String target, String unit) {
    return value(body, "drwatch_standby_promotion_loss_" + unit, "target", target).orElse(null);
  }

  static String bestCandidate(String body) {
    return Series.parse(body).stream().filter(s -> s.name().equals("drwatch_cluster_best_promotion_candidate_info"))
        .map(s -> s.labels().get("target")).findFirst().orElse("none");
  }

  @Override
  public void close() {
    agent.close();
  }
}
