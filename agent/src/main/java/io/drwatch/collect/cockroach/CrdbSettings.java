package io.drwatch.collect.cockroach;

import static io.drwatch.collect.MetricFamily.gauge;
import static io.drwatch.collect.MetricFamily.info;

import com.google.auto.service.AutoService;
import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster version and a small allow-list of DR-relevant cluster settings from
 * {@code crdb_internal.cluster_settings} (values in base units, and whether each differs from its
 * default), the default zone's replication factor and GC TTL from {@code crdb_internal.zones}, and
 * mixed-version detection from the build tags of the live nodes in {@code gossip_nodes}. Settings
 * change rarely: every 5 minutes by default. Behind the 26.1 access gate only the zone part is
 * readable (zones is a supported table); the rest is said once and left out.
 */
@AutoService(Collector.class)
public final class CrdbSettings implements CockroachCollector {

  /** Allow-listed settings: name → family for its numeric value (null: text only). */
  static final Map<String, MetricFamily> NUMERIC = new LinkedHashMap<>();

  static final MetricFamily TIME_UNTIL_STORE_DEAD = gauge("crdb_settings_time_until_store_dead_seconds",
      "server.time_until_store_dead: how long a node may be unreachable before its replicas are "
          + "moved elsewhere (default 5m; raised for maintenance, it must be put back).");
  static final MetricFamily TIME_AFTER_STORE_SUSPECT = gauge(
      "crdb_settings_time_after_store_suspect_seconds",
      "server.time_after_store_suspect: how long a store that failed a heartbeat gets no new replicas or leases.");
  static final MetricFamily JOBS_RETENTION = gauge("crdb_settings_jobs_retention_seconds",
      "jobs.retention_time: how long finished jobs (and so backup history) stay visible.");
  static final MetricFamily CLOSED_TS_TARGET = gauge("crdb_settings_closed_timestamp_target_seconds",
      "kv.closed_timestamp.target_duration: how far behind present time follower reads and "
          + "changefeed resolved timestamps trail.");
  static final MetricFamily RANGEFEED = gauge("crdb_settings_rangefeed_enabled",
      "kv.rangefeed.enabled: 1 when rangefeeds (needed by changefeeds) are on.");

  static {
    NUMERIC.put("server.time_until_store_dead", TIME_UNTIL_STORE_DEAD);
    NUMERIC.put("server.time_after_store_suspect", TIME_AFTER_STORE_SUSPECT);
    NUMERIC.put("jobs.retention_time", JOBS_RETENTION);
    NUMERIC.put("kv.closed_timestamp.target_duration", CLOSED_TS_TARGET);
    NUMERIC.put("kv.rangefeed.enabled", RANGEFEED);
  }

  /** Settings whose text matters more than a number. */
  static final List<String> TEXT = List.of("version", "cluster.preserve_downgrade_option");

  static final MetricFamily NON_DEFAULT = gauge("crdb_setting_non_default",
      "1 when the allow-listed setting differs from its default (origin is not default), 0 when not.",
      "variable");
  static final MetricFamily SETTING_INFO = info("crdb_setting_info",
      "1 per allow-listed setting, with its value, default and origin as text.",
      "variable", "value", "default_value", "origin");
  static final MetricFamily VERSION_INFO = info("crdb_cluster_version_info",
      "1, labelled with the active cluster version (the version setting, e.g. 24.3); it lags the "
          + "binaries until an upgrade is finalized.", "version");
  static final MetricFamily BINARY_VERSIONS = gauge("crdb_cluster_binary_versions",
      "Distinct build tags among the live nodes (gossip_nodes); above 1 means a mixed-version cluster.");
  static final MetricFamily UPGRADE_PENDING = gauge("crdb_cluster_upgrade_pending",
      "1 when a live node runs a newer major release than the active cluster version (upgrade not "
          + "finalized, e.g. while cluster.preserve_downgrade_option is set).");
  static final MetricFamily NUM_REPLICAS = gauge("crdb_zone_default_num_replicas",
      "Replication factor of the default zone (RANGE default): ranges survive num_replicas/2 "
          + "(rounded down) node failures.");
  static final MetricFamily GC_TTL = gauge("crdb_zone_default_gc_ttl_seconds",
      "gc.ttlseconds of the default zone: how far back AS OF SYSTEM TIME reads and incremental "
          + "backups can reach.");

  static String settingsSql() {
    StringBuilder in = new StringBuilder();
    for (String v : allowList()) {
      in.append(in.length() == 0 ? "" : ", ").append('\'').append(v).append('\'');
    }
    return "SELECT variable, value, type, default_value, origin\n"
        + "FROM crdb_internal.cluster_settings\nWHERE variable IN (" + in + ")\nORDER BY variable";
  }

  static final String ZONE_SQL = """
      SELECT full_config_yaml FROM crdb_internal.zones WHERE target = 'RANGE default'""";
  static final String TAGS_SQL = """
      SELECT build_tag FROM crdb_internal.gossip_nodes WHERE is_live ORDER BY node_id""";

  static Set<String> allowList() {
    Set<String> all = new TreeSet<>(NUMERIC.keySet());
    all.addAll(TEXT);
    return all;
  }

  @Override
  public String name() {
    return "crdb_settings";
  }

  @Override
  public Duration defaultInterval() {
    return Duration.ofMinutes(5);
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(TIME_UNTIL_STORE_DEAD, TIME_AFTER_STORE_SUSPECT, JOBS_RETENTION, CLOSED_TS_TARGET,
        RANGEFEED, NON_DEFAULT, SETTING_INFO, VERSION_INFO, BINARY_VERSIONS, UPGRADE_PENDING,
        NUM_REPLICAS, GC_TTL);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    SQLException first = null;
    List<Row> zone = null;
    List<Row> settings = null;
    List<Row> tags = null;
    try {
      zone = Crdb.query(db, server, null, "crdb_internal.zones", ZONE_SQL);
    } catch (SQLException e) {
      first = denied(e, db, "the default zone's replication factor is left out: ");
    }
    try {
      settings = Crdb.query(db, server, "VIEWCLUSTERSETTING", "crdb_internal.cluster_settings", settingsSql());
    } catch (SQLException e) {
      SQLException d = denied(e, db, "cluster settings and version are left out: ");
      first = first != null ? first : d;
    }
    try {
      tags = Crdb.query(db, server, "VIEWCLUSTERMETADATA", "crdb_internal.gossip_nodes", TAGS_SQL);
    } catch (SQLException e) {
      SQLException d = denied(e, db, "mixed-version detection is left out: ");
      first = first != null ? first : d;
    }
    if (zone == null && settings == null && tags == null) {
      throw first;
    }
    return map(settings, tags, zone == null ? List.of() : zone);
  }

  /** A permission problem costs only its part (said once); anything else fails the run. */
  private static SQLException denied(SQLException e, Db db, String what) throws SQLException {
    if (!Crdb.PERMISSION_DENIED.equals(e.getSQLState())) {
      throw e;
    }
    db.warn(what + e.getMessage());
    return e;
  }

  static List<Sample> map(List<Row> settings, List<Row> tags, List<Row> zone) {
    Samples out = new Samples();
    String clusterVersion = null;
    if (settings != null) {
      for (Row r : settings) {
        String variable = r.string("variable");
        String value = r.string("value");
        String def = r.string("default_value");
        String origin = r.string("origin");
        out.info(SETTING_INFO, variable, value, def, origin);
        out.flag(NON_DEFAULT, origin == null ? null : !origin.equals("default"), variable);
        MetricFamily f = NUMERIC.get(variable);
        if (f != null) {
          out.add(f, numeric(r.string("type"), value));
        }
        if (variable.equals("version")) {
          clusterVersion = value;
          out.info(VERSION_INFO, value);
        }
      }
    }
    if (tags != null) {
      Set<String> distinct = new TreeSet<>();
      int newest = -1;
      for (Row r : tags) {
        distinct.add(r.string("build_tag"));
        newest = Math.max(newest, Crdb.majorMinor(r.string("build_tag")));
      }
      out.add(BINARY_VERSIONS, distinct.size());
      int active = Crdb.majorMinor(clusterVersion);
      if (active > 0 && newest > 0) {
        out.flag(UPGRADE_PENDING, newest > active);
      }
    }
    if (!zone.isEmpty()) {
      String yaml = zone.get(0).string("full_config_yaml");
      out.add(NUM_REPLICAS, yamlNumber(yaml, "num_replicas"));
      out.add(GC_TTL, yamlNumber(yaml, "ttlseconds"));
    }
    return out.toList();
  }

  /** A setting's value in base units by its type code: d duration, b bool, z byte size, i/f number. */
  static Double numeric(String type, String value) {
    if (value == null || type == null) {
      return null;
    }
    return switch (type) {
      case "d" -> Crdb.goDurationSeconds(value);
      case "b" -> value.equalsIgnoreCase("true") ? 1.0 : value.equalsIgnoreCase("false") ? 0.0 : null;
      case "z" -> Crdb.byteSize(value);
      case "i", "f" -> {
        try {
          yield Double.parseDouble(value);
        } catch (NumberFormatException e) {
          yield null;
        }
      }
      default -> null;
    };
  }

  /** {@code key: 123} at any indentation in a zone config's YAML; null when absent or null. */
  static Double yamlNumber(String yaml, String key) {
    if (yaml == null) {
      return null;
    }
    for (String line : yaml.split("\n")) {
      String t = line.strip();
      if (t.startsWith(key + ":")) {
        String v = t.substring(key.length() + 1).strip();
        try {
          return Double.parseDouble(v);
        } catch (NumberFormatException e) {
          return null;
        }
      }
    }
    return null;
  }
}
