package io.drwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code drwatch demo} stopped as a person stops it, with Ctrl-C (SIGINT to a real process): it
 * says it is stopping, prints no error ("drwatch: Shutdown in progress" read as one), removes the
 * sandbox, and is gone within a bound. Before the fix it took 6-8 s for three local servers.
 */
class DemoInterruptIT {

  /** The bound for stopping an agent and three local servers and removing their directories. */
  static final Duration STOP_BOUND = Duration.ofSeconds(4);

  @TempDir
  Path dir;

  @Test
  void ctrlCStopsQuietlyAndQuickly() throws Exception {
    Path log = dir.resolve("demo.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // env --default-signal: a SIGINT ignored by whatever started the build (any command started
    // with & by a non-interactive shell) is inherited, and the demo would never see Ctrl-C.
    List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT", java, "-cp",
        System.getProperty("java.class.path")));
    String binaries = System.getProperty("drwatch.pg.binaries");
    if (binaries != null) {
      cmd.add("-Ddrwatch.pg.binaries=" + binaries);
    }
    cmd.addAll(List.of("io.drwatch.Main", "demo", "--pg-version", Integer.toString(Clusters.defaultMajor()),
        "--port", "0"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Await.condition("the demo up (\"Ctrl-C stops\" printed)", Duration.ofSeconds(120), () -> {
        if (!p.isAlive()) {
          throw new AssertionError("the demo exited with " + p.exitValue() + ":\n" + read(log));
        }
        return read(log).contains("Ctrl-C stops");
      }, () -> "output:\n" + read(log));
      assertTrue(read(log).contains("Ctrl-C stops"), "the demo did not come up:\n" + read(log));
      Path archive = Path.of(read(log).lines().filter(l -> l.trim().startsWith("archive:")).findFirst()
          .orElseThrow().trim().substring("archive:".length()).trim());
      assertTrue(Files.isDirectory(archive), archive.toString());
      long t0 = System.nanoTime();
      assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(), "kill -INT");
      boolean exited = p.waitFor(30, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      String out = read(log);
      System.out.println("demo: stopped " + took.toMillis() + " ms after SIGINT; its last lines:\n"
          + String.join("\n", out.lines().skip(Math.max(0, out.lines().count() - 3)).toList()));
      assertTrue(exited, "still running 30 s after Ctrl-C:\n" + out);
      assertFalse(out.contains("Shutdown in progress"), out);
      assertFalse(out.lines().anyMatch(l -> l.startsWith("drwatch: ")), "an error line on Ctrl-C:\n" + out);
      assertFalse(out.contains("Exception"), out);
      assertTrue(out.contains("drwatch demo: stopped"), "says it stopped:\n" + out);
      assertTrue(took.compareTo(STOP_BOUND) < 0, "took " + took.toMillis() + " ms to stop, bound " + STOP_BOUND);
      assertFalse(Files.exists(archive), "the sandbox is removed: " + archive);
    } finally {
      p.destroyForcibly();
    }
  }

  private static String read(Path f) throws java.io.IOException {
    return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
  }
}
