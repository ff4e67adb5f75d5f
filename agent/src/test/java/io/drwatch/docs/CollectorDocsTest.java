package io.drwatch.docs;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.ConfigFactory;
import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A collector's README row and its docs/metrics.md section follow its declarations: the README's
 * collector tables list every registered collector exactly once (in the docs' own order, by
 * source), with its default interval and whether it is off by default; docs/metrics.md has one
 * {@code ## <name>} section per collector ({@link MetricsDocTest} checks each section's rows), and
 * its "Version differences" names the query-performance collectors the declarations name.
 */
class CollectorDocsTest {

  private static final Pattern KEY_CELL = Pattern.compile("`([a-z_]+)`( \\(off by default\\))?");

  record Row(String key, boolean offByDefault, Duration interval, int line) {}

  @Test
  void readmeRowsFollowTheDeclarations() throws IOException {
    List<String> lines = Files.readAllLines(ConfigurationDocTest.root().resolve("README.md"), StandardCharsets.UTF_8);
    List<Row> rows = readmeRows(lines);
    Map<String, CollectorRegistry.Entry> entries = new LinkedHashMap<>();
    CollectorRegistry.builtIn().entries().forEach(e -> entries.put(e.collector().name(), e));
    Duration floor = ConfigFactory.defaultReference().getDuration("drwatch.defaults.interval");
    List<String> problems = new ArrayList<>(onceEach("README.md '## Collectors' tables", entries.keySet(),
        rows.stream().map(Row::key).toList()));
    for (Row row : rows) {
      CollectorRegistry.Entry entry = entries.get(row.key());
      if (entry == null) {
        continue;
      }
      Collector c = entry.collector();
      Duration declared = c.defaultInterval() != null && c.defaultInterval().compareTo(floor) > 0
          ? c.defaultInterval() : floor;
      if (!declared.equals(row.interval())) {
        problems.add("README.md:" + row.line() + ": `" + row.key() + "` default interval "
            + row.interval() + ", declared " + declared);
      }
      if (row.offByDefault() == entry.enabledByDefault()) {
        problems.add("README.md:" + row.line() + ": `" + row.key() + "` is "
            + (entry.enabledByDefault() ? "on" : "off") + " by default; the row says otherwise");
      }
    }
    if (!problems.isEmpty()) {
      fail("README collector rows that disagree with the collectors:\n  - " + String.join("\n  - ", problems));
    }
  }

  @Test
  void metricsDocHasOneSectionPerCollector() throws IOException {
    List<String> registered = CollectorRegistry.builtIn().entries().stream().map(e -> e.collector().name()).toList();
    List<String> sections = new ArrayList<>();
    for (String line : Files.readAllLines(MetricsDocTest.findDoc(), StandardCharsets.UTF_8)) {
      if (line.startsWith("## ") && registered.contains(line.substring(3).strip())) {
        sections.add(line.substring(3).strip());
      }
    }
    List<String> problems = onceEach("docs/metrics.md '## <collector>' sections", registered, sections);
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
  }

  /** Each registered name appears exactly once among {@code found}; and nothing unregistered does. */
  static List<String> onceEach(String where, Collection<String> registered, List<String> found) {
    List<String> problems = new ArrayList<>();
    for (String name : registered) {
      long n = found.stream().filter(name::equals).count();
      if (n != 1) {
        problems.add(where + ": collector `" + name + "` appears " + n + " times, expected once");
      }
    }
    found.stream().filter(f -> !registered.contains(f)).distinct()
        .forEach(f -> problems.add(where + ": `" + f + "` is not a registered collector"));
    return problems;
  }

  @Test
  void versionDifferencesNameTheQueryPerformanceCollectors() throws IOException {
    String doc = Files.readString(MetricsDocTest.findDoc(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("For the query-performance collectors \\(([^)]*)\\):").matcher(doc);
    assertTrue(m.find(), "docs/metrics.md: no 'For the query-performance collectors (…):' under '## Version differences'");
    List<String> listed = Pattern.compile("`([a-z_]+)`").matcher(m.group(1)).results().map(r -> r.group(1)).toList();
    List<String> declared = CollectorRegistry.builtIn().entries().stream().map(CollectorRegistry.Entry::collector)
        .filter(Collector::queryPerformance).map(Collector::name).toList();
    List<String> problems = onceEach("docs/metrics.md 'For the query-performance collectors (…)' "
        + "(the collectors whose queryPerformance() is true)", declared, listed);
    if (!problems.isEmpty()) {
      fail(String.join("\n", problems));
    }
  }

  /** The rows of the tables under '## Collectors' whose header is collector | … | default interval | …. */
  static List<Row> readmeRows(List<String> lines) {
    List<Row> out = new ArrayList<>();
    boolean inSection = false;
    int intervalColumn = -1;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.startsWith("## ")) {
        inSection = line.equals("## Collectors");
        continue;
      }
      if (!inSection || !line.startsWith("|")) {
        intervalColumn = line.startsWith("|") ? intervalColumn : -1;
        continue;
      }
      List<String> cells = MetricsDocTest.cells(line);
      if (intervalColumn < 0) {
        intervalColumn = cells.get(0).equals("collector") ? cells.indexOf("default interval") : -1;
        continue;
      }
      Matcher m = KEY_CELL.matcher(cells.get(0));
      if (m.matches()) {
        Duration interval = ConfigFactory.parseString("d = " + cells.get(intervalColumn)).getDuration("d");
        out.add(new Row(m.group(1), m.group(2) != null, interval, i + 1));
      }
    }
    return out;
  }
}
