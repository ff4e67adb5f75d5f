package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.sandbox.PgSandbox;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drwatch run} as a separate process: a config edit plus {@code kill -HUP} removes one target
 * and adds another while the unchanged one keeps its series in every scrape; an invalid edit is
 * logged and changes nothing; an outage of the server logs one line going down and one coming back
 * per target, however many probes fail in between. The targets are three names for one server.
 */
class ReloadIT {

  private static final Duration WAIT = Duration.ofSeconds(90);

  @TempDir
  Path dir;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private int port;
  private Process daemon;

  @Test
  void sighupAppliesTargetChangesAndRejectsInvalidConfig() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start()) {
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      String url = pg.primary().jdbcUrl();
      Path conf = dir.resolve("drwatch.conf");
      Files.writeString(conf, config(url, "keep", "gone"));
      Path log = dir.resolve("daemon.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      // env --default-signal: a SIGHUP ignored by whatever started the build (nohup) is inherited,
      // and the JVM then never sees the reload signal.
      Process p = new ProcessBuilder(List.of("env", "--default-signal=HUP", java, "-cp",
          System.getProperty("java.class.path"), "io.drwatch.Main", "run", "--config", conf.toString()))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      daemon = p;
      try {
        // Both targets sampled before the reload: the no-gap check below needs keep's samples there first.
        String body = await(b -> up(b, "keep") && up(b, "gone") && b.contains("pg_wal_lsn_bytes{target=\"gone\"}")
            && b.contains("pg_wal_lsn_bytes{target=\"keep\"}"));
        assertTrue(up(body, "keep"), body);

        // Remove "gone", add "fresh"; "keep" moves to another line, which is no change.
        Files.writeString(conf, "# edited\n\n" + config(url, "fresh", "keep"));
        hup(p);
        int[] scrapes = {0};
        body = Await.until("the reload applied (fresh up, gone removed)", WAIT, Duration.ofMillis(100), () -> {
          String b = get("/metrics");
          scrapes[0]++;
          // No gap: every scrape during the reload has the unchanged target's samples.
          assertTrue(up(b, "keep") && b.contains("pg_wal_lsn_bytes{target=\"keep\"}"),
              "scrape " + scrapes[0] + " lost target keep:\n" + b);
          return b;
        }, b -> up(b, "fresh") && !b.contains("target=\"gone\""), b -> "/metrics:\n" + b + "\nlog:\n" + read(log));
        String targets = get("/api/targets");
        assertTrue(listed(targets, "keep") && listed(targets, "fresh"), targets);
        assertFalse(listed(targets, "gone"), targets);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(output.contains("removed [gone], added [fresh], restarted [], unchanged 1"), output);

        // An invalid edit: the problem is logged as file:line key — message, the targets stay.
        Files.writeString(conf, config(url, "fresh", "keep").replace("no-password = true", "no-password = true, colour = blue"));
        hup(p);
        awaitLog(log, "drwatch.targets[0].colour — unknown key");
        body = get("/metrics");
        assertTrue(up(body, "keep") && up(body, "fresh") && !body.contains("target=\"gone\""), body);
        assertTrue(Files.readString(log).contains(conf + ":"), Files.readString(log));

        // An outage: one line down and one line back per target, not one per failed probe.
        int before = Files.readString(log, StandardCharsets.UTF_8).length();
        pg.primary().stop();
        await(b -> down(b, "keep") && down(b, "fresh"));
        awaitFailedProbes("keep", 3); // several failed probes (interval 2s, backoff doubling)
        pg.primary().start();
        await(b -> up(b, "keep") && up(b, "fresh"));
        output = Files.readString(log, StandardCharsets.UTF_8).substring(before);
        for (String t : List.of("keep", "fresh")) {
          assertEquals(1, count(output, "target " + t + " is down:"), output);
          assertEquals(1, count(output, "target " + t + " is up again after "), output);
        }
        Matcher m = Pattern.compile("target keep is up again after (\\d+) failed probe").matcher(output);
        assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 2, output);
        assertFalse(output.contains("Exception"), "no stack traces in the log:\n" + output);
      } finally {
        p.destroy();
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "daemon did not stop within 15s of SIGTERM");
        System.err.println("--- daemon log ---\n" + Files.readString(log));
      }
    }
  }

  private String config(String url, String first, String second) {
    return """
        drwatch {
          http { host = "127.0.0.1", port = %d }
          defaults { interval = 2s, timeout = 1s, connect-timeout = 3s }
          targets = [
            { name = "%s", url = "%s", user = drwatch, no-password = true }
            { name = "%s", url = "%s", user = drwatch, no-password = true }
          ]
        }
        """.formatted(port, first, url, second, url);
  }

  private static boolean up(String body, String target) {
    return body.contains("drwatch_target_up{cluster=\"" + target + "\",target=\"" + target + "\"} 1");
  }

  private static boolean down(String body, String target) {
    return body.contains("drwatch_target_up{cluster=\"" + target + "\",target=\"" + target + "\"} 0");
  }

  private static boolean listed(String apiTargets, String name) {
    return Pattern.compile("\"name\"\\s*:\\s*\"" + name + "\"").matcher(apiTargets).find();
  }

  private static int count(String text, String fragment) {
    Matcher m = Pattern.compile(Pattern.quote(fragment)).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  private static void hup(Process p) throws Exception {
    Process k = new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start();
    assertTrue(k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0, "kill -HUP failed");
  }

  private String get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private String await(Predicate<String> done) {
    return Await.until("the daemon's /metrics to show the expected targets", WAIT, Await.EVERY, () -> {
      if (!daemon.isAlive()) {
        throw new AssertionError("the daemon exited with " + daemon.exitValue());
      }
      return get("/metrics"); // an IOException while it starts is "not yet"
    }, done, b -> "/metrics:\n" + b);
  }

  /**
   * Until the target's probe has failed this many times while down: each failed probe stamps a new
   * last_probe in /api/targets (polled, instead of sleeping for what the backoff should take).
   */
  private void awaitFailedProbes(String target, int probes) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    Await.condition(target + ": " + probes + " failed probes", WAIT, () -> {
      for (Object o : new io.vertx.core.json.JsonObject(get("/api/targets")).getJsonArray("targets")) {
        io.vertx.core.json.JsonObject t = (io.vertx.core.json.JsonObject) o;
        if (target.equals(t.getString("name")) && !t.getBoolean("up") && t.getString("last_probe") != null) {
          seen.add(t.getString("last_probe"));
        }
      }
      return seen.size() >= probes;
    }, () -> seen.size() + " failed probes");
  }

  private static void awaitLog(Path log, String fragment) {
    Await.condition("\"" + fragment + "\" in the daemon's log", WAIT, () -> read(log).contains(fragment),
        () -> "log:\n" + read(log));
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      return "(the log is unreadable: " + e + ")";
    }
  }
}
