package io.drwatch.collect.custom;

import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.target.DatabaseFilter;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A collector defined in the config: one SQL statement, gated on flavor, major version and role,
 * optionally run in each database of the target's set, with its columns mapped by name to labels,
 * gauges and counters. Columns the mapping does not name are ignored (and reported once), so a
 * query that grows a column keeps working; a mapped column that is missing fails the run, naming
 * the collector and the column.
 */
public final class CustomCollector implements Collector {

  /** Which servers, by recovery state. */
  public enum Role {
    ANY, PRIMARY, STANDBY;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One mapped value column and the family it feeds. */
  public record MetricColumn(String column, MetricFamily family) {}

  private final String name;
  private final String sql;
  private final Duration interval;
  private final Duration timeout;
  private final Flavor flavor;
  private final Integer minVersion;
  private final Integer maxVersion;
  private final Role role;
  private final DatabaseFilter databases;
  private final int maxSeries;
  private final List<String> labelColumns;
  private final List<MetricColumn> metricColumns;
  private final Set<String> ignoredColumns;
  private final List<MetricFamily> families;

  /**
   * @param flavor null for any flavor
   * @param databases null for a collector that runs once per target, in the target's database
   */
  public CustomCollector(String name, String sql, Duration interval, Duration timeout, Flavor flavor,
      Integer minVersion, Integer maxVersion, Role role, DatabaseFilter databases, int maxSeries,
      List<String> labelColumns, List<MetricColumn> metricColumns, Set<String> ignoredColumns) {
    this.name = Objects.requireNonNull(name);
    this.sql = Objects.requireNonNull(sql);
    this.interval = interval;
    this.timeout = timeout;
    this.flavor = flavor;
    this.minVersion = minVersion;
    this.maxVersion = maxVersion;
    this.role = Objects.requireNonNull(role);
    this.databases = databases;
    this.maxSeries = maxSeries;
    this.labelColumns = List.copyOf(labelColumns);
    this.metricColumns = List.copyOf(metricColumns);
    this.ignoredColumns = Set.copyOf(ignoredColumns);
    List<String> expected = new ArrayList<>();
    if (databases != null) {
      expected.add(DATABASE_LABEL);
    }
    expected.addAll(labelColumns);
    List<MetricFamily> fams = new ArrayList<>();
    for (MetricColumn m : metricColumns) {
      if (!m.family().labelNames().equals(expected)) {
        throw new IllegalArgumentException(m.family().name() + " must take labels " + expected);
      }
      fams.add(m.family());
    }
    this.families = List.copyOf(fams);
  }

  /** The same definition (a reload compares the custom collectors of two configs). */
  @Override
  public boolean equals(Object o) {
    return o instanceof CustomCollector c && name.equals(c.name) && sql.equals(c.sql)
        && Objects.equals(interval, c.interval) && Objects.equals(timeout, c.timeout) && flavor == c.flavor
        && Objects.equals(minVersion, c.minVersion) && Objects.equals(maxVersion, c.maxVersion)
        && role == c.role && Objects.equals(databases, c.databases) && maxSeries == c.maxSeries
        && labelColumns.equals(c.labelColumns) && metricColumns.equals(c.metricColumns)
        && ignoredColumns.equals(c.ignoredColumns);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, sql);
  }

  @Override
  public String name() {
    return name;
  }

  public String sql() {
    return sql;
  }

  @Override
  public Duration defaultInterval() {
    return interval;
  }

  @Override
  public Duration defaultTimeout() {
    return timeout;
  }

  @Override
  public boolean appliesTo(ServerInfo server) {
    if (flavor != null && server.flavor() != flavor) {
      return false;
    }
    int major = server.majorVersion();
    if ((minVersion != null && major < minVersion) || (maxVersion != null && major > maxVersion)) {
      return false;
    }
    return switch (role) {
      case ANY -> true;
      case PRIMARY -> !server.inRecovery();
      case STANDBY -> server.inRecovery();
    };
  }

  @Override
  public boolean perDatabase() {
    return databases != null;
  }

  @Override
  public boolean appliesToDatabase(String datname) {
    return databases == null || databases.matches(datname);
  }

  @Override
  public int maxSeries() {
    return maxSeries;
  }

  @Override
  public List<MetricFamily> families() {
    return families;
  }

  /** What the collector reads and where it runs, for {@code drwatch once} and the log. */
  public String describe() {
    StringBuilder b = new StringBuilder("custom collector ").append(name).append(": runs on ")
        .append(flavor == null ? "any flavor" : flavor.label());
    if (minVersion != null || maxVersion != null) {
      b.append(' ').append(minVersion == null ? "" : minVersion).append("..")
          .append(maxVersion == null ? "" : maxVersion);
    }
    b.append(", role ").append(role.label());
    b.append(databases == null ? ", in the target's database" : ", per database (" + databases + ")");
    b.append(", at most ").append(maxSeries).append(" series");
    return b.toString();
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    Db.Table table = db.table(sql);
    String datname = databases == null ? null : db.database();
    List<String> unmapped = new ArrayList<>();
    List<Sample> out = map(table, datname, unmapped);
    if (!unmapped.isEmpty()) {
      db.warn("column(s) " + String.join(", ", unmapped) + " not mapped, ignored "
          + "(name them under labels, metrics or ignore to say what they are)");
    }
    return out;
  }

  /**
   * Rows to samples, in row order and, within a row, in mapping order. {@code unmapped} receives
   * the result's columns that the mapping does not name.
   */
  List<Sample> map(Db.Table table, String datname, List<String> unmapped) {
    Map<String, Integer> seen = new HashMap<>();
    for (String c : table.columns()) {
      seen.merge(c, 1, Integer::sum);
    }
    for (String c : mapped()) {
      Integer n = seen.get(c);
      if (n == null) {
        throw new IllegalStateException("custom collector " + name + ": the query returned no column \""
            + c + "\" (mapped under " + (labelColumns.contains(c) ? "labels" : "metrics") + ")"
            + hint(c, table.columns()) + "; it returned " + table.columns());
      }
      if (n > 1) {
        throw new IllegalStateException("custom collector " + name + ": the query returned column \""
            + c + "\" " + n + " times; give each column its own name (AS …)");
      }
    }
    Set<String> known = new LinkedHashSet<>(mapped());
    known.addAll(ignoredColumns);
    for (String c : table.columns()) {
      if (!known.contains(c) && !unmapped.contains(c)) {
        unmapped.add(c);
      }
    }
    Samples samples = new Samples();
    int offset = datname == null ? 0 : 1;
    for (Row row : table.rows()) {
      String[] labels = new String[offset + labelColumns.size()];
      if (datname != null) {
        labels[0] = datname;
      }
      for (int i = 0; i < labelColumns.size(); i++) {
        labels[offset + i] = labelValue(row.get(labelColumns.get(i)));
      }
      for (MetricColumn m : metricColumns) {
        Double v;
        try {
          v = Row.number(row.get(m.column()));
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException("custom collector " + name + ": column \"" + m.column()
              + "\" is mapped as a metric but " + e.getMessage());
        }
        try {
          samples.add(m.family(), v, labels);
        } catch (IllegalStateException e) {
          throw new IllegalStateException("custom collector " + name + ": two rows have the same labels "
              + labelText(labels) + "; make the label columns unique per row (GROUP BY them, or add a label)");
        }
      }
    }
    return samples.toList();
  }

  private List<String> mapped() {
    List<String> all = new ArrayList<>(labelColumns);
    metricColumns.forEach(m -> all.add(m.column()));
    return all;
  }

  private String labelText(String[] values) {
    List<String> names = new ArrayList<>();
    if (databases != null) {
      names.add(DATABASE_LABEL);
    }
    names.addAll(labelColumns);
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < values.length; i++) {
      b.append(i == 0 ? "" : ", ").append(names.get(i)).append("=\"").append(values[i] == null ? "" : values[i])
          .append('"');
    }
    return b.append('}').toString();
  }

  private static String hint(String column, List<String> columns) {
    for (String c : columns) {
      if (c.equalsIgnoreCase(column)) {
        return " (there is \"" + c + "\": column names are case-sensitive)";
      }
    }
    return "";
  }

  private static String labelValue(Object v) {
    return v == null ? "" : Row.text(v);
  }

  @Override
  public String toString() {
    return describe();
  }
}
