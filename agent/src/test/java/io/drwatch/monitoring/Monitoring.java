package io.drwatch.monitoring;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.MetricFamily;
import io.drwatch.sample.CoreFamilies;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The shipped monitoring artefacts as the tests see them: alert rule files and their manifest,
 * dashboards and theirs, runbooks, and the metric families the agent declares.
 */
final class Monitoring {

  private Monitoring() {}

  /** The repository root: the nearest directory up from the working directory with alerts/manifest.yml. */
  static Path root() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("alerts/manifest.yml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no alerts/manifest.yml above " + System.getProperty("user.dir"));
  }

  static Path alerts() {
    return root().resolve("alerts");
  }

  static Path dashboards() {
    return root().resolve("dashboards");
  }

  static Path runbooks() {
    return root().resolve("docs/runbooks");
  }

  static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> loadYaml(Path file) {
    try {
      Object o = yaml().load(Files.readString(file, StandardCharsets.UTF_8));
      return (Map<String, Object>) Objects.requireNonNull(o, file + " is empty");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- rule files ------------------------------------------------------------------------

  /** One entry of alerts/manifest.yml. */
  record RuleFile(String file, String status, String work, List<String> needs, String why) {
    /** Evaluated by the live test against a real Prometheus. */
    boolean live() {
      return status.equals("live");
    }

    /** Every family declared (live or offline): shipped in the PrometheusRule, names checked strictly. */
    boolean shipped() {
      return status.equals("live") || status.equals("offline");
    }

    Path path() {
      return alerts().resolve(file);
    }
  }

  /** One alerting or recording rule. */
  record Rule(String file, String group, String alert, String record, String expr, String forDuration,
      Map<String, String> labels, Map<String, String> annotations) {
    String name() {
      return alert != null ? alert : record;
    }

    boolean isAlert() {
      return alert != null;
    }
  }

  @SuppressWarnings("unchecked")
  static List<RuleFile> ruleFiles() {
    List<RuleFile> out = new ArrayList<>();
    for (Object o : (List<Object>) loadYaml(alerts().resolve("manifest.yml")).get("rule_files")) {
      Map<String, Object> m = (Map<String, Object>) o;
      out.add(new RuleFile((String) m.get("file"), (String) m.get("status"), (String) m.get("work"),
          m.get("needs") == null ? List.of() : List.copyOf((List<String>) m.get("needs")),
          (String) m.get("why")));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  static List<String> pendingFamilies() {
    Object p = loadYaml(alerts().resolve("manifest.yml")).get("pending_families");
    return p == null ? List.of() : List.copyOf((List<String>) p);
  }

  @SuppressWarnings("unchecked")
  static List<String> prometheusSeries() {
    return List.copyOf((List<String>) loadYaml(alerts().resolve("manifest.yml")).get("prometheus_series"));
  }

  @SuppressWarnings("unchecked")
  static List<Rule> rules(RuleFile f) {
    List<Rule> out = new ArrayList<>();
    for (Object g : (List<Object>) loadYaml(f.path()).get("groups")) {
      Map<String, Object> group = (Map<String, Object>) g;
      for (Object r : (List<Object>) group.get("rules")) {
        Map<String, Object> rule = (Map<String, Object>) r;
        out.add(new Rule(f.file(), (String) group.get("name"), (String) rule.get("alert"),
            (String) rule.get("record"), ((String) rule.get("expr")).strip(), (String) rule.get("for"),
            strings((Map<String, Object>) rule.get("labels")),
            strings((Map<String, Object>) rule.get("annotations"))));
      }
    }
    return out;
  }

  static List<Rule> allRules() {
    List<Rule> out = new ArrayList<>();
    ruleFiles().forEach(f -> out.addAll(rules(f)));
    return out;
  }

  private static Map<String, String> strings(Map<String, Object> m) {
    Map<String, String> out = new LinkedHashMap<>();
    if (m != null) {
      m.forEach((k, v) -> out.put(k, String.valueOf(v)));
    }
    return out;
  }

  static List<Path> ruleTests() {
    try (Stream<Path> s = Files.list(alerts().resolve("tests"))) {
      return s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- dashboards ------------------------------------------------------------------------

  /** A PromQL query of a dashboard panel or variable. */
  record Query(String dashboard, String panel, String expr, boolean pending, String work,
      List<String> needs) {}

  static List<Path> dashboardFiles() {
    try (Stream<Path> s = Files.list(dashboards())) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonObject dashboard(Path file) {
    try {
      return new JsonObject(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every panel, rows' nested panels included. */
  static List<JsonObject> panels(JsonObject dashboard) {
    List<JsonObject> out = new ArrayList<>();
    for (Object o : dashboard.getJsonArray("panels", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      out.add(p);
      for (Object n : p.getJsonArray("panels", new JsonArray())) {
        out.add((JsonObject) n);
      }
    }
    return out;
  }

  /** Pending panels per dashboard uid, from dashboards/manifest.yml: title → (work, needs). */
  @SuppressWarnings("unchecked")
  static Map<String, Map<String, Map<String, Object>>> pendingPanels() {
    Map<String, Map<String, Map<String, Object>>> out = new LinkedHashMap<>();
    for (Object o : (List<Object>) loadYaml(dashboards().resolve("manifest.yml")).get("dashboards")) {
      Map<String, Object> d = (Map<String, Object>) o;
      Map<String, Map<String, Object>> panels = new LinkedHashMap<>();
      for (Object p : (List<Object>) d.getOrDefault("pending_panels", List.of())) {
        Map<String, Object> pm = (Map<String, Object>) p;
        panels.put((String) pm.get("title"), pm);
      }
      out.put((String) d.get("uid"), panels);
    }
    return out;
  }

  /** Every panel query and every query variable of every dashboard, with its pending status. */
  @SuppressWarnings("unchecked")
  static List<Query> dashboardQueries() {
    Map<String, Map<String, Map<String, Object>>> pending = pendingPanels();
    List<Query> out = new ArrayList<>();
    for (Path f : dashboardFiles()) {
      JsonObject d = dashboard(f);
      String uid = d.getString("uid");
      Map<String, Map<String, Object>> pend = pending.getOrDefault(uid, Map.of());
      for (Object v : d.getJsonObject("templating").getJsonArray("list")) {
        JsonObject var = (JsonObject) v;
        if ("query".equals(var.getString("type"))) {
          out.add(new Query(uid, "$" + var.getString("name"), var.getString("definition"), false, null,
              List.of()));
        }
      }
      for (JsonObject p : panels(d)) {
        String title = p.getString("title");
        Map<String, Object> pm = pend.get(title);
        for (Object t : p.getJsonArray("targets", new JsonArray())) {
          String expr = ((JsonObject) t).getString("expr");
          if (expr != null) {
            out.add(new Query(uid, title, expr, pm != null, pm == null ? null : (String) pm.get("work"),
                pm == null ? List.of() : List.copyOf((List<String>) pm.get("needs"))));
          }
        }
      }
    }
    return out;
  }

  // ---- what the agent declares -----------------------------------------------------------

  /** Every series name the agent can expose (histograms and summaries with their suffixes). */
  /**
   * The label names each declared series may carry as scraped: its family's own, {@code target}
   * (the agent adds it), {@code job} and {@code instance} (Prometheus adds them), {@code le} on a
   * histogram's buckets; null for drwatch_target_info, which also carries free-form target labels.
   */
  static Map<String, Set<String>> declaredLabels() {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (MetricFamily f : declaredFamilies()) {
      Set<String> labels = new LinkedHashSet<>(f.labelNames());
      labels.addAll(List.of("target", "job", "instance"));
      if (f.type().name().equals("HISTOGRAM")) {
        out.put(f.name() + "_bucket", with(labels, "le"));
        out.put(f.name() + "_sum", labels);
        out.put(f.name() + "_count", labels);
      } else if (f.type().name().equals("SUMMARY")) {
        out.put(f.name(), with(labels, "quantile"));
        out.put(f.name() + "_sum", labels);
        out.put(f.name() + "_count", labels);
      } else {
        out.put(f.name(), f == CoreFamilies.TARGET_INFO ? null : labels);
      }
    }
    return out;
  }

  private static Set<String> with(Set<String> labels, String extra) {
    Set<String> out = new LinkedHashSet<>(labels);
    out.add(extra);
    return out;
  }

  private static List<MetricFamily> declaredFamilies() {
    List<MetricFamily> families = new ArrayList<>(CoreFamilies.all());
    families.addAll(io.drwatch.cluster.ClusterFamilies.all());
    families.addAll(io.drwatch.endpoint.EndpointFamilies.all());
    families.addAll(io.drwatch.patroni.PatroniFamilies.all());
    CollectorRegistry.builtIn().entries().forEach(e -> families.addAll(e.collector().families()));
    return families;
  }

  static Set<String> declaredNames() {
    Set<String> out = new LinkedHashSet<>();
    for (MetricFamily f : declaredFamilies()) {
      switch (f.type().name()) {
        case "HISTOGRAM" -> {
          out.add(f.name() + "_bucket");
          out.add(f.name() + "_sum");
          out.add(f.name() + "_count");
        }
        case "SUMMARY" -> {
          out.add(f.name());
          out.add(f.name() + "_sum");
          out.add(f.name() + "_count");
        }
        default -> out.add(f.name());
      }
    }
    return out;
  }

  /**
   * Grafana template functions become the PromQL they wrap: {@code label_values(m{…}, l)} → {@code m{…}};
   * variables become match-all regexes, intervals fixed durations.
   */
  static String substitute(String expr) {
    String e = expr.strip();
    java.util.regex.Matcher lv = java.util.regex.Pattern.compile("^label_values\\((.*),\\s*([A-Za-z_]+)\\s*\\)$",
        java.util.regex.Pattern.DOTALL).matcher(e);
    if (lv.matches()) {
      e = lv.group(1);
    }
    return e.replace("$__rate_interval", "30s").replace("${__rate_interval}", "30s")
        .replace("$__interval", "5s").replace("${__interval}", "5s")
        .replace("$__range", "5m").replace("${__range}", "5m")
        .replaceAll("\\$\\{?(cluster|target)\\}?", ".*");
  }
}
