package io.drwatch.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.monitoring.Monitoring.Rule;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * dashboards/*.json and dashboards/manifest.yml are what {@link DrwatchDashboards} generates, and
 * every dashboard follows the house rules: fixed uid, a Prometheus datasource variable used by
 * every panel and query, cluster/target variables, $__rate_interval in rate(), a unit and a
 * description on every panel, thresholds equal to the numbers of the alert they name. (No Grafana
 * server is installable here, so import itself is not exercised; the JSON follows schema 39.)
 */
class DashboardsTest {

  @Test
  void committedDashboardsAreGenerated() throws IOException {
    Map<String, String> want = DrwatchDashboards.render();
    if (Boolean.getBoolean("drwatch.regenerate")) {
      DrwatchDashboards.write(Monitoring.dashboards());
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : want.entrySet()) {
      Path f = Monitoring.dashboards().resolve(e.getKey());
      if (!Files.isRegularFile(f) || !Files.readString(f, StandardCharsets.UTF_8).equals(e.getValue())) {
        problems.add(e.getKey());
      }
    }
    for (Path f : Monitoring.dashboardFiles()) {
      if (!want.containsKey(f.getFileName().toString())) {
        problems.add("not generated: " + f.getFileName());
      }
    }
    assertEquals(List.of(), problems,
        "out of date: run ./mvnw -o test -Dtest=DashboardsTest -Ddrwatch.regenerate=true");
  }

  @Test
  void dashboardsFollowTheHouseRules() {
    List<String> problems = new ArrayList<>();
    Set<String> uids = new HashSet<>();
    for (Path f : Monitoring.dashboardFiles()) {
      JsonObject d = Monitoring.dashboard(f);
      String uid = d.getString("uid", "");
      String where = f.getFileName() + ": ";
      if (!uid.matches("drwatch-[a-z0-9-]{1,32}") || !uids.add(uid)) {
        problems.add(where + "uid " + uid + " is not a fixed, unique drwatch-… uid");
      }
      if (d.getInteger("schemaVersion", 0) < 36 || d.getValue("id") != null) {
        problems.add(where + "schemaVersion below 36, or an instance-specific id");
      }
      if (d.getString("title", "").isBlank() || d.getString("description", "").isBlank()) {
        problems.add(where + "no title or description");
      }
      Map<String, JsonObject> vars = new HashMap<>();
      for (Object o : d.getJsonObject("templating").getJsonArray("list")) {
        JsonObject v = (JsonObject) o;
        vars.put(v.getString("name"), v);
      }
      JsonObject ds = vars.get("datasource");
      if (ds == null || !"datasource".equals(ds.getString("type")) || !"prometheus".equals(ds.getString("query"))) {
        problems.add(where + "no Prometheus datasource variable");
      }
      if (!vars.containsKey("cluster")) {
        problems.add(where + "no cluster variable");
      }
      boolean overview = uid.equals("drwatch-dr-overview");
      // Patroni's series are per cluster and member, never per target.
      boolean clusterOnly = overview || uid.equals("drwatch-patroni");
      if (!clusterOnly && !vars.containsKey("target")) {
        problems.add(where + "no target variable");
      }
      for (JsonObject v : vars.values()) {
        if ("query".equals(v.getString("type")) && !"${datasource}".equals(v.getJsonObject("datasource").getString("uid"))) {
          problems.add(where + "variable " + v.getString("name") + " does not use ${datasource}");
        }
      }
      for (JsonObject p : Monitoring.panels(d)) {
        String type = p.getString("type");
        String pw = where + "panel '" + p.getString("title") + "': ";
        if (type.equals("row")) {
          continue;
        }
        if (p.getString("description", "").isBlank()) {
          problems.add(pw + "no description");
        }
        if (type.equals("text")) {
          continue;
        }
        if (!"${datasource}".equals(p.getJsonObject("datasource", new JsonObject()).getString("uid"))) {
          problems.add(pw + "datasource is not ${datasource}");
        }
        JsonObject defaults = p.getJsonObject("fieldConfig").getJsonObject("defaults");
        if (defaults.getString("unit", "").isBlank()) {
          problems.add(pw + "no unit");
        }
        JsonArray targets = p.getJsonArray("targets", new JsonArray());
        if (targets.isEmpty()) {
          problems.add(pw + "no query");
        }
        for (Object t : targets) {
          JsonObject tj = (JsonObject) t;
          String expr = tj.getString("expr", "");
          if (!"${datasource}".equals(tj.getJsonObject("datasource", new JsonObject()).getString("uid"))) {
            problems.add(pw + "query datasource is not ${datasource}");
          }
          Matcher m = Pattern.compile("\\b(rate|irate|increase)\\([^\\[]*\\[([^\\]]+)\\]").matcher(expr);
          while (m.find()) {
            if (!m.group(2).equals("$__rate_interval") && !m.group(2).equals("$__range")) {
              problems.add(pw + m.group(1) + " over [" + m.group(2) + "], not $__rate_interval");
            }
          }
          if (expr.matches("(?s).*(cluster|target)=\"\\$.*")) {
            problems.add(pw + "multi-value variable matched with = instead of =~");
          }
          if (overview ? expr.contains("$target") : false) {
            problems.add(pw + "the overview has no $target variable");
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  /**
   * A panel that names alerts in its description and has thresholds uses the number of at least
   * one of them: some step equals a number N in the alert's expression, or N+1 for an integer
   * count "> N".
   */
  @Test
  void thresholdsMatchTheAlertsTheyName() {
    Map<String, Rule> alerts = new HashMap<>();
    Monitoring.allRules().stream().filter(Rule::isAlert).forEach(r -> alerts.put(r.alert(), r));
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Path f : Monitoring.dashboardFiles()) {
      for (JsonObject p : Monitoring.panels(Monitoring.dashboard(f))) {
        JsonObject fc = p.getJsonObject("fieldConfig");
        if (fc == null) {
          continue;
        }
        JsonArray steps = fc.getJsonObject("defaults").getJsonObject("thresholds").getJsonArray("steps");
        List<Double> values = new ArrayList<>();
        for (Object s : steps) {
          Object v = ((JsonObject) s).getValue("value");
          if (v != null) {
            values.add(((Number) v).doubleValue());
          }
        }
        if (values.isEmpty()) {
          continue;
        }
        List<String> named = alerts.keySet().stream()
            .filter(n -> p.getString("description", "").contains(n)).sorted().toList();
        if (named.isEmpty()) {
          continue;
        }
        checked++;
        boolean ok = named.stream().anyMatch(n -> {
          Set<Double> numbers = numbers(alerts.get(n).expr());
          return values.stream().anyMatch(v -> numbers.contains(v) || numbers.contains(v - 1));
        });
        if (!ok) {
          problems.add(f.getFileName() + " '" + p.getString("title") + "': thresholds " + values
              + " match no number of " + named);
        }
      }
    }
    assertTrue(checked >= 15, "only " + checked + " panel/alert pairs checked");
    assertEquals(List.of(), problems);
  }

  /** Numeric literals of an expression, and products "a * b" of two literals. */
  static Set<Double> numbers(String expr) {
    Set<Double> out = new HashSet<>();
    String s = PromQl.blank(expr).replaceAll("\\[[^\\]]*\\]", " ");
    Matcher prod = Pattern.compile("(?<![\\w.])(\\d+(?:\\.\\d+)?)\\s*\\*\\s*(\\d+(?:\\.\\d+)?)(?![\\w.])").matcher(s);
    while (prod.find()) {
      out.add(Double.parseDouble(prod.group(1)) * Double.parseDouble(prod.group(2)));
    }
    Matcher m = Pattern.compile("(?<![\\w.:])(\\d+(?:\\.\\d+)?)(?![\\w.])").matcher(s);
    while (m.find()) {
      out.add(Double.parseDouble(m.group(1)));
    }
    return out;
  }

  @Test
  void provisioningFilePointsGrafanaAtTheDashboards() {
    Map<String, Object> prov = Monitoring.loadYaml(Monitoring.dashboards().resolve("provisioning.yml"));
    assertEquals(1, prov.get("apiVersion"));
    List<?> providers = (List<?>) prov.get("providers");
    assertEquals(1, providers.size());
    Map<?, ?> p = (Map<?, ?>) providers.get(0);
    assertEquals("file", p.get("type"));
    assertTrue(((Map<?, ?>) p.get("options")).get("path") != null);
  }
}
