package io.drwatch.monitoring;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A small builder for Grafana dashboard JSON (schema 39, Grafana 10/11): every dashboard gets the
 * same datasource, cluster and target variables, every panel a datasource, description and unit;
 * panels are laid out left to right in rows of 24 columns.
 */
final class DashboardBuilder {

  static final JsonObject DS = new JsonObject().put("type", "prometheus").put("uid", "${datasource}");

  private final String uid;
  private final String title;
  private final String description;
  private final List<Panel> panels = new ArrayList<>();
  private boolean targetVariable = true;
  private boolean skeleton;
  private String skeletonWork;
  private int nextId = 1;

  DashboardBuilder(String uid, String title, String description) {
    this.uid = uid;
    this.title = title;
    this.description = description;
  }

  String uid() {
    return uid;
  }

  String title() {
    return title;
  }

  List<Panel> panels() {
    return panels;
  }

  boolean skeleton() {
    return skeleton;
  }

  String skeletonWork() {
    return skeletonWork;
  }

  /** A dashboard filtered by cluster only (the overview repeats a row per cluster). */
  DashboardBuilder clusterOnly() {
    targetVariable = false;
    return this;
  }

  /** Marks the whole dashboard as a skeleton waiting for the families of {@code work}. */
  DashboardBuilder skeleton(String work) {
    skeleton = true;
    skeletonWork = work;
    return this;
  }

  Panel row(String title) {
    return add(new Panel("row", title, null));
  }

  Panel timeseries(String title, String description) {
    return add(new Panel("timeseries", title, description));
  }

  Panel stat(String title, String description) {
    return add(new Panel("stat", title, description));
  }

  Panel table(String title, String description) {
    return add(new Panel("table", title, description));
  }

  Panel text(String title, String description, String markdown) {
    Panel p = add(new Panel("text", title, description));
    p.markdown = markdown;
    return p;
  }

  private Panel add(Panel p) {
    p.id = nextId++;
    panels.add(p);
    return p;
  }

  /** One panel. Sizes in grid units (24 columns wide). */
  static final class Panel {
    final String type;
    final String title;
    String description;
    int id;
    int w = 12;
    int h = 8;
    String unit;
    String markdown;
    String repeat;
    Double min;
    Double max;
    String pendingWork;
    final List<String[]> queries = new ArrayList<>();
    final JsonArray steps = new JsonArray();
    final JsonObject valueMappings = new JsonObject();
    final Set<String> hiddenColumns = new LinkedHashSet<>(List.of("Time", "__name__", "job", "instance"));
    final java.util.Map<String, String> renamedColumns = new java.util.LinkedHashMap<>();

    Panel(String type, String title, String description) {
      this.type = type;
      this.title = title;
      this.description = description;
    }

    /** A query with its legend (timeseries, stat) or none (table). */
    Panel q(String expr, String legend) {
      queries.add(new String[] {expr, legend});
      return this;
    }

    Panel q(String expr) {
      return q(expr, null);
    }

    Panel unit(String unit) {
      this.unit = unit;
      return this;
    }

    Panel size(int w, int h) {
      this.w = w;
      this.h = h;
      return this;
    }

    Panel min(double min) {
      this.min = min;
      return this;
    }

    Panel max(double max) {
      this.max = max;
      return this;
    }

    Panel repeat(String variable) {
      this.repeat = variable;
      return this;
    }

    /**
     * Threshold steps: a base colour, then (value, colour) pairs, e.g.
     * {@code thresholds("green", 268435456, "orange")} — the same numbers as the alert rules.
     */
    Panel thresholds(String base, Object... valueColour) {
      steps.add(new JsonObject().put("color", base).putNull("value"));
      for (int i = 0; i + 1 < valueColour.length; i += 2) {
        steps.add(new JsonObject().put("color", valueColour[i + 1])
            .put("value", ((Number) valueColour[i]).doubleValue()));
      }
      return this;
    }

    /** Shows a value as text in a colour, e.g. {@code map(0, "no", "green")}. */
    Panel map(int value, String text, String colour) {
      valueMappings.put(Integer.toString(value), new JsonObject().put("text", text).put("color", colour)
          .put("index", valueMappings.size()));
      return this;
    }

    Panel hide(String... columns) {
      hiddenColumns.addAll(List.of(columns));
      return this;
    }

    /** A table column shown under another title ("Value #B" as "Writable"). */
    Panel rename(String column, String title) {
      renamedColumns.put(column, title);
      return this;
    }

    /** The panel reads families that {@code work} is adding; the manifest lists it as pending. */
    Panel pending(String work) {
      this.pendingWork = work;
      return this;
    }

    List<String> exprs() {
      return queries.stream().map(q -> q[0]).toList();
    }
  }

  // ---- JSON ------------------------------------------------------------------------------

  JsonObject toJson(java.util.function.Function<Panel, String> pendingNote) {
    JsonArray list = new JsonArray();
    list.add(new JsonObject().put("type", "datasource").put("name", "datasource").put("label", "Data source")
        .put("query", "prometheus").put("regex", "").put("hide", 0).put("current", new JsonObject()));
    list.add(queryVariable("cluster", "Cluster", "label_values(drwatch_target_up, cluster)", true));
    if (targetVariable) {
      list.add(queryVariable("target", "Target",
          "label_values(drwatch_target_up{cluster=~\"$cluster\"}, target)", false));
    }
    JsonArray out = new JsonArray();
    int x = 0;
    int y = 0;
    int rowHeight = 0;
    for (Panel p : panels) {
      if (p.type.equals("row")) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
        JsonObject row = new JsonObject().put("type", "row").put("id", p.id).put("title", p.title)
            .put("collapsed", false).put("gridPos", grid(0, y, 24, 1)).put("panels", new JsonArray());
        if (p.repeat != null) {
          row.put("repeat", p.repeat);
        }
        out.add(row);
        y += 1;
        continue;
      }
      if (x + p.w > 24) {
        y += rowHeight;
        x = 0;
        rowHeight = 0;
      }
      out.add(panel(p, grid(x, y, p.w, p.h), pendingNote.apply(p)));
      x += p.w;
      rowHeight = Math.max(rowHeight, p.h);
    }
    return new JsonObject()
        .put("uid", uid)
        .put("title", title)
        .put("description", description)
        .put("tags", new JsonArray().add("drwatch"))
        .put("editable", true)
        .put("graphTooltip", 1)
        .put("refresh", "30s")
        .put("schemaVersion", 39)
        .put("version", 1)
        .put("time", new JsonObject().put("from", "now-3h").put("to", "now"))
        .put("timepicker", new JsonObject())
        .put("timezone", "browser")
        .put("annotations", new JsonObject().put("list", new JsonArray().add(new JsonObject()
            .put("builtIn", 1).put("datasource", new JsonObject().put("type", "grafana").put("uid", "-- Grafana --"))
            .put("enable", true).put("hide", true).put("iconColor", "rgba(0, 211, 255, 1)")
            .put("name", "Annotations & Alerts").put("type", "dashboard"))))
        .put("links", new JsonArray().add(new JsonObject().put("title", "drwatch").put("type", "dashboards")
            .put("tags", new JsonArray().add("drwatch")).put("asDropdown", true).put("includeVars", true)
            .put("keepTime", true)))
        .put("templating", new JsonObject().put("list", list))
        .put("panels", out);
  }

  private static JsonObject queryVariable(String name, String label, String definition, boolean allIsRegex) {
    JsonObject v = new JsonObject().put("type", "query").put("name", name).put("label", label)
        .put("datasource", DS.copy())
        .put("definition", definition)
        .put("query", new JsonObject().put("query", definition).put("refId", "PrometheusVariableQueryEditor-VariableQuery"))
        .put("refresh", 2).put("sort", 1).put("multi", true).put("includeAll", true).put("hide", 0)
        .put("regex", "").put("current", new JsonObject()).put("options", new JsonArray());
    if (allIsRegex) {
      // "All" clusters: any value. (Targets keep Grafana's default, the list of the selected clusters'.)
      v.put("allValue", ".*");
    }
    return v;
  }

  private static JsonObject grid(int x, int y, int w, int h) {
    return new JsonObject().put("h", h).put("w", w).put("x", x).put("y", y);
  }

  private JsonObject panel(Panel p, JsonObject grid, String note) {
    String desc = p.description == null ? "" : p.description;
    if (note != null) {
      desc = desc + "\n\n" + note;
    }
    JsonObject j = new JsonObject().put("type", p.type).put("id", p.id).put("title", p.title)
        .put("description", desc).put("gridPos", grid);
    if (p.type.equals("text")) {
      return j.put("options", new JsonObject().put("mode", "markdown").put("content", p.markdown));
    }
    j.put("datasource", DS.copy());
    JsonArray targets = new JsonArray();
    char ref = 'A';
    for (String[] q : p.queries) {
      JsonObject t = new JsonObject().put("datasource", DS.copy()).put("refId", String.valueOf(ref++))
          .put("expr", q[0]).put("editorMode", "code");
      switch (p.type) {
        case "table" -> t.put("format", "table").put("instant", true).put("range", false).put("legendFormat", "__auto");
        case "stat" -> t.put("instant", true).put("range", false).put("legendFormat", q[1] == null ? "__auto" : q[1]);
        default -> t.put("range", true).put("instant", false).put("legendFormat", q[1] == null ? "__auto" : q[1]);
      }
      targets.add(t);
    }
    j.put("targets", targets);
    JsonObject defaults = new JsonObject().put("unit", p.unit);
    if (p.min != null) {
      defaults.put("min", p.min);
    }
    if (p.max != null) {
      defaults.put("max", p.max);
    }
    JsonArray steps = p.steps.isEmpty()
        ? new JsonArray().add(new JsonObject().put("color", "green").putNull("value")) : p.steps.copy();
    defaults.put("thresholds", new JsonObject().put("mode", "absolute").put("steps", steps));
    if (!p.valueMappings.isEmpty()) {
      defaults.put("mappings", new JsonArray().add(new JsonObject().put("type", "value").put("options", p.valueMappings.copy())));
    } else {
      defaults.put("mappings", new JsonArray());
    }
    switch (p.type) {
      case "timeseries" -> {
        defaults.put("color", new JsonObject().put("mode", "palette-classic"));
        defaults.put("custom", new JsonObject().put("drawStyle", "line").put("lineWidth", 1)
            .put("fillOpacity", 10).put("showPoints", "never").put("spanNulls", false)
            .put("thresholdsStyle", new JsonObject().put("mode", p.steps.isEmpty() ? "off" : "dashed")));
        j.put("options", new JsonObject()
            .put("legend", new JsonObject().put("displayMode", "table").put("placement", "bottom")
                .put("showLegend", true).put("calcs", new JsonArray().add("lastNotNull").add("max")))
            .put("tooltip", new JsonObject().put("mode", "multi").put("sort", "desc")));
      }
      case "stat" -> {
        defaults.put("color", new JsonObject().put("mode", "thresholds"));
        j.put("options", new JsonObject()
            .put("reduceOptions", new JsonObject().put("calcs", new JsonArray().add("lastNotNull"))
                .put("fields", "").put("values", false))
            .put("colorMode", "background").put("graphMode", "none").put("justifyMode", "auto")
            .put("orientation", "auto").put("textMode", "auto").put("wideLayout", true));
      }
      case "table" -> {
        defaults.put("color", new JsonObject().put("mode", "thresholds"));
        defaults.put("custom", new JsonObject().put("align", "auto").put("cellOptions",
            new JsonObject().put("type", "color-text")));
        JsonObject exclude = new JsonObject();
        p.hiddenColumns.forEach(c -> exclude.put(c, true));
        JsonObject rename = new JsonObject();
        p.renamedColumns.forEach(rename::put);
        j.put("transformations", new JsonArray()
            .add(new JsonObject().put("id", "merge").put("options", new JsonObject()))
            .add(new JsonObject().put("id", "organize").put("options",
                new JsonObject().put("excludeByName", exclude).put("renameByName", rename))));
        j.put("options", new JsonObject().put("showHeader", true).put("cellHeight", "sm"));
      }
      default -> throw new IllegalStateException(p.type);
    }
    j.put("fieldConfig", new JsonObject().put("defaults", defaults).put("overrides", new JsonArray()));
    return j;
  }
}
