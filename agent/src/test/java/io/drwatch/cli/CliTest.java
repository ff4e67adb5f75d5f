package io.drwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {

  private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final Cli cli = new Cli(new PrintStream(outBytes, true, StandardCharsets.UTF_8),
      new PrintStream(errBytes, true, StandardCharsets.UTF_8));

  @TempDir
  Path dir;

  private int run(String... args) {
    return cli.run(args);
  }

  private String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  private Path write(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    return f;
  }

  private static void assertNoStackTrace(String text) {
    assertFalse(text.contains("Exception"), text);
    assertFalse(text.contains("at io."), text);
    assertFalse(text.contains("\tat "), text);
  }

  @Test
  void checkConfigAcceptsAGoodFile() throws IOException {
    Path f = write("good.conf", """
        drwatch {
          targets = [
            { name = "pg-a", url = "jdbc:postgresql://db-a/postgres", user = "drwatch", no-password = true }
            { name = "pg-b", url = "jdbc:postgresql://db-b/postgres", user = "drwatch", no-password = true }
          ]
        }
        """);
    assertEquals(0, run("check-config", f.toString()));
    assertEquals(f + ": ok (2 target(s))\n", out());
    assertEquals("", err());
  }

  @Test
  void checkConfigAlsoTakesTheConfigOption() throws IOException {
    Path f = write("good.conf", "drwatch { }\n");
    assertEquals(0, run("check-config", "--config", f.toString()));
    assertEquals(f + ": ok (0 target(s))\n", out());
  }

  @Test
  void checkConfigListsEveryProblemOfABadFile() throws IOException {
    Path f = write("bad.conf", """
        drwatch {
          defaults { interval = fast }
          targets = [
            { name = "pg-a", url = "mysql://db", user = "drwatch", no-password = true,
              labels { job = "x" } }
          ]
        }
        """);
    assertEquals(2, run("check-config", f.toString()));
    assertEquals("", out());
    List<String> lines = err().lines().toList();
    Pattern shape = Pattern.compile(Pattern.quote(f.toString()) + ":\\d+ \\S+ — .+");
    for (String line : lines) {
      assertTrue(shape.matcher(line).matches(), "not file:line key — message: " + line);
    }
    assertEquals(List.of(
        f + ":2 drwatch.defaults.interval",
        f + ":4 drwatch.targets[0].url",
        f + ":5 drwatch.targets[0].labels.job"),
        lines.stream().map(l -> l.substring(0, l.indexOf(" — "))).toList(), err());
    assertNoStackTrace(err());
  }

  @Test
  void checkConfigReportsASyntaxErrorWithItsLine() throws IOException {
    Path f = write("broken.conf", "drwatch {\n  targets = [\n    { name = \"a\" ]\n}\n");
    assertEquals(2, run("check-config", f.toString()));
    assertTrue(err().startsWith(f + ":3 - — "), err());
    assertEquals(1, err().lines().count(), err());
    assertNoStackTrace(err());
  }

  @Test
  void checkConfigOfAMissingFile() {
    Path f = dir.resolve("nope.conf");
    assertEquals(2, run("check-config", f.toString()));
    assertEquals(f + " - — no such config file\n", err());
  }

  @Test
  void checkConfigWithoutAFile() {
    assertEquals(2, run("check-config"));
    assertTrue(err().startsWith("drwatch: check-config needs a FILE\n"), err());
  }

  @Test
  void unknownCommandPrintsUsage() {
    assertEquals(2, run("frobnicate"));
    assertTrue(err().startsWith("drwatch: unknown command: frobnicate\n"), err());
    assertTrue(err().contains("usage: drwatch <command> [options]"), err());
    assertEquals("", out());
  }

  @Test
  void noArgumentsPrintsUsage() {
    assertEquals(2, run());
    assertTrue(err().startsWith("usage: drwatch"), err());
  }

  @Test
  void version() {
    assertEquals(0, run("--version"));
    assertTrue(Pattern.matches("drwatch \\d+\\.\\d+\\.\\d+\\S*\n", out()), out());
  }

  @Test
  void help() {
    assertEquals(0, run("--help"));
    assertTrue(out().contains("check-config FILE"), out());
  }

  @Test
  void onceAndRunNeedAConfig() {
    assertEquals(2, run("once"));
    assertTrue(err().startsWith("drwatch: once needs --config FILE\n"), err());
    errBytes.reset();
    assertEquals(2, run("run"));
    assertTrue(err().startsWith("drwatch: run needs --config FILE\n"), err());
    errBytes.reset();
    assertEquals(2, run("run", "--config"));
    assertTrue(err().startsWith("drwatch: --config needs a value\n"), err());
  }

  @Test
  void onceWithABadConfigExitsTwoWithoutStartingAnything() throws IOException {
    Path f = write("bad.conf", "drwatch { targetz = [] }\n");
    assertEquals(2, run("once", "--config", f.toString()));
    assertTrue(err().startsWith(f + ":1 drwatch.targetz — unknown key"), err());
    assertNoStackTrace(err());
  }

  @Test
  void hashPasswordReadsStandardInputAndPrintsAVerifiableBcryptHash() {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    Cli withInput = new Cli(new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(errBytes, true, StandardCharsets.UTF_8),
        new java.io.ByteArrayInputStream("s3cret pass\n".getBytes(StandardCharsets.UTF_8)));
    assertEquals(0, withInput.run(new String[] {"hash-password", "--cost", "4"}), err());
    String hash = o.toString(StandardCharsets.UTF_8).strip();
    assertTrue(hash.matches("\\$2y\\$04\\$[./A-Za-z0-9]{53}"), hash);
    assertTrue(at.favre.lib.crypto.bcrypt.BCrypt.verifyer().verify("s3cret pass".toCharArray(), hash).verified);
    assertFalse(hash.contains("s3cret"));

    Cli empty = new Cli(new PrintStream(o, true, StandardCharsets.UTF_8),
        new PrintStream(errBytes, true, StandardCharsets.UTF_8), new java.io.ByteArrayInputStream(new byte[0]));
    assertEquals(2, empty.run(new String[] {"hash-password"}));
    assertTrue(err().contains("standard input"), err());
  }
}
