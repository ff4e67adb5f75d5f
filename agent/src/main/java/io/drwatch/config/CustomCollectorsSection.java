package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.drwatch.collect.Collector;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.MetricType;
import io.drwatch.collect.custom.CustomCollector;
import io.drwatch.collect.custom.SqlText;
import io.drwatch.target.DatabaseFilter;
import io.drwatch.target.Flavor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads {@code drwatch.custom-collectors { <name> { sql, …, labels, metrics, ignore } }} into
 * collectors, reporting every problem with the value it is about (so the caller can give file:line)
 * and its key path. SQL is not checked against a server here; everything else is: names, the
 * mapping, clashes with built-in families and labels, gates and limits.
 */
public final class CustomCollectorsSection {

  public static final int DEFAULT_MAX_SERIES = 1000;
  public static final int MAX_MAX_SERIES = 100_000;

  static final Set<String> KEYS = Set.of("sql", "enabled", "interval", "timeout", "flavor", "role",
      "min-version", "max-version", "database", "databases", "max-series", "labels", "metrics", "ignore");
  static final Set<String> METRIC_KEYS = Set.of("type", "help", "unit", "name");
  static final Set<String> UNITS = Set.of("seconds", "bytes", "ratio");
  /** Label names every series gets, or that Prometheus sets on scrape. */
  static final Set<String> RESERVED_LABELS = Set.of("target", "job", "instance");
  static final Set<String> NON_BASE_UNITS = Set.of("ms", "msec", "millis", "milliseconds", "us",
      "microseconds", "ns", "nanoseconds", "sec", "secs", "minutes", "hours", "days", "kb", "mb", "gb",
      "kib", "mib", "gib", "kilobytes", "megabytes", "gigabytes", "percent");
  private static final Pattern COLLECTOR_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern METRIC_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

  private final Set<String> builtInCollectors;
  /** Family name (and base name) → who declares it. */
  private final Map<String, String> families;
  private final ConfigReader r;

  /**
   * @param builtInCollectors collector names already taken
   * @param takenFamilies every family already declared (built-in collectors, the agent's own)
   *     and its owner, for the messages
   */
  CustomCollectorsSection(ConfigReader r, Set<String> builtInCollectors, Map<String, String> takenFamilies) {
    this.r = r;
    this.builtInCollectors = Set.copyOf(builtInCollectors);
    this.families = new TreeMap<>();
    takenFamilies.forEach(this::claim);
  }

  /** Every family name of a registry, with its owner; base names of counters and info too. */
  public static Map<String, String> familiesOf(CollectorRegistry registry, List<MetricFamily> agent) {
    Map<String, String> out = new TreeMap<>();
    for (MetricFamily f : agent) {
      out.putIfAbsent(f.name(), "the agent itself");
    }
    for (CollectorRegistry.Entry e : registry.entries()) {
      for (MetricFamily f : e.collector().families()) {
        out.putIfAbsent(f.name(), "the built-in collector " + e.collector().name());
      }
    }
    return out;
  }

  private void claim(String name, String owner) {
    families.putIfAbsent(name, owner);
    for (String suffix : List.of("_total", "_info")) {
      if (name.endsWith(suffix)) {
        families.putIfAbsent(name.substring(0, name.length() - suffix.length()), owner);
      }
    }
  }

  /** Parses the object under {@code path}; returns the collectors that had no problem. */
  List<CollectorRegistry.Entry> read(ConfigValue root, String path) {
    List<CollectorRegistry.Entry> out = new ArrayList<>();
    if (root == null) {
      return out;
    }
    if (!(root instanceof ConfigObject all)) {
      r.problem(root, path, "must be an object keyed by collector name: custom-collectors { my_query { sql = \"…\", metrics { … } } }");
      return out;
    }
    for (String name : new TreeMap<>(all).keySet()) {
      ConfigValue v = all.get(name);
      String p = path + "." + name;
      if (!(v instanceof ConfigObject o)) {
        r.problem(v, p, "must be an object { sql, metrics, … }");
        continue;
      }
      Entry e = new Entry(name, o, p);
      CollectorRegistry.Entry built = e.build();
      if (built != null) {
        out.add(built);
      }
    }
    return out;
  }

  /** One collector's definition; records problems and yields null when there were any. */
  private final class Entry {
    private final String name;
    private final ConfigObject o;
    private final Config c;
    private final String path;
    /** The reader's problem count when this entry began: more means this entry has problems. */
    private final int problemsBefore;

    Entry(String name, ConfigObject o, String path) {
      this.name = name;
      this.o = o;
      this.c = o.toConfig();
      this.path = path;
      this.problemsBefore = r.problemCount();
    }

    private void problem(ConfigValue at, String key, String message) {
      r.problem(at == null ? o : at, key, message);
    }

    CollectorRegistry.Entry build() {
      for (String k : o.keySet()) {
        if (!KEYS.contains(k)) {
          problem(o.get(k), path + "." + k, "unknown key (allowed: " + String.join(", ", sorted(KEYS)) + ")");
        }
      }
      if (!COLLECTOR_NAME.matcher(name).matches()) {
        problem(o, path, "collector name must be lowercase letters, digits and '_', starting with a "
            + "letter (it prefixes the metric names)");
      } else if (builtInCollectors.contains(name)) {
        problem(o, path, "collector name \"" + name + "\" is taken by a built-in collector");
      }
      String sql = sql();
      boolean enabled = !o.containsKey("enabled") || bool("enabled");
      Duration interval = o.containsKey("interval") ? duration("interval") : null;
      Duration timeout = o.containsKey("timeout") ? duration("timeout") : null;
      if (interval != null && timeout != null && timeout.compareTo(interval) > 0) {
        problem(o.get("timeout"), path + ".timeout", "must not exceed the interval (" + interval + ")");
      }
      Flavor flavor = flavor();
      CustomCollector.Role role = role();
      Integer min = o.containsKey("min-version") ? version("min-version") : null;
      Integer max = o.containsKey("max-version") ? version("max-version") : null;
      if (min != null && max != null && min > max) {
        problem(o.get("max-version"), path + ".max-version", "must not be below min-version (" + min + ")");
      }
      DatabaseFilter databases = databases(flavor);
      int maxSeries = o.containsKey("max-series") ? integer("max-series", 1, MAX_MAX_SERIES) : DEFAULT_MAX_SERIES;
      List<String> labels = columns("labels");
      List<String> ignore = columns("ignore");
      int before = r.problemCount();
      for (String l : labels) {
        checkLabel(l, databases != null);
      }
      List<CustomCollector.MetricColumn> metrics = r.problemCount() > before ? List.of()
          : metrics(labels, ignore, databases != null);
      if (r.problemCount() > problemsBefore) {
        return null;
      }
      CustomCollector cc = new CustomCollector(name, sql, interval, timeout, flavor, min, max, role,
          databases, maxSeries, labels, metrics, new LinkedHashSet<>(ignore));
      return new CollectorRegistry.Entry(cc, enabled);
    }

    private String sql() {
      if (!o.containsKey("sql")) {
        problem(o, path + ".sql", "is required: the query, e.g. sql = \"SELECT queue, count(*) AS depth FROM jobs GROUP BY queue\"");
        return null;
      }
      ConfigValue v = o.get("sql");
      if (v.valueType() != ConfigValueType.STRING) {
        problem(v, path + ".sql", "must be a string (use \"\"\"…\"\"\" for several lines)");
        return null;
      }
      String sql = ((String) v.unwrapped()).strip();
      if (sql.isEmpty()) {
        problem(v, path + ".sql", "must not be empty");
        return null;
      }
      int second = SqlText.secondStatement(sql);
      if (second >= 0) {
        String rest = sql.substring(second).strip();
        problem(v, path + ".sql", "must be one statement; found another after ';': \""
            + (rest.length() > 30 ? rest.substring(0, 30) + "…" : rest) + "\"");
        return null;
      }
      while (sql.endsWith(";")) {
        sql = sql.substring(0, sql.length() - 1).strip();
      }
      return sql;
    }

    private Flavor flavor() {
      if (!o.containsKey("flavor")) {
        return Flavor.POSTGRESQL;
      }
      String f = string("flavor");
      if (f == null) {
        return null;
      }
      return switch (f.trim().toLowerCase(Locale.ROOT)) {
        case "postgresql" -> Flavor.POSTGRESQL;
        case "cockroachdb" -> Flavor.COCKROACHDB;
        case "any" -> null;
        default -> {
          problem(o.get("flavor"), path + ".flavor", "must be postgresql, cockroachdb or any, not \"" + f + "\"");
          yield Flavor.POSTGRESQL;
        }
      };
    }

    private CustomCollector.Role role() {
      if (!o.containsKey("role")) {
        return CustomCollector.Role.ANY;
      }
      String r = string("role");
      if (r != null) {
        for (CustomCollector.Role x : CustomCollector.Role.values()) {
          if (x.label().equals(r.trim().toLowerCase(Locale.ROOT))) {
            return x;
          }
        }
        problem(o.get("role"), path + ".role", "must be primary, standby or any, not \"" + r + "\"");
      }
      return CustomCollector.Role.ANY;
    }

    private Integer version(String key) {
      ConfigValue v = o.get(key);
      if (v.valueType() != ConfigValueType.NUMBER || !(v.unwrapped() instanceof Integer i)) {
        problem(v, path + "." + key, "must be a major version number such as 14");
        return null;
      }
      if (i < 1 || i > 999) {
        problem(v, path + "." + key, "must be a major version number such as 14");
        return null;
      }
      return i;
    }

    private DatabaseFilter databases(Flavor flavor) {
      boolean one = o.containsKey("database");
      boolean many = o.containsKey("databases");
      if (one && many) {
        problem(o.get("database"), path + ".database", "give either database or databases, not both");
        return null;
      }
      DatabaseFilter f = null;
      if (one) {
        String d = string("database");
        if (d != null && d.isBlank()) {
          problem(o.get("database"), path + ".database", "must not be empty");
        } else if (d != null) {
          f = DatabaseFilter.only(d);
        }
      } else if (many) {
        try {
          f = DatabaseFilter.fromConfig(o.get("databases"));
        } catch (IllegalArgumentException e) {
          problem(o.get("databases"), path + ".databases", e.getMessage());
        }
      }
      if (f != null && flavor != Flavor.POSTGRESQL) {
        problem(o.get(one ? "database" : "databases"), path + (one ? ".database" : ".databases"),
            "per-database collectors run on PostgreSQL only (flavor = postgresql)");
      }
      return f;
    }

    private List<String> columns(String key) {
      List<String> out = new ArrayList<>();
      if (!o.containsKey(key)) {
        return out;
      }
      ConfigValue v = o.get(key);
      if (!(v instanceof ConfigList list)) {
        problem(v, path + "." + key, "must be a list of column names");
        return out;
      }
      for (ConfigValue item : list) {
        if (item.valueType() != ConfigValueType.STRING || ((String) item.unwrapped()).isEmpty()) {
          problem(item, path + "." + key, "must be a list of column names");
          continue;
        }
        String col = (String) item.unwrapped();
        if (out.contains(col)) {
          problem(item, path + "." + key, "names column \"" + col + "\" twice");
        } else {
          out.add(col);
        }
      }
      return out;
    }

    private void checkLabel(String label, boolean perDatabase) {
      ConfigValue at = o.get("labels");
      String key = path + ".labels";
      if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
        problem(at, key, "column \"" + label + "\" is not a valid Prometheus label name "
            + "(letters, digits and '_', not starting with a digit or \"__\"): alias it in the SQL (AS …)");
      } else if (RESERVED_LABELS.contains(label)) {
        problem(at, key, "column \"" + label + "\" would clash with the label \"" + label + "\" "
            + (label.equals("target") ? "that drwatch puts on every series" : "that Prometheus sets on scrape")
            + ": alias it in the SQL (AS …)");
      } else if (perDatabase && label.equals(Collector.DATABASE_LABEL)) {
        problem(at, key, "column \"" + label + "\" would clash with the " + label + " label that a "
            + "per-database collector puts on every series: drop the column or alias it");
      }
    }

    private List<CustomCollector.MetricColumn> metrics(List<String> labels, List<String> ignore, boolean perDb) {
      List<CustomCollector.MetricColumn> out = new ArrayList<>();
      for (String i : ignore) {
        if (labels.contains(i)) {
          problem(o.get("ignore"), path + ".ignore", "column \"" + i + "\" is both a label and ignored");
        }
      }
      if (!o.containsKey("metrics")) {
        problem(o, path + ".metrics", "is required: at least one value column, e.g. metrics { depth = gauge }");
        return out;
      }
      ConfigValue mv = o.get("metrics");
      if (!(mv instanceof ConfigObject mo)) {
        problem(mv, path + ".metrics", "must be an object keyed by column name: metrics { depth = gauge }");
        return out;
      }
      if (mo.isEmpty()) {
        problem(mv, path + ".metrics", "must map at least one value column");
      }
      List<String> labelNames = new ArrayList<>();
      if (perDb) {
        labelNames.add(Collector.DATABASE_LABEL);
      }
      labelNames.addAll(labels);
      for (String column : mo.keySet().stream().sorted().toList()) {
        ConfigValue v = mo.get(column);
        String mp = path + ".metrics." + quoteKey(column);
        if (labels.contains(column)) {
          problem(v, mp, "column \"" + column + "\" is already a label; a column is a label or a metric, not both");
          continue;
        }
        if (ignore.contains(column)) {
          problem(v, mp, "column \"" + column + "\" is also listed under ignore");
          continue;
        }
        MetricFamily f = metric(column, v, mp, labelNames);
        if (f != null) {
          out.add(new CustomCollector.MetricColumn(column, f));
        }
      }
      return out;
    }

    private MetricFamily metric(String column, ConfigValue v, String mp, List<String> labelNames) {
      String type;
      String help = null;
      String unit = null;
      String explicit = null;
      ConfigValue nameAt = v;
      if (v.valueType() == ConfigValueType.STRING) {
        type = (String) v.unwrapped();
      } else if (v instanceof ConfigObject mo) {
        for (String k : mo.keySet()) {
          if (!METRIC_KEYS.contains(k)) {
            problem(mo.get(k), mp + "." + k, "unknown key (allowed: " + String.join(", ", sorted(METRIC_KEYS)) + ")");
          }
        }
        type = mo.containsKey("type") ? str(mo.get("type"), mp + ".type") : "gauge";
        help = mo.containsKey("help") ? str(mo.get("help"), mp + ".help") : null;
        unit = mo.containsKey("unit") ? str(mo.get("unit"), mp + ".unit") : null;
        explicit = mo.containsKey("name") ? str(mo.get("name"), mp + ".name") : null;
        if (mo.containsKey("name")) {
          nameAt = mo.get("name");
        }
      } else {
        problem(v, mp, "must be gauge, counter, or { type, help, unit, name }");
        return null;
      }
      if (type == null) {
        return null;
      }
      MetricType mt;
      switch (type.trim().toLowerCase(Locale.ROOT)) {
        case "gauge" -> mt = MetricType.GAUGE;
        case "counter" -> mt = MetricType.COUNTER;
        default -> {
          problem(v, mp + (v instanceof ConfigObject ? ".type" : ""), "type must be gauge or counter, not \"" + type + "\"");
          return null;
        }
      }
      if (unit != null && !UNITS.contains(unit)) {
        problem(v, mp + ".unit", "must be one of " + sorted(UNITS) + " (base units: convert ms, kB … in the SQL), not \"" + unit + "\"");
        return null;
      }
      String name = explicit != null ? explicit : defaultName(column, mt, unit);
      if (name == null) {
        return null;
      }
      String where = mp + (explicit != null ? ".name" : "");
      String bad = nameProblem(name, mt, unit, explicit == null);
      if (bad != null) {
        problem(nameAt, where, bad);
        return null;
      }
      String base = mt == MetricType.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
      for (String n : List.of(name, base)) {
        String owner = families.get(n);
        if (owner != null) {
          problem(nameAt, where, "metric name " + name + " is already declared by " + owner);
          return null;
        }
      }
      if (help != null && help.isBlank()) {
        problem(v, mp + ".help", "must not be empty");
        return null;
      }
      String h = help != null ? help : "Column " + column + " of custom collector " + this.name + ".";
      MetricFamily f;
      try {
        f = new MetricFamily(name, mt, h + " (custom collector " + this.name
            + "; sampled on a schedule, not per scrape)", labelNames);
      } catch (IllegalArgumentException e) {
        problem(nameAt, where, e.getMessage());
        return null;
      }
      claim(name, "custom collector " + this.name);
      return f;
    }

    private String defaultName(String column, MetricType type, String unit) {
      String n = (this.name + "_" + column).toLowerCase(Locale.ROOT);
      if (!METRIC_NAME.matcher(n).matches()) {
        problem(o.get("metrics"), path + ".metrics." + quoteKey(column), "column \"" + column
            + "\" does not make a metric name (" + this.name + "_" + column + "): give name = \"…\"");
        return null;
      }
      if (unit != null && !n.endsWith("_" + unit)) {
        n = n + "_" + unit;
      }
      if (type == MetricType.COUNTER && !n.endsWith("_total")) {
        n = n + "_total";
      }
      return n;
    }

    private Duration duration(String key) {
      return r.duration(c, key, path + "." + key);
    }

    private int integer(String key, int min, int max) {
      ConfigValue v = o.get(key);
      if (!(v.unwrapped() instanceof Integer i) || i < min || i > max) {
        problem(v, path + "." + key, "must be a whole number between " + min + " and " + max);
        return min;
      }
      return i;
    }

    private boolean bool(String key) {
      ConfigValue v = o.get(key);
      if (v.valueType() != ConfigValueType.BOOLEAN) {
        problem(v, path + "." + key, "must be true or false");
        return true;
      }
      return (Boolean) v.unwrapped();
    }

    private String string(String key) {
      return str(o.get(key), path + "." + key);
    }

    private String str(ConfigValue v, String key) {
      if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST
          || v.valueType() == ConfigValueType.NULL) {
        problem(v, key, "must be a string");
        return null;
      }
      return String.valueOf(v.unwrapped());
    }
  }

  /**
   * What is wrong with a family name under the Prometheus conventions drwatch follows, or null.
   *
   * @param derived whether drwatch built the name from collector and column
   */
  static String nameProblem(String name, MetricType type, String unit, boolean derived) {
    String how = derived ? " (derived from collector and column; give name = \"…\" to choose another)" : "";
    if (!METRIC_NAME.matcher(name).matches()) {
      return "metric name " + name + " must be lowercase snake_case: letters, digits and '_'" + how;
    }
    if (name.startsWith("drwatch_")) {
      return "metric name " + name + ": the drwatch_ prefix is the agent's own";
    }
    if (name.startsWith("__")) {
      return "metric name " + name + " must not start with __";
    }
    if (type == MetricType.COUNTER && !name.endsWith("_total")) {
      return "metric name " + name + ": a counter's name ends in _total";
    }
    if (type == MetricType.GAUGE && name.endsWith("_total")) {
      return "metric name " + name + ": only counters end in _total (type = counter?)" + how;
    }
    if (name.endsWith("_info")) {
      return "metric name " + name + ": _info is for info families, which custom collectors do not make";
    }
    String base = type == MetricType.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
    List<String> tokens = List.of(base.split("_"));
    for (String t : tokens) {
      if (NON_BASE_UNITS.contains(t)) {
        return "metric name " + name + " has the non-base unit _" + t
            + ": convert in the SQL (e.g. / 1000.0 for ms) and use unit = seconds or bytes" + how;
      }
    }
    for (int i = 0; i < tokens.size() - 1; i++) {
      if (UNITS.contains(tokens.get(i))) {
        return "metric name " + name + ": the unit _" + tokens.get(i) + " must come last"
            + (type == MetricType.COUNTER ? " (before _total)" : "") + how;
      }
    }
    if (unit != null && !base.endsWith("_" + unit)) {
      return "metric name " + name + " must end in _" + unit + (type == MetricType.COUNTER ? "_total" : "")
          + " for unit = " + unit;
    }
    return null;
  }

  private static String quoteKey(String key) {
    return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }
}
