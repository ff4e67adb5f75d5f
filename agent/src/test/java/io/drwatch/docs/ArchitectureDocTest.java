package io.drwatch.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md's package table is drawn from the code: one row per package under
 * agent/src/main/java/io/drwatch (the root is {@code io.drwatch}), every class it names in
 * backticks exists in that package, and its "imports" cell lists exactly the other drwatch
 * packages that package's sources refer to.
 */
class ArchitectureDocTest {

  private static final String ROOT = "io.drwatch";
  private static final Pattern CLASS_NAME = Pattern.compile("`([A-Z][A-Za-z0-9]*)(\\.[a-z][A-Za-z0-9]*(\\(\\))?)?`");
  private static final Pattern REFERENCE = Pattern.compile("\\bio\\.drwatch((?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

  record Row(String pkg, String concern, Set<String> imports, int line) {}

  static Path sources;
  static Map<String, Set<String>> classes;
  static Map<String, Set<String>> references;
  static Map<String, Row> rows;
  static List<String> problems;

  @BeforeAll
  static void load() throws IOException {
    Path root = ConfigurationDocTest.root();
    sources = root.resolve("agent/src/main/java/io/drwatch");
    classes = new TreeMap<>();
    references = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
        String pkg = packageOf(f.getParent());
        classes.computeIfAbsent(pkg, k -> new TreeSet<>()).add(f.getFileName().toString().replace(".java", ""));
        Set<String> refs = references.computeIfAbsent(pkg, k -> new TreeSet<>());
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (line.startsWith("package ")) {
            continue;
          }
          Matcher m = REFERENCE.matcher(line);
          while (m.find()) {
            String used = m.group(1).isEmpty() ? ROOT : m.group(1).substring(1);
            if (!used.equals(pkg)) {
              refs.add(used);
            }
          }
        }
      }
    }
    problems = new ArrayList<>();
    rows = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(root.resolve("docs/architecture.md"), StandardCharsets.UTF_8);
    boolean inTable = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("| package | concern | imports |")) {
        inTable = true;
        continue;
      }
      if (!inTable || line.startsWith("| ---")) {
        continue;
      }
      if (!line.startsWith("|")) {
        break;
      }
      List<String> cells = MetricsDocTest.cells(line);
      String pkg = cells.get(0).replace("`", "");
      Set<String> imports = new TreeSet<>();
      if (!cells.get(2).equals("—")) {
        for (String item : cells.get(2).split(", ")) {
          imports.add(item.replace("`", ""));
        }
      }
      if (rows.put(pkg, new Row(pkg, cells.get(1), imports, i + 1)) != null) {
        problems.add("docs/architecture.md:" + (i + 1) + ": `" + pkg + "` has two rows");
      }
    }
  }

  static String packageOf(Path dir) {
    String rel = sources.relativize(dir).toString().replace('/', '.');
    return rel.isEmpty() ? ROOT : rel;
  }

  @Test
  void everyPackageHasOneRowAndNoRowIsInvented() {
    assertFalse(rows.isEmpty(), "docs/architecture.md: no '| package | concern | imports |' table");
    List<String> out = new ArrayList<>(problems);
    for (String pkg : classes.keySet()) {
      if (!rows.containsKey(pkg)) {
        out.add("package `" + pkg + "` (" + String.join(", ", classes.get(pkg))
            + ") has no row in docs/architecture.md");
      }
    }
    for (Row r : rows.values()) {
      if (!classes.containsKey(r.pkg())) {
        out.add("docs/architecture.md:" + r.line() + ": `" + r.pkg() + "` is not a package of "
            + sources);
      }
    }
    failIfAny("package rows", out);
  }

  @Test
  void namedClassesExistInTheirPackage() {
    List<String> out = new ArrayList<>();
    for (Row r : rows.values()) {
      Matcher m = CLASS_NAME.matcher(r.concern());
      while (m.find()) {
        if (classes.containsKey(r.pkg()) && !classes.get(r.pkg()).contains(m.group(1))) {
          out.add("docs/architecture.md:" + r.line() + ": `" + m.group(1) + "` is not a class of `"
              + r.pkg() + "`");
        }
      }
    }
    failIfAny("classes the package table names that do not exist", out);
  }

  @Test
  void importsAreWhatTheSourcesReferTo() {
    List<String> out = new ArrayList<>();
    for (Row r : rows.values()) {
      Set<String> actual = references.getOrDefault(r.pkg(), Set.of());
      if (classes.containsKey(r.pkg()) && !actual.equals(r.imports())) {
        out.add("docs/architecture.md:" + r.line() + ": `" + r.pkg() + "` imports " + cell(actual)
            + ", the table says " + cell(r.imports()));
      }
    }
    failIfAny("package dependencies that the table gets wrong", out);
  }

  private static String cell(Set<String> pkgs) {
    return pkgs.isEmpty() ? "—" : "`" + String.join("`, `", pkgs) + "`";
  }

  private static void failIfAny(String title, List<String> problems) {
    if (!problems.isEmpty()) {
      fail(title + ":\n  - " + String.join("\n  - ", problems));
    }
  }
}
