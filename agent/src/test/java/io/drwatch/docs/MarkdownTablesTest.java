package io.drwatch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every table in README.md, CHANGELOG.md and docs/ renders as a table on GitHub: a blank line (or a
 * heading) before it, a header row, a delimiter row with as many cells, and no row with more cells
 * than the header. A merge that strands rows under a paragraph, or a cell holding an unescaped
 * {@code |} (GitHub splits on it even inside backticks), fails here with file:line. So does a
 * conflict marker a merge left behind (a {@code <<<<<<<} or {@code >>>>>>>} line outside a code
 * block; {@code =======} alone is a setext heading's underline).
 */
class MarkdownTablesTest {

  private static final Pattern DELIMITER_CELL = Pattern.compile(":?-{3,}:?");
  private static final Pattern CONFLICT_MARKER = Pattern.compile("(<{7}|>{7})( .*)?");

  @Test
  void everyTableRenders() throws IOException {
    Path root = ConfigurationDocTest.root();
    List<Path> files = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("CHANGELOG.md")));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    List<String> problems = new ArrayList<>();
    for (Path f : files) {
      problems.addAll(problems(root.relativize(f).toString(),
          Files.readAllLines(f, StandardCharsets.UTF_8)));
    }
    if (!problems.isEmpty()) {
      fail("tables that do not render:\n  - " + String.join("\n  - ", problems));
    }
  }

  /** The problems of one file's tables, each as "file:line: what". */
  static List<String> problems(String file, List<String> lines) {
    List<String> out = new ArrayList<>();
    boolean fenced = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("```")) {
        fenced = !fenced;
        continue;
      }
      if (!fenced && CONFLICT_MARKER.matcher(lines.get(i)).matches()) {
        out.add(file + ":" + (i + 1) + ": a merge conflict marker (" + abbreviate(line) + ")");
        continue;
      }
      boolean row = !fenced && line.startsWith("|");
      boolean startsBlock = row && (i == 0 || !lines.get(i - 1).strip().startsWith("|"));
      if (!startsBlock) {
        continue;
      }
      String where = file + ":" + (i + 1);
      String before = i == 0 ? "" : lines.get(i - 1).strip();
      if (!before.isEmpty() && !before.startsWith("#")) {
        out.add(where + ": table rows right after a paragraph line; they render as text ("
            + abbreviate(before) + ")");
        continue;
      }
      int header = cells(line).size();
      String next = i + 1 < lines.size() ? lines.get(i + 1).strip() : "";
      List<String> delimiter = cells(next);
      if (!next.startsWith("|") || !delimiter.stream().allMatch(c -> DELIMITER_CELL.matcher(c).matches())) {
        out.add(where + ": table without a delimiter row (| --- | …) under its header");
        continue;
      }
      if (delimiter.size() != header) {
        out.add(where + ": header has " + header + " cells, delimiter row " + delimiter.size());
      }
      for (int j = i + 2; j < lines.size() && lines.get(j).strip().startsWith("|"); j++) {
        int n = cells(lines.get(j)).size();
        if (n > header) {
          out.add(file + ":" + (j + 1) + ": row has " + n + " cells, header " + header
              + " (an unescaped | inside a cell? write \\|)");
        }
      }
    }
    return out;
  }

  /** Cells as GitHub splits them: on every | not escaped with a backslash. */
  static List<String> cells(String line) {
    return MetricsDocTest.cells(line);
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }

  @Test
  void theCheckCatchesWhatMergesBreak() {
    assertEquals(List.of(), problems("ok.md", List.of("text", "", "| a | b |", "| --- | --- |", "| 1 | 2 |")));
    assertEquals(1, problems("x.md", List.of("Any collector can be switched off:", "| `a` | b |")).size());
    assertEquals(1, problems("x.md", List.of("", "| `a` | b |", "| `c` | d |")).size());
    assertEquals(1, problems("x.md", List.of("", "| a | b |", "| --- | --- |", "| `x|y` | z |")).size());
    assertEquals(List.of(), problems("x.md", List.of("", "| a | b |", "| --- | --- |", "| `x\\|y` | z |")));
    assertEquals(List.of(), problems("x.md", List.of("```", "| not | a table |", "```")));
    assertEquals(2, problems("x.md", List.of("<<<<<<< HEAD", "a", "=======", "b", ">>>>>>> 06868fc (x)")).size());
    assertEquals(List.of(), problems("x.md", List.of("Title", "=======", "", "```", "<<<<<<< HEAD", "```")));
  }
}
