package io.drwatch.collect.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.fixture.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded runner behind the pgbackrest collector, with real programs (sh, sleep, yes, cat):
 * exit codes and stderr come back, a hang is killed with its children, a flood is cut off.
 * PgBackRestIT covers the same paths with pgBackRest itself.
 */
class CommandRunnerTest {

  private static final Duration GENEROUS = Duration.ofSeconds(30);

  @Test
  void exitCodeStdoutAndStderrComeBackSeparately() throws Exception {
    CommandRunner.Result r = CommandRunner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), GENEROUS, 1024);
    assertEquals(new CommandRunner.Result(3, "out\n", "err\n"), r);
  }

  @Test
  void stdinIsClosedSoAPromptEndsInsteadOfWaiting() throws Exception {
    Instant t0 = Instant.now();
    assertEquals(new CommandRunner.Result(0, "", ""), CommandRunner.run(List.of("cat"), GENEROUS, 1024));
    assertTrue(Duration.between(t0, Instant.now()).compareTo(Duration.ofSeconds(10)) < 0);
  }

  @Test
  void aHangIsKilledAtTheTimeoutWithItsChildren(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");
    Instant t0 = Instant.now();
    CommandRunner.Failure f = assertThrows(CommandRunner.Failure.class, () -> CommandRunner.run(
        List.of("sh", "-c", "sleep 120 & echo $! > " + pidFile + "; wait"), Duration.ofMillis(1500), 1024));
    Duration took = Duration.between(t0, Instant.now());
    assertEquals("'sh' did not finish within 1500ms (the collector's timeout); killed it", f.getMessage());
    assertTrue(took.compareTo(Duration.ofMillis(1500)) >= 0, "" + took);
    assertTrue(took.compareTo(Duration.ofMillis(1500).plus(CommandRunner.KILL_GRACE).plusSeconds(10)) < 0, "" + took);
    long child = Long.parseLong(Files.readString(pidFile).strip());
    assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "child sleep " + child + " survived");
  }

  @Test
  void aProgramIgnoringSigtermGetsSigkillAfterTheGrace(@TempDir Path dir) throws Exception {
    Path pidFile = dir.resolve("child.pid");
    Instant t0 = Instant.now();
    // an ignored signal stays ignored across fork and exec, so the child sleep ignores TERM too
    assertThrows(CommandRunner.Failure.class, () -> CommandRunner.run(
        List.of("sh", "-c", "trap '' TERM; sleep 120 & echo $! > " + pidFile + "; wait"), Duration.ofMillis(500), 1024));
    Duration took = Duration.between(t0, Instant.now());
    assertTrue(took.compareTo(Duration.ofMillis(500).plus(CommandRunner.KILL_GRACE)) >= 0, "SIGTERM was ignored: " + took);
    long child = Long.parseLong(Files.readString(pidFile).strip());
    assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "child sleep " + child + " survived");
  }

  @Test
  void aFloodOfOutputIsCutOff() {
    CommandRunner.Failure f = assertThrows(CommandRunner.Failure.class,
        () -> CommandRunner.run(List.of("yes"), GENEROUS, 1024 * 1024));
    assertEquals("'yes' printed more than 1048576 bytes; stopped it", f.getMessage());
  }

  @Test
  void aMissingProgramSaysSo() {
    CommandRunner.Failure f = assertThrows(CommandRunner.Failure.class,
        () -> CommandRunner.run(List.of("/nonexistent/pgbackrest", "info"), GENEROUS, 1024));
    assertEquals("cannot run '/nonexistent/pgbackrest': No such file or directory", f.getMessage());
  }

  /** A JVM that exits (say, on SIGTERM) while a program runs kills it instead of orphaning it. */
  @Test
  void theJvmsExitKillsARunningProgram() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        ExitWhileRunning.class.getName()).redirectErrorStream(true).start();
    String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(jvm.waitFor(60, TimeUnit.SECONDS), out);
    assertTrue(out.startsWith("child "), out);
    long child = Long.parseLong(out.substring("child ".length()).strip());
    ProcessHandle.of(child).ifPresent(h -> h.onExit().completeOnTimeout(h, 10, TimeUnit.SECONDS).join());
    assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "sleep " + child + " outlived the JVM");
  }

  /** Starts a long program through the runner, prints its pid, and exits the JVM. */
  public static final class ExitWhileRunning {
    public static void main(String[] args) throws Exception {
      Thread t = new Thread(() -> {
        try {
          CommandRunner.run(List.of("sleep", "120"), Duration.ofSeconds(110), 1024);
        } catch (Exception e) {
          // the JVM is exiting
        }
      });
      t.setDaemon(true);
      t.start();
      ProcessHandle child = Await.until("the runner's child process", Duration.ofSeconds(30), Duration.ofMillis(20),
          () -> ProcessHandle.current().children().findAny(), Optional::isPresent, String::valueOf).orElseThrow();
      System.out.println("child " + child.pid());
      System.exit(0);
    }
  }

  @Test
  void onlyTheProgramNameAppearsInMessages() {
    CommandRunner.Failure f = assertThrows(CommandRunner.Failure.class, () -> CommandRunner.run(
        List.of("sh", "-c", "sleep 120", "--repo1-cipher-pass=hunter2"), Duration.ofMillis(200), 1024));
    assertFalse(f.getMessage().contains("hunter2"), f.getMessage());
  }
}
