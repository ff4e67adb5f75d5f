package io.drwatch.collect.backup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs one program (never through a shell) with a deadline and bounded output. Output goes to
 * private temporary files rather than pipes, so no reader thread can hang on a grandchild that
 * keeps a pipe open; the files are polled for size while the program runs. At the deadline the
 * program and its descendants get SIGTERM (a wrapper such as sudo relays it to the command it
 * started), then SIGKILL after a short grace; the JVM's shutdown does the same to any program
 * still running. The environment is inherited and never logged.
 */
final class CommandRunner {

  /** How long a killed program gets to exit after SIGTERM before SIGKILL. */
  static final Duration KILL_GRACE = Duration.ofSeconds(2);
  private static final long POLL_MS = 50;
  private static final int MAX_STDERR_BYTES = 64 * 1024;

  /**
   * Programs running now. When the JVM exits, the agent's own shutdown interrupts their runs,
   * which kills them; whatever is still running a moment later is killed here, so a hung program
   * never outlives the agent.
   */
  private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();
  private static final Duration REAPER_GRACE = Duration.ofSeconds(3);

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(CommandRunner::reapAtExit, "drwatch-command-reaper"));
  }

  private static void reapAtExit() {
    long deadline = System.nanoTime() + REAPER_GRACE.toNanos();
    while (!RUNNING.isEmpty() && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        break;
      }
    }
    List.copyOf(RUNNING).forEach(CommandRunner::kill);
  }

  record Result(int exitCode, String stdout, String stderr) {}

  /** Why a run produced no result: it could not start, hung, or printed too much. */
  static final class Failure extends Exception {
    Failure(String message) {
      super(message);
    }
  }

  private CommandRunner() {}

  /**
   * Runs {@code command} to completion within {@code timeout}. A nonzero exit is a result, not a
   * failure: the caller knows what the program's exit codes mean.
   */
  static Result run(List<String> command, Duration timeout, long maxStdoutBytes)
      throws Failure, InterruptedException {
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("drwatch-cmd-", ".out"); // rw------- : output may name paths
      err = Files.createTempFile("drwatch-cmd-", ".err");
      return runWith(command, timeout, maxStdoutBytes, out, err);
    } catch (IOException e) {
      throw new Failure("cannot capture the output of " + program(command) + ": " + e.getMessage());
    } finally {
      deleteQuietly(out);
      deleteQuietly(err);
    }
  }

  private static Result runWith(List<String> command, Duration timeout, long maxStdoutBytes,
      Path out, Path err) throws Failure, InterruptedException, IOException {
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new Failure("cannot run " + program(command) + ": " + startError(e));
    }
    RUNNING.add(p);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      p.getOutputStream().close(); // nothing to read on stdin: a prompt fails instead of waiting
      while (!p.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
        if (Files.size(out) > maxStdoutBytes) {
          kill(p);
          throw new Failure(program(command) + " printed more than " + maxStdoutBytes
              + " bytes; stopped it");
        }
        if (System.nanoTime() - deadline >= 0) {
          kill(p);
          throw new Failure(program(command) + " did not finish within " + human(timeout)
              + " (the collector's timeout); killed it");
        }
      }
    } catch (InterruptedException | IOException e) {
      kill(p);
      throw e;
    } finally {
      RUNNING.remove(p);
    }
    if (Files.size(out) > maxStdoutBytes) {
      throw new Failure(program(command) + " printed more than " + maxStdoutBytes + " bytes");
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    return new Result(p.exitValue(), stdout, head(err, MAX_STDERR_BYTES));
  }

  /** SIGTERM to the program and every descendant, then SIGKILL to whatever is left. */
  static void kill(Process p) {
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    all.add(p.toHandle());
    all.forEach(ProcessHandle::destroy);
    if (!awaitExit(all, KILL_GRACE)) {
      all.forEach(ProcessHandle::destroyForcibly);
      awaitExit(all, KILL_GRACE);
    }
  }

  private static boolean awaitExit(List<ProcessHandle> handles, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    for (ProcessHandle h : handles) {
      long left = deadline - System.nanoTime();
      try {
        if (left <= 0) {
          return !anyAlive(handles);
        }
        h.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !anyAlive(handles);
      } catch (Exception e) {
        return !anyAlive(handles);
      }
    }
    return true;
  }

  private static boolean anyAlive(List<ProcessHandle> handles) {
    return handles.stream().anyMatch(ProcessHandle::isAlive);
  }

  private static String head(Path file, int max) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readNBytes(max), StandardCharsets.UTF_8);
    }
  }

  /** The program's name only: arguments may carry what an operator would not want in a log. */
  static String program(List<String> command) {
    return "'" + command.get(0) + "'";
  }

  private static String startError(IOException e) {
    // "Cannot run program "x": error=2, No such file or directory" -> "No such file or directory"
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int comma = m.lastIndexOf(", ");
    return comma >= 0 && m.contains("error=") ? m.substring(comma + 2) : m;
  }

  static String human(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a temp file left behind is harmless
    }
  }
}
