package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.sandbox.PgSandbox;
import java.io.File;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code drwatch run} as an operator starts it: a separate process that serves, then stops on SIGTERM. */
class DaemonProcessIT {

  @TempDir
  Path dir;

  @Test
  void runServesMetricsAndStopsCleanlyOnSigterm() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor()).start()) {
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      Path conf = dir.resolve("drwatch.conf");
      Files.writeString(conf, """
          drwatch {
            http { host = "127.0.0.1", port = %d }
            targets = [ { name = "pg", url = "%s", user = drwatch, no-password = true } ]
          }
          """.formatted(port, pg.primary().jdbcUrl()));
      Path log = dir.resolve("daemon.log");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(List.of(java,
          "-cp", System.getProperty("java.class.path"), "io.drwatch.Main", "run", "--config", conf.toString()))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        // an IOException while the daemon starts is "not yet"
        String body = Await.until("the daemon's first wal sample", Duration.ofSeconds(30),
            () -> http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body(),
            b -> b.contains("pg_wal_lsn_bytes{target=\"pg\"}"));
        assertTrue(body.contains("drwatch_target_up{cluster=\"pg\",target=\"pg\"} 1"), body);
      } finally {
        p.destroy(); // SIGTERM
      }
      assertTrue(p.waitFor(15, TimeUnit.SECONDS), "daemon did not stop within 15s of SIGTERM");
      assertEquals(143, p.exitValue(), "exit status after SIGTERM");
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertFalse(output.contains("Exception"), "no stack traces in the log:\n" + output);
      assertTrue(output.contains("target pg is up"), output);
    }
  }

  @Test
  void badConfigIsOneClearLinePerProblemAndExitTwo() throws Exception {
    Path conf = dir.resolve("bad.conf");
    Files.writeString(conf, "drwatch {\n  http { port = 99999 }\n  targets = [ { name = x, url = \"jdbc:postgresql://h/db\", user = u, colour = blue } ]\n}\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        "io.drwatch.Main", "check-config", conf.toString())).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue(), out);
    String file = conf.toString();
    assertTrue(out.contains(file + ":2 drwatch.http.port — must be between 0 and 65535"), out);
    assertTrue(out.contains(file + ":3 drwatch.targets[0].colour — unknown key"), out);
    assertTrue(out.contains("drwatch.targets[0] — needs a password source"), out);
    assertFalse(out.contains("Exception") || out.contains("\tat "), out);
    assertTrue(File.separatorChar == '/');
  }
}
