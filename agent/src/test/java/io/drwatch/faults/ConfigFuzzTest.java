package io.drwatch.faults;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.drwatch.cli.Cli;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.ConfigException;
import io.drwatch.config.ConfigLoader;
import io.drwatch.config.ConfigProblem;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad configs fuzzed from the shipped valid ones (seeded): lines deleted, duplicated, values of
 * another type or garbage. Loading either succeeds or throws ConfigException whose every problem
 * names file:line; never another exception. Every tenth case also goes through the CLI's
 * check-config: exit 0 or 2, and no stack trace on stderr.
 */
class ConfigFuzzTest {

  private static final long SEED = 8L;
  private static final int CASES = 400;
  private static final String[] VALUES = {"\"text\"", "42", "-1", "0", "true", "[1, 2]", "{ a = 1 }", "-5s", "0s",
      "1e400", "99999999999999999999", "\"\"", "null", "${undefined}", "\"\\u0000\"", "\"%%\"", "1 fortnight",
      "\"ü\\\"\\\\\"", "[", "{", "}", "]", "=", "\"unterminated"};
  private static final Pattern FILE_LINE = Pattern.compile(".+\\.conf:\\d+");

  static Path configDir() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("config/drwatch.full.conf"))) {
        return dir.resolve("config");
      }
    }
    throw new AssertionError("config/ not found above " + System.getProperty("user.dir"));
  }

  static List<Path> validConfigs() throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Stream.concat(Files.list(configDir()), Files.list(configDir().resolve("examples")))) {
      s.filter(p -> p.toString().endsWith(".conf")).sorted().forEach(all::add);
    }
    return all;
  }

  /** The config with its password files pointed at one that exists, so the shipped text is valid here. */
  static String readable(Path config, Path dir) throws IOException {
    Path pass = dir.resolve("pass");
    if (!Files.exists(pass)) {
      Files.writeString(pass, "pw\n");
    }
    return Files.readString(config).replaceAll("password-file\\s*=\\s*\"[^\"]*\"", "password-file = \"" + pass + "\"");
  }

  static String mutate(String text, Random r) {
    List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
    int changes = 1 + r.nextInt(3);
    for (int c = 0; c < changes; c++) {
      List<Integer> code = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        String t = lines.get(i).strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          code.add(i);
        }
      }
      if (code.isEmpty()) {
        break;
      }
      int i = code.get(r.nextInt(code.size()));
      String line = lines.get(i);
      switch (r.nextInt(5)) {
        case 0 -> lines.remove(i);
        case 1 -> lines.add(i, line);
        case 2, 3 -> {
          int eq = line.indexOf('=');
          String v = VALUES[r.nextInt(VALUES.length)];
          lines.set(i, eq < 0 ? line + " " + v : line.substring(0, eq + 1) + " " + v);
        }
        default -> lines.set(i, line.substring(0, r.nextInt(line.length() + 1)));
      }
    }
    return String.join("\n", lines);
  }

  @Test
  void fuzzedConfigsFailWithAClearConfigExceptionOnly(@TempDir Path dir) throws Exception {
    List<Path> valid = validConfigs();
    assertTrue(valid.size() >= 3, "valid configs: " + valid);
    Random r = new Random(SEED);
    int rejected = 0;
    int cliRuns = 0;
    for (int n = 0; n < CASES; n++) {
      Path source = valid.get(n % valid.size());
      String mutated = mutate(readable(source, dir), r);
      Path f = dir.resolve("case" + n + ".conf");
      Files.writeString(f, mutated);
      String label = "case " + n + " (seed " + SEED + ", from " + source.getFileName() + ")";
      try {
        new ConfigLoader(CollectorRegistry.builtIn(), k -> "secret-from-env").load(f);
      } catch (ConfigException e) {
        rejected++;
        assertFalse(e.problems().isEmpty(), label);
        for (ConfigProblem p : e.problems()) {
          assertTrue(FILE_LINE.matcher(p.origin()).matches(), label + ": no file:line in '" + p + "'\n" + mutated);
          assertFalse(p.message().isBlank(), label + ": empty message");
          assertFalse(p.toString().contains("Exception") || p.toString().contains("\tat "), label + ": " + p);
        }
      } catch (RuntimeException e) {
        fail(label + ": " + e + " instead of a ConfigException\n" + mutated, e);
      }
      if (n % 10 == 0) {
        cliRuns++;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(new String[] {"check-config", f.toString()});
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertTrue(rc == 0 || rc == 2, label + ": exit " + rc + "\n" + stderr);
        if (rc == 2) {
          assertFalse(stderr.isBlank(), label);
          assertTrue(stderr.contains(f.getFileName() + ":"), label + ": " + stderr);
        }
        assertFalse(stderr.contains("Exception") || stderr.lines().anyMatch(l -> l.strip().startsWith("at io.")),
            label + ": stack trace on stderr\n" + stderr);
      }
    }
    System.out.printf("config fuzz: %d cases from %d valid configs, %d rejected with ConfigException, %d via check-config%n",
        CASES, valid.size(), rejected, cliRuns);
    assertTrue(rejected > CASES / 2, "most mutations are errors: " + rejected);
  }

  @Test
  void theValidConfigsLoadAsShipped(@TempDir Path dir) throws Exception {
    for (Path p : validConfigs()) {
      Path f = dir.resolve(p.getFileName());
      Files.writeString(f, readable(p, dir));
      assertNotNull(new ConfigLoader(CollectorRegistry.builtIn(), k -> "x").load(f), p.toString());
    }
  }
}
