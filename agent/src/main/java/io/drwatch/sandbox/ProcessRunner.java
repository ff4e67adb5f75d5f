package io.drwatch.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a bound, failing with the command's own output. */
final class ProcessRunner {

  private ProcessRunner() {}

  static String run(List<String> cmd, Duration timeout, Map<String, String> env) throws IOException {
    Path out = Files.createTempFile("drwatch-cmd", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
      pb.environment().putAll(env);
      // Servers read these; a caller's settings must not leak into the sandbox.
      pb.environment().keySet().removeIf(k -> k.startsWith("PG") && !env.containsKey(k));
      Process p = pb.start();
      boolean done;
      try {
        done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted: " + String.join(" ", cmd), e);
      }
      String output = Files.readString(out, StandardCharsets.UTF_8);
      if (!done) {
        p.destroyForcibly();
        throw new IOException("timed out after " + timeout + ": " + String.join(" ", cmd) + "\n" + output);
      }
      if (p.exitValue() != 0) {
        throw new IOException("exit " + p.exitValue() + ": " + String.join(" ", cmd) + "\n" + output);
      }
      return output;
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
