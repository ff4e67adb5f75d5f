package io.drwatch.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Adding a collector is one source file (plus its test and its docs section): the class registers
 * itself with {@code @AutoService(Collector.class)} (the build writes the ServiceLoader file), and
 * it is named after its config key. This test finds every collector class in the compiled
 * {@code io.drwatch.collect} packages and fails, naming the class, when one is not registered, is
 * misnamed or has no test of its own.
 */
class CollectorRegistrationTest {

  /** Collectors defined in config, not on the classpath. */
  private static final String CONFIG_DEFINED = "io.drwatch.collect.custom.";

  /** Where a collector's test lives, from the root of the checkout. */
  private static final String TEST_SOURCES = "agent/src/test/java";
  private static final Pattern TEST_METHOD = Pattern.compile("@(Test|ParameterizedTest)\\b");

  @Test
  void everyCollectorClassIsRegistered() throws Exception {
    Set<String> registered = new TreeSet<>();
    CollectorRegistry.builtIn().entries().forEach(e -> registered.add(e.collector().getClass().getName()));
    List<String> problems = new ArrayList<>();
    for (Class<?> c : collectorClasses()) {
      if (!Modifier.isPublic(c.getModifiers()) || !hasPublicNoArgConstructor(c)) {
        problems.add(c.getName() + ": a collector must be public with a public no-argument constructor "
            + "(ServiceLoader creates it)");
      } else if (!registered.contains(c.getName())) {
        problems.add(c.getName() + " does not register itself; annotate the class with "
            + "@AutoService(Collector.class) (com.google.auto.service.AutoService)");
      }
    }
    if (!problems.isEmpty()) {
      fail("collectors that do not register:\n  - " + String.join("\n  - ", problems));
    }
    assertTrue(registered.size() >= 26, "found only " + registered);
  }

  @Test
  void everyCollectorIsNamedAfterItsConfigKey() {
    List<String> problems = new ArrayList<>();
    for (CollectorRegistry.Entry e : CollectorRegistry.builtIn().entries()) {
      Class<?> c = e.collector().getClass();
      String expected = className(e.collector().name(), c.getPackageName());
      if (!c.getSimpleName().equals(expected)) {
        problems.add("collector '" + e.collector().name() + "' is " + c.getName() + "; name it "
            + expected + " (git mv, so that merges follow the rename)");
      }
    }
    if (!problems.isEmpty()) {
      fail("collectors not named after their config key:\n  - " + String.join("\n  - ", problems));
    }
  }

  /**
   * The class name of a collector: its config key in UpperCamelCase, with {@code Pg} before it for
   * PostgreSQL collectors, whose keys carry no prefix ({@code settings -> PgSettings}); the keys of
   * the others already name their source ({@code crdb_nodes -> CrdbNodes},
   * {@code pgbackrest -> Pgbackrest}).
   */
  static String className(String key, String packageName) {
    StringBuilder b = new StringBuilder(packageName.endsWith(".postgres") ? "Pg" : "");
    for (String word : key.split("_")) {
      b.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
    }
    return b.toString();
  }

  @Test
  void classNameRule() {
    assertEquals("PgSettings", className("settings", "io.drwatch.collect.postgres"));
    assertEquals("PgDatabaseSize", className("database_size", "io.drwatch.collect.postgres"));
    assertEquals("CrdbNodes", className("crdb_nodes", "io.drwatch.collect.cockroach"));
    assertEquals("Pgbackrest", className("pgbackrest", "io.drwatch.collect.backup"));
  }

  @Test
  void offByDefaultOnlyWhereSomethingMustBeSetUpBeside() {
    List<String> off = CollectorRegistry.builtIn().entries().stream()
        .filter(e -> !e.enabledByDefault()).map(e -> e.collector().name()).sorted().toList();
    assertEquals(List.of("heartbeat", "pgbackrest"), off);
  }

  /**
   * Each collector's unit test sits beside it, named after it ({@code PgWal -> PgWalTest}, same
   * package under agent/src/test/java), and has a test method that uses the class: its rows →
   * samples mapping against golden text, as the others do. A shared test file would hide a
   * collector that nobody tests.
   */
  @Test
  void everyCollectorHasItsOwnTest() throws IOException {
    Path root = repositoryRoot();
    List<String> problems = new ArrayList<>();
    for (CollectorRegistry.Entry e : CollectorRegistry.builtIn().entries()) {
      Class<?> c = e.collector().getClass();
      String test = TEST_SOURCES + "/" + c.getPackageName().replace('.', '/') + "/" + c.getSimpleName() + "Test.java";
      Path file = root.resolve(test);
      if (!Files.isRegularFile(file)) {
        problems.add("collector '" + e.collector().name() + "' has no test: add " + test
            + " (its rows -> samples mapping against golden text, as the other collector tests do)");
        continue;
      }
      String text = Files.readString(file).replace(c.getSimpleName() + "Test", "");
      if (!TEST_METHOD.matcher(text).find()
          || !Pattern.compile("\\b" + Pattern.quote(c.getSimpleName()) + "\\b").matcher(text).find()) {
        problems.add(test + " has no test method that uses " + c.getSimpleName());
      }
    }
    if (!problems.isEmpty()) {
      fail("collectors without their own test:\n  - " + String.join("\n  - ", problems));
    }
  }

  /** The checkout: the first directory above the working directory that holds the test sources. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(TEST_SOURCES))) {
        return dir;
      }
    }
    throw new IllegalStateException("no " + TEST_SOURCES + " above " + System.getProperty("user.dir"));
  }

  /** Concrete top-level Collector classes compiled into io/drwatch/collect (custom ones aside). */
  static List<Class<?>> collectorClasses() throws IOException, URISyntaxException, ClassNotFoundException {
    Path classes = Path.of(Collector.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path root = classes.resolve("io/drwatch/collect");
    assertTrue(Files.isDirectory(root), "compiled classes not found at " + root);
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$")).sorted().toList()) {
        String name = classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
        Class<?> c = Class.forName(name, false, Collector.class.getClassLoader());
        if (Collector.class.isAssignableFrom(c) && !c.isInterface()
            && !Modifier.isAbstract(c.getModifiers()) && !name.startsWith(CONFIG_DEFINED)) {
          out.add(c);
        }
      }
    }
    return out;
  }

  private static boolean hasPublicNoArgConstructor(Class<?> c) {
    try {
      return Modifier.isPublic(c.getConstructor().getModifiers());
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
