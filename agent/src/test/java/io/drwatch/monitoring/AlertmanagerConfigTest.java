package io.drwatch.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.drwatch.fixture.Await;
import io.drwatch.monitoring.Monitoring.Rule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config/alertmanager.yml: valid for amtool (Debian's prometheus-alertmanager); every shipped alert
 * routes by severity (critical → pager, warning → tickets, info → blackhole); and a real
 * Alertmanager, given a copy whose receivers are webhooks into this test, inhibits what the file
 * says it inhibits and delivers the rest to the right receiver.
 */
class AlertmanagerConfigTest {

  static final Map<String, String> RECEIVER = Map.of("critical", "pager", "warning", "tickets", "info", "blackhole");

  static Path config() {
    return Monitoring.root().resolve("config/alertmanager.yml");
  }

  @Test
  void amtoolCheckConfigPasses() {
    Cmd.Result r = Cmd.run(Monitoring.root(), Duration.ofSeconds(60), "amtool", "check-config", config().toString());
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("SUCCESS"), r.output());
  }

  @Test
  void everyAlertRoutesBySeverity() {
    List<String> problems = new ArrayList<>();
    for (Rule rule : Monitoring.allRules()) {
      if (!rule.isAlert()) {
        continue;
      }
      String sev = rule.labels().get("severity");
      Cmd.Result r = Cmd.run(Monitoring.root(), Duration.ofSeconds(30), "amtool", "config", "routes", "test",
          "--config.file=" + config(), "alertname=" + rule.alert(), "severity=" + sev, "cluster=main",
          "target=pg-a");
      String receiver = r.output().lines().filter(l -> !l.startsWith("Warning:")).reduce((a, b) -> b).orElse("").strip();
      if (r.exit() != 0 || !receiver.equals(RECEIVER.get(sev))) {
        problems.add(rule.alert() + " (" + sev + ") routes to '" + receiver + "', want " + RECEIVER.get(sev));
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  @SuppressWarnings("unchecked")
  void aRealAlertmanagerInhibitsAndRoutes(@TempDir Path tmp) throws Exception {
    Map<String, List<JsonObject>> received = new ConcurrentHashMap<>();
    HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    sink.createContext("/", ex -> {
      JsonObject body = new JsonObject(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      received.computeIfAbsent(ex.getRequestURI().getPath().substring(1), k -> new CopyOnWriteArrayList<>()).add(body);
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    sink.start();
    Process am = null;
    try {
      // The shipped routes and inhibit rules; receivers become webhooks into this test, and the
      // group waits shrink from seconds to one so the test does not idle.
      Map<String, Object> cfg = Monitoring.loadYaml(config());
      for (Object o : (List<Object>) cfg.get("receivers")) {
        Map<String, Object> rcv = (Map<String, Object>) o;
        String name = (String) rcv.get("name");
        boolean hasConfigs = rcv.keySet().stream().anyMatch(k -> k.endsWith("_configs"));
        rcv.keySet().removeIf(k -> k.endsWith("_configs"));
        if (hasConfigs) {
          rcv.put("webhook_configs", List.of(Map.of("url",
              "http://127.0.0.1:" + sink.getAddress().getPort() + "/" + name, "send_resolved", false)));
        }
      }
      Map<String, Object> route = (Map<String, Object>) cfg.get("route");
      route.put("group_wait", "1s");
      route.put("group_interval", "1s");
      for (Object o : (List<Object>) route.get("routes")) {
        ((Map<String, Object>) o).put("group_wait", "1s");
      }
      Path copy = tmp.resolve("alertmanager.yml");
      Files.writeString(copy, Monitoring.yaml().dump(cfg));
      int port = freePort();
      try {
        am = new ProcessBuilder("prometheus-alertmanager", "--config.file=" + copy,
            "--storage.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
            "--cluster.listen-address=").redirectErrorStream(true).redirectOutput(tmp.resolve("am.log").toFile()).start();
      } catch (IOException e) {
        throw new AssertionError("prometheus-alertmanager is not installed: apt-get install prometheus-alertmanager", e);
      }
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = "http://127.0.0.1:" + port;
      await(Duration.ofSeconds(30), () -> {
        try {
          return http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
          return false;
        }
      }, () -> "Alertmanager not ready: " + Files.readString(tmp.resolve("am.log")));

      Map<String, Map<String, String>> alerts = new LinkedHashMap<>();
      alerts.put("down-b", labels("DrwatchTargetDown", "critical", "main", "pg-b"));
      alerts.put("notstreaming-b", labels("PostgresStandbyNotStreaming", "warning", "main", "pg-b"));
      alerts.put("archiver-a", labels("PostgresArchiverFailing", "critical", "main", "pg-a"));
      alerts.put("backlog-a", labels("PostgresArchiveBacklogHigh", "warning", "main", "pg-a"));
      alerts.put("splitbrain-main", labels("DrwatchClusterSplitBrain", "critical", "main", null));
      alerts.put("lag-main", labels("PostgresReplicationLagBytesHigh", "warning", "main", "pg-a"));
      alerts.put("lag-dr", labels("PostgresReplicationLagBytesHigh", "warning", "dr", "dr-a"));
      alerts.put("collector-c", labels("DrwatchCollectorFailing", "warning", "main", "pg-c"));
      alerts.put("blocked-b", labels("PostgresBlockedSessions", "warning", "main", "pg-b"));
      alerts.put("idle-b", labels("PostgresIdleInTransactionTooLong", "warning", "main", "pg-b"));
      alerts.put("blocked-c", labels("PostgresBlockedSessions", "warning", "main", "pg-c"));
      alerts.put("wraparound-a", labels("PostgresTransactionIdWraparoundRisk", "critical", "main", "pg-a"));
      alerts.get("wraparound-a").put("database", "app");
      alerts.put("freezing-a-app", labels("PostgresFreezingBehind", "warning", "main", "pg-a"));
      alerts.get("freezing-a-app").put("database", "app");
      alerts.put("freezing-a-other", labels("PostgresFreezingBehind", "warning", "main", "pg-a"));
      alerts.get("freezing-a-other").put("database", "other");
      alerts.put("missed-crdb", labels("CockroachBackupScheduleMissed", "warning", "crdb", "crdb-1"));
      alerts.get("missed-crdb").put("schedule_name", "nightly");
      alerts.put("stale-crdb", labels("CockroachBackupStale", "warning", "crdb", "crdb-1"));
      alerts.get("stale-crdb").put("schedule_name", "nightly");
      Set<String> inhibited = Set.of("notstreaming-b", "backlog-a", "lag-main", "blocked-b", "idle-b",
          "freezing-a-app", "stale-crdb");
      JsonArray post = new JsonArray();
      alerts.forEach((id, l) -> {
        JsonObject ls = new JsonObject();
        l.forEach(ls::put);
        ls.put("case", id);
        post.add(new JsonObject().put("labels", ls).put("annotations", new JsonObject().put("summary", id))
            .put("startsAt", Instant.now().toString()).put("endsAt", Instant.now().plusSeconds(600).toString()));
      });
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/alerts"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(post.encode())).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());

      Map<String, JsonObject> status = new HashMap<>();
      await(Duration.ofSeconds(30), () -> {
        status.clear();
        JsonArray all = new JsonArray(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v2/alerts")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        for (Object o : all) {
          JsonObject a = (JsonObject) o;
          status.put(a.getJsonObject("labels").getString("case"), a.getJsonObject("status"));
        }
        return status.size() == alerts.size() && inhibited.stream()
            .allMatch(id -> !status.get(id).getJsonArray("inhibitedBy").isEmpty());
      }, () -> "inhibition never took effect: " + status);
      for (String id : alerts.keySet()) {
        boolean isInhibited = !status.get(id).getJsonArray("inhibitedBy").isEmpty();
        assertEquals(inhibited.contains(id), isInhibited, id + ": " + status.get(id));
      }

      // Delivery: criticals to the pager, uninhibited warnings to tickets, inhibited ones nowhere.
      await(Duration.ofSeconds(30), () -> cases(received, "pager").containsAll(Set.of("down-b", "archiver-a", "splitbrain-main", "wraparound-a"))
          && cases(received, "tickets").containsAll(Set.of("lag-dr", "collector-c", "blocked-c", "freezing-a-other", "missed-crdb")),
          () -> "not delivered: " + received);
      // Absence takes time to show: an inhibited alert delivered late would arrive within a few more
      // group intervals (1 s in the test copy).
      Await.elapse(Duration.ofSeconds(3), "three more group intervals in which nothing inhibited may arrive");
      assertEquals(Set.of("down-b", "archiver-a", "splitbrain-main", "wraparound-a"), cases(received, "pager"));
      assertEquals(Set.of("lag-dr", "collector-c", "blocked-c", "freezing-a-other", "missed-crdb"), cases(received, "tickets"));
    } finally {
      if (am != null) {
        am.destroy();
        if (!am.waitFor(10, TimeUnit.SECONDS)) {
          am.destroyForcibly();
        }
      }
      sink.stop(0);
    }
  }

  private static Map<String, String> labels(String alertname, String severity, String cluster, String target) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("alertname", alertname);
    m.put("severity", severity);
    m.put("cluster", cluster);
    if (target != null) {
      m.put("target", target);
    }
    return m;
  }

  private static Set<String> cases(Map<String, List<JsonObject>> received, String receiver) {
    Set<String> out = new TreeSet<>();
    for (JsonObject n : received.getOrDefault(receiver, List.of())) {
      for (Object a : n.getJsonArray("alerts")) {
        out.add(((JsonObject) a).getJsonObject("labels").getString("case"));
      }
    }
    return out;
  }

  private static void await(Duration timeout, Await.Check check, Await.Probe<String> message) {
    Await.condition("Alertmanager", timeout, check, message);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
