package io.drwatch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.drwatch.cluster.ClusterFamilies;
import io.drwatch.endpoint.EndpointFamilies;
import io.drwatch.patroni.PatroniFamilies;
import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.MetricType;
import io.drwatch.sample.CoreFamilies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/metrics.md} true to the declared families: {@link CoreFamilies#all()} (section
 * {@code ## agent}), {@link ClusterFamilies#all()} (section {@code ## cluster}), {@link EndpointFamilies#all()} (section {@code ## endpoints}) and every collector of {@link CollectorRegistry#builtIn()} (section
 * {@code ## <collector name>}). Each test collects every mismatch before failing, and names the
 * metric and what differs, so one run shows everything to fix.
 */
class MetricsDocTest {

  static final String AGENT_SECTION = "agent";
  static final String CLUSTER_SECTION = "cluster";
  static final String ENDPOINT_SECTION = "endpoints";
  static final String PATRONI_SECTION = "patroni";
  static final List<String> HEADER =
      List.of("metric", "type", "labels", "source", "versions", "meaning");

  private static final Pattern METRIC_CELL = Pattern.compile("`([^`]+)`");
  private static final Pattern LABEL_ITEM = Pattern.compile("`([^`]+)`");
  /** PostgreSQL majors ({@code 14+}) or CockroachDB releases ({@code 23.2+}, {@code 23.2–25.1}). */
  private static final Pattern VERSIONS = Pattern.compile("all|1[3-9]\\+|2[2-9]\\.[1-4]\\+|2[2-9]\\.[1-4]–2[2-9]\\.[1-4]");
  private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  /** Name tokens that mean a non-base unit; use _seconds / _bytes instead. */
  private static final Set<String> NON_BASE_UNITS = Set.of("ms", "msec", "millis", "milliseconds",
      "us", "microseconds", "ns", "nanoseconds", "sec", "secs", "minutes", "hours", "days", "kb",
      "mb", "gb", "kib", "mib", "gib", "kilobytes", "megabytes", "gigabytes", "percent");

  /** A declared family and the doc section it belongs in. */
  record Declared(MetricFamily family, String section) {}

  /** A documented table row. */
  record Documented(String name, String section, int line, String type, List<String> labels,
      String labelsCell, String versions) {}

  static Path docPath;
  static List<Documented> documented;
  static List<String> parseProblems;
  static List<Declared> declaredList;
  static Map<String, Declared> declared;

  @BeforeAll
  static void load() throws IOException {
    docPath = findDoc();
    parseProblems = new ArrayList<>();
    documented = parse(Files.readAllLines(docPath, StandardCharsets.UTF_8), parseProblems);
    declaredList = new ArrayList<>();
    for (MetricFamily f : CoreFamilies.all()) {
      declaredList.add(new Declared(f, AGENT_SECTION));
    }
    for (MetricFamily f : ClusterFamilies.all()) {
      declaredList.add(new Declared(f, CLUSTER_SECTION));
    }
    for (MetricFamily f : EndpointFamilies.all()) {
      declaredList.add(new Declared(f, ENDPOINT_SECTION));
    }
    for (MetricFamily f : PatroniFamilies.all()) {
      declaredList.add(new Declared(f, PATRONI_SECTION));
    }
    for (CollectorRegistry.Entry e : CollectorRegistry.builtIn().entries()) {
      Collector c = e.collector();
      for (MetricFamily f : c.families()) {
        declaredList.add(new Declared(f, c.name()));
      }
    }
    declared = new LinkedHashMap<>();
    for (Declared d : declaredList) {
      declared.putIfAbsent(d.family().name(), d);
    }
  }

  @Test
  void docParses() {
    assertFalse(documented.isEmpty(), docPath + ": no metric rows found");
    failIfAny("docs/metrics.md has malformed metric rows", parseProblems);
  }

  /** (a) */
  @Test
  void everyDeclaredFamilyIsDocumented() {
    Map<String, Documented> doc = byName();
    List<String> problems = new ArrayList<>();
    for (Declared d : declared.values()) {
      if (!doc.containsKey(d.family().name())) {
        problems.add(d.family().name() + " is declared by " + owner(d)
            + " but has no row in docs/metrics.md; add under '## " + d.section() + "': "
            + suggestedRow(d.family()));
      }
    }
    failIfAny("declared families missing from docs/metrics.md", problems);
  }

  /** (b) */
  @Test
  void everyDocumentedMetricIsDeclared() {
    List<String> problems = new ArrayList<>();
    Map<String, Integer> firstLine = new LinkedHashMap<>();
    for (Documented m : documented) {
      Integer earlier = firstLine.putIfAbsent(m.name(), m.line());
      if (earlier != null) {
        problems.add(m.name() + " (line " + m.line() + ") is documented twice (first at line "
            + earlier + ")");
      }
      if (!declared.containsKey(m.name())) {
        problems.add(m.name() + " (line " + m.line() + ", section '## " + m.section()
            + "') is documented but no collector or CoreFamilies declares it; remove the row or "
            + "fix its name");
      }
    }
    failIfAny("documented metrics that are not declared", problems);
  }

  /** (c) */
  @Test
  void typeAndLabelsMatch() {
    List<String> problems = new ArrayList<>();
    for (Documented m : documented) {
      Declared d = declared.get(m.name());
      if (d == null) {
        continue; // reported by everyDocumentedMetricIsDeclared
      }
      MetricFamily f = d.family();
      String type = typeName(f.type());
      if (!type.equals(m.type())) {
        problems.add(m.name() + " (line " + m.line() + "): type is documented as '" + m.type()
            + "' but declared as '" + type + "'");
      }
      if (!f.labelNames().equals(m.labels())) {
        problems.add(m.name() + " (line " + m.line() + "): labels are documented as "
            + m.labelsCell() + " but declared as " + labelsCell(f.labelNames())
            + " (exact order, without target)");
      }
    }
    failIfAny("type or label mismatches between docs/metrics.md and the declarations", problems);
  }

  /** (d) */
  @Test
  void eachMetricSitsInItsCollectorsSection() {
    List<String> problems = new ArrayList<>();
    for (Documented m : documented) {
      Declared d = declared.get(m.name());
      if (d != null && !d.section().equals(m.section())) {
        problems.add(m.name() + " (line " + m.line() + ") is documented under '## " + m.section()
            + "' but declared by " + owner(d) + "; move it to '## " + d.section() + "'");
      }
    }
    failIfAny("metrics documented in the wrong section", problems);
  }

  /** (e) */
  @Test
  void noFamilyIsDeclaredTwice() {
    Map<String, List<String>> owners = new LinkedHashMap<>();
    for (Declared d : declaredList) {
      owners.computeIfAbsent(d.family().name(), k -> new ArrayList<>()).add(owner(d));
    }
    List<String> problems = new ArrayList<>();
    owners.forEach((name, by) -> {
      if (by.size() > 1) {
        problems.add(name + " is declared " + by.size() + " times, by " + String.join(", ", by));
      }
    });
    failIfAny("families declared more than once", problems);
  }

  /** (f) */
  @Test
  void declaredNamesFollowPrometheusConventions() {
    List<String> problems = new ArrayList<>();
    for (Declared d : declaredList) {
      problems.addAll(namingProblems(d.family(), owner(d)));
    }
    failIfAny("declared names that break Prometheus naming conventions", problems);
  }

  /** The naming rules of (f), separate so that they can be checked on their own. */
  static List<String> namingProblems(MetricFamily f, String owner) {
    List<String> out = new ArrayList<>();
    String name = f.name();
    String where = name + " (" + owner + ")";
    if (!SNAKE.matcher(name).matches()) {
      out.add(where + ": not lowercase snake_case ([a-z][a-z0-9]*(_[a-z0-9]+)*)");
    }
    if (f.type() == MetricType.GAUGE && name.endsWith("_total")) {
      out.add(where + ": a gauge must not end in _total");
    }
    if (f.type() != MetricType.COUNTER && name.endsWith("_total")) {
      out.add(where + ": only counters end in _total");
    }
    if (f.type() == MetricType.COUNTER && !name.endsWith("_total")) {
      out.add(where + ": a counter must end in _total");
    }
    if (f.type() == MetricType.INFO && !name.endsWith("_info")) {
      out.add(where + ": an info family must end in _info");
    }
    if (f.type() != MetricType.INFO && name.endsWith("_info")) {
      out.add(where + ": only info families end in _info");
    }
    List<String> tokens = Arrays.asList(name.toLowerCase(Locale.ROOT).split("_"));
    for (String t : tokens) {
      if (NON_BASE_UNITS.contains(t)) {
        out.add(where + ": contains non-base unit '_" + t + "'; convert to _seconds or _bytes");
      }
    }
    // Base units only as the final word of the base name (before _total).
    List<String> base = new ArrayList<>(tokens);
    if (f.type() == MetricType.COUNTER && !base.isEmpty()) {
      base.remove(base.size() - 1);
    }
    for (int i = 0; i < base.size() - 1; i++) {
      String t = base.get(i);
      if (t.equals("seconds") || t.equals("bytes")) {
        out.add(where + ": unit '_" + t + "' must be the name's suffix (before _total for counters)");
      }
    }
    for (String label : f.labelNames()) {
      if (!SNAKE.matcher(label).matches()) {
        out.add(where + ": label '" + label + "' is not lowercase snake_case");
      }
      if (label.equals("job") || label.equals("instance") || label.equals("target")) {
        out.add(where + ": label '" + label + "' clashes with a target label");
      }
      if (label.equals("datname")) {
        out.add(where + ": a database is labelled '" + Collector.DATABASE_LABEL + "' on every family "
            + "(Collector.DATABASE_LABEL), not 'datname'");
      }
    }
    return out;
  }

  @Test
  void namingRulesRejectBadNames() {
    assertEquals(1, namingProblems(MetricFamily.gauge("pg_x_delay_ms", "h"), "t").size());
    assertEquals(1, namingProblems(MetricFamily.gauge("pg_x_size_kb", "h"), "t").size());
    assertEquals(1, namingProblems(MetricFamily.gauge("pg_x_size_mb", "h"), "t").size());
    assertEquals(1, namingProblems(MetricFamily.gauge("pg_x_milliseconds", "h"), "t").size());
    assertEquals(1, namingProblems(MetricFamily.gauge("pg_x_seconds_behind", "h"), "t").size());
    assertEquals(1, namingProblems(MetricFamily.gauge("pg_Lag_bytes", "h"), "t").size());
    assertEquals(1, namingProblems(MetricFamily.gauge("pg_x_bytes", "h", "datname"), "t").size());
    assertEquals(0, namingProblems(MetricFamily.gauge("pg_last_msg_timestamp_seconds", "h"), "t").size());
    assertEquals(0, namingProblems(MetricFamily.counter("pg_wal_bytes_total", "h"), "t").size());
    assertEquals(List.of(), parseRow("| `a_b` | gauge | — | s | all | m |", "x", 1, new ArrayList<>())
        .labels());
    assertEquals(List.of("a", "b"),
        parseRow("| `a_b` | gauge | `a`, `b` | s | 14+ | m |", "x", 1, new ArrayList<>()).labels());
    for (String ok : List.of("23.2+", "24.1+", "23.2–24.3")) {
      List<String> none = new ArrayList<>();
      parseRow("| `a_b` | gauge | — | s | " + ok + " | m |", "x", 1, none);
      assertEquals(List.of(), none, ok);
    }
    for (String bad : List.of("v23.2", "23.2", "12+", "2.1+")) {
      List<String> some = new ArrayList<>();
      parseRow("| `a_b` | gauge | — | s | " + bad + " | m |", "x", 1, some);
      assertEquals(1, some.size(), bad);
    }
  }

  // --- doc parsing -------------------------------------------------------------------------

  /** Walks up from the working directory (Maven: agent/) to the directory holding docs/metrics.md. */
  static Path findDoc() {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path p = dir.resolve("docs").resolve("metrics.md");
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new AssertionError("docs/metrics.md not found in " + start + " or any parent directory");
  }

  static List<Documented> parse(List<String> lines, List<String> problems) {
    List<Documented> out = new ArrayList<>();
    String section = null;
    List<String> header = null;
    for (int i = 0; i < lines.size(); i++) {
      int lineNo = i + 1;
      String line = lines.get(i).strip();
      if (line.startsWith("## ")) {
        section = line.substring(3).strip();
        header = null;
        continue;
      }
      if (!line.startsWith("|")) {
        header = null;
        continue;
      }
      List<String> cells = cells(line);
      if (header == null) {
        header = cells; // first row of a table
        continue;
      }
      if (cells.isEmpty() || !METRIC_CELL.matcher(cells.get(0)).matches()) {
        continue; // separator row or a table that does not list metrics
      }
      if (!header.equals(HEADER)) {
        problems.add("line " + lineNo + ": metric table header is " + header + ", expected "
            + HEADER);
        header = HEADER; // report once per table
      }
      if (section == null) {
        problems.add("line " + lineNo + ": metric row before any '## <collector>' heading");
        section = "";
      }
      Documented d = parseRow(line, section, lineNo, problems);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  static Documented parseRow(String line, String section, int lineNo, List<String> problems) {
    List<String> cells = cells(line);
    Matcher m = METRIC_CELL.matcher(cells.get(0));
    if (!m.matches()) {
      return null;
    }
    String name = m.group(1);
    if (cells.size() != HEADER.size()) {
      problems.add(name + " (line " + lineNo + "): row has " + cells.size() + " cells, expected "
          + HEADER.size() + " " + HEADER);
      return null;
    }
    String type = cells.get(1);
    if (!Set.of("gauge", "counter", "info", "histogram").contains(type)) {
      problems.add(name + " (line " + lineNo + "): type '" + type
          + "' is not one of gauge, counter, info, histogram");
    }
    String labelsCell = cells.get(2);
    List<String> labels = new ArrayList<>();
    if (!labelsCell.equals("—")) {
      for (String item : labelsCell.split(", ", -1)) {
        Matcher lm = LABEL_ITEM.matcher(item);
        if (lm.matches()) {
          labels.add(lm.group(1));
        } else {
          problems.add(name + " (line " + lineNo + "): labels cell '" + labelsCell
              + "' must be backticked names separated by \", \", or — when none");
          break;
        }
      }
    }
    if (labels.contains("target")) {
      problems.add(name + " (line " + lineNo + "): do not list `target` (every series carries it)");
    }
    String versions = cells.get(4);
    if (!VERSIONS.matcher(versions).matches()) {
      problems.add(name + " (line " + lineNo + "): versions '" + versions
          + "' must be 'all', like '14+' (PostgreSQL) or like '23.2+' (CockroachDB)");
    }
    if (cells.get(5).isEmpty()) {
      problems.add(name + " (line " + lineNo + "): empty meaning");
    }
    return new Documented(name, section, lineNo, type, List.copyOf(labels), labelsCell, versions);
  }

  /** Splits a Markdown table row on unescaped pipes and trims the cells. */
  static List<String> cells(String line) {
    String s = line.strip();
    if (s.startsWith("|")) {
      s = s.substring(1);
    }
    if (s.endsWith("|") && !s.endsWith("\\|")) {
      s = s.substring(0, s.length() - 1);
    }
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '|') {
        cell.append('|');
        i++;
      } else if (c == '|') {
        out.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    out.add(cell.toString().strip());
    return out;
  }

  // --- helpers -----------------------------------------------------------------------------

  private static Map<String, Documented> byName() {
    Map<String, Documented> out = new LinkedHashMap<>();
    for (Documented d : documented) {
      out.putIfAbsent(d.name(), d);
    }
    return out;
  }

  private static String owner(Declared d) {
    if (d.section().equals(CLUSTER_SECTION)) {
      return "ClusterFamilies";
    }
    if (d.section().equals(ENDPOINT_SECTION)) {
      return "EndpointFamilies";
    }
    if (d.section().equals(PATRONI_SECTION)) {
      return "PatroniFamilies";
    }
    return d.section().equals(AGENT_SECTION) ? "CoreFamilies" : "collector '" + d.section() + "'";
  }

  static String typeName(MetricType t) {
    return t.name().toLowerCase(Locale.ROOT);
  }

  static String labelsCell(List<String> labels) {
    if (labels.isEmpty()) {
      return "—";
    }
    List<String> quoted = new ArrayList<>();
    for (String l : labels) {
      quoted.add("`" + l + "`");
    }
    return String.join(", ", quoted);
  }

  private static String suggestedRow(MetricFamily f) {
    return "| `" + f.name() + "` | " + typeName(f.type()) + " | " + labelsCell(f.labelNames())
        + " | … | … | " + f.help() + " |";
  }

  private static void failIfAny(String title, List<String> problems) {
    if (!problems.isEmpty()) {
      fail(title + " (" + docPath + "):\n  - " + String.join("\n  - ", problems));
    }
  }
}
