package io.drwatch.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.BuildInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tarball Maven builds (agent/target/drwatch-VERSION.tar.gz): its layout, and its launcher
 * actually starting the agent — --version, check-config, the JVM flags in effect, JAVA_OPTS
 * overriding them, and the class-data-sharing archive written by `run` and then mapped. Runs in
 * the surefire execution `packaging` (integration-test phase, after `package`).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TarballTest {

  @TempDir Path tmp;
  private Path home;
  private Path launcher;
  private String version;

  @BeforeAll
  void unpack() throws IOException {
    String tarball = System.getProperty("drwatch.tarball");
    if (tarball == null) {
      System.out.println("[packaging] TarballTest skipped: it runs after `package`, in the surefire execution"
          + " `packaging` (./mvnw -o verify -Dtest=TarballTest -Dit.test=none -Dsurefire.failIfNoSpecifiedTests=false)");
    }
    Assumptions.assumeTrue(tarball != null, "runs after package (surefire execution `packaging`)");
    assertTrue(Files.isRegularFile(Path.of(tarball)), tarball + " was not built");
    Path dir = Files.createTempDirectory("drwatch-tarball-");
    Repo.Result r = Repo.run(dir, Map.of(), Duration.ofMinutes(2), List.of("tar", "-xzf", tarball));
    assertEquals(0, r.exit(), r.output());
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> top = s.toList();
      assertEquals(1, top.size(), "one top-level directory: " + top);
      home = top.get(0);
    }
    version = BuildInfo.version();
    assertEquals("drwatch-" + version, home.getFileName().toString());
    launcher = home.resolve("bin/drwatch");
  }

  @AfterAll
  void removeUnpacked() throws IOException {
    if (home != null) {
      try (Stream<Path> walk = Files.walk(home.getParent())) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private Repo.Result drwatch(Map<String, String> env, String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of(launcher.toString()));
    cmd.addAll(List.of(args));
    return Repo.run(home, env, Duration.ofMinutes(2), cmd);
  }

  @Test
  void layoutHasLauncherJarConfigAndDocs() throws IOException {
    assertTrue(Files.isExecutable(launcher), "bin/drwatch is executable");
    assertTrue(Files.readString(launcher).startsWith("#!/bin/sh\n"), "POSIX sh launcher");
    assertTrue(Files.size(home.resolve("lib/drwatch.jar")) > 1_000_000, "lib/drwatch.jar is the shaded jar");
    for (String f : List.of("README.md", "CHANGELOG.md", "config/drwatch.example.conf",
        "config/monitoring-role.sql", "config/cockroach-monitoring-role.sql", "share/systemd/drwatch.service",
        "share/alerts/kubernetes/drwatch.prometheusrule.yml", "share/alerts/compat/postgres-exporter.rules.yml",
        "share/docs/install.md", "share/docs/configuration.md")) {
      assertTrue(Files.isRegularFile(home.resolve(f)), "tarball has " + f);
    }
    try (Stream<Path> s = Files.walk(Repo.path("config"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        Path rel = Repo.path("config").relativize(p);
        assertTrue(Files.isRegularFile(home.resolve("config").resolve(rel)), "tarball has config/" + rel);
      }
    }
  }

  @Test
  void launcherPrintsTheVersionAlsoThroughASymlink() throws IOException {
    Repo.Result r = drwatch(Map.of(), "--version");
    assertEquals(0, r.exit(), r.output());
    assertEquals("drwatch " + version, r.output().strip());
    Path link = Files.createSymbolicLink(tmp.resolve("drwatch"), launcher);
    Repo.Result viaLink = Repo.run(tmp, Map.of(), Duration.ofMinutes(2), List.of(link.toString(), "--version"));
    assertEquals(0, viaLink.exit(), viaLink.output());
    assertEquals("drwatch " + version, viaLink.output().strip());
  }

  @Test
  void launcherChecksAConfig() throws IOException {
    Path ok = tmp.resolve("ok.conf");
    Files.writeString(ok, """
        drwatch.targets = [ { name = "pg-a", url = "jdbc:postgresql://127.0.0.1:5432/postgres", user = "drwatch",
          password-env = "DRWATCH_PG_PASSWORD", labels { cluster = "main" } } ]
        """);
    Repo.Result r = drwatch(Map.of("DRWATCH_PG_PASSWORD", "s3cret-value"), "check-config", ok.toString());
    assertEquals(0, r.exit(), r.output());
    assertFalse(r.output().contains("s3cret-value"), r.output());
    Path bad = tmp.resolve("bad.conf");
    Files.writeString(bad, "drwatch {\n  http { port = many }\n}\n");
    Repo.Result b = drwatch(Map.of(), "check-config", bad.toString());
    assertEquals(2, b.exit(), b.output());
    assertTrue(b.output().contains("bad.conf:2"), b.output());
  }

  @Test
  void launcherSetsSmallDaemonFlagsAndJavaOptsWin() {
    Repo.Result r = drwatch(Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "--version");
    assertEquals(0, r.exit(), r.output());
    for (String flag : List.of("-XX:+UseSerialGC", "-XX:MaxHeapSize=50331648", "-XX:TieredStopAtLevel=1",
        "-XX:ThreadStackSize=256", "-XX:+ExitOnOutOfMemoryError")) {
      assertTrue(r.output().contains(flag), flag + " in " + r.output());
    }
    Repo.Result g1 = drwatch(Map.of("JAVA_OPTS", "-XX:+UseG1GC -Xmx96m -XX:+PrintCommandLineFlags"), "--version");
    assertEquals(0, g1.exit(), g1.output());
    assertTrue(g1.output().contains("-XX:+UseG1GC") && !g1.output().contains("UseSerialGC"), g1.output());
    assertTrue(g1.output().contains("-XX:MaxHeapSize=100663296"), g1.output());
    Repo.Result other = drwatch(Map.of("JAVA_OPTS", "-XX:+UseCompressedOops -XX:+PrintGC -XX:+PrintCommandLineFlags"), "--version");
    assertTrue(other.output().contains("-XX:+UseSerialGC"), "only a -XX:+Use…GC flag replaces the collector: " + other.output());
    Repo.Result heap = drwatch(Map.of("DRWATCH_HEAP", "64m", "JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "--version");
    assertTrue(heap.output().contains("-XX:MaxHeapSize=67108864"), heap.output());
  }

  @Test
  void launcherSaysWhenJavaHomeIsWrong() {
    Repo.Result r = drwatch(Map.of("JAVA_HOME", tmp.resolve("nojava").toString()), "--version");
    assertEquals(1, r.exit(), r.output());
    assertTrue(r.output().contains("has no bin/java"), r.output());
  }

  @Test
  void runWritesTheClassDataSharingArchiveAndLaterStartsMapIt() throws Exception {
    Path archive = tmp.resolve("cds/drwatch.jsa");
    Files.createDirectories(archive.getParent());
    Path conf = tmp.resolve("run.conf");
    Files.writeString(conf, """
        drwatch {
          http { host = "127.0.0.1", port = 0 }
          targets = [ { name = "nowhere", url = "jdbc:postgresql://127.0.0.1:1/postgres", user = "drwatch", no-password = true } ]
        }
        """);
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "run", "--config", conf.toString())
        .redirectErrorStream(true);
    pb.environment().put("DRWATCH_CDS_ARCHIVE", archive.toString());
    Process p = pb.start();
    CountDownLatch listening = new CountDownLatch(1);
    StringBuilder out = new StringBuilder();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          synchronized (out) {
            out.append(line).append('\n');
          }
          if (line.contains("listening on")) {
            listening.countDown();
          }
        }
      } catch (IOException ignored) {
        // process gone
      }
    });
    reader.start();
    try {
      assertTrue(listening.await(90, TimeUnit.SECONDS), "the daemon started: " + out);
    } finally {
      p.destroy(); // SIGTERM to the JVM (the launcher exec'd it): a clean stop writes the archive
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped on SIGTERM");
      reader.join(5000);
    }
    assertTrue(Files.size(archive) > 1_000_000, "archive written at exit: " + out);
    // -Xshare:on makes the JVM refuse to start unless it maps the archive.
    Repo.Result r = Repo.run(home, Map.of("DRWATCH_CDS_ARCHIVE", archive.toString(), "JAVA_OPTS", "-Xshare:on"),
        Duration.ofMinutes(2), List.of(launcher.toString(), "--version"));
    assertEquals(0, r.exit(), r.output());
    assertEquals("drwatch " + version, r.output().strip());
  }

  @Test
  void launcherPassesShellcheck() {
    if (!Repo.onPath("shellcheck")) {
      System.out.println("[packaging] shellcheck not installed (apt-get install shellcheck): launcher lint skipped");
      Assumptions.abort("shellcheck not installed");
    }
    Repo.Result r = Repo.run(home, Map.of(), Duration.ofMinutes(1), List.of("shellcheck", "-s", "sh", launcher.toString()));
    assertEquals(0, r.exit(), r.output());
  }
}
