package io.drwatch.collect.cockroach;

import static io.drwatch.collect.MetricFamily.gauge;

import com.google.auto.service.AutoService;
import com.typesafe.config.Config;
import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Node liveness as the target node sees it, from {@code crdb_internal.gossip_liveness} joined with
 * {@code gossip_nodes} (both served from the node's gossip memory, so they answer while KV is
 * degraded; the liveness view may lag by a gossip interval). With {@code view = kv} it reads the
 * authoritative {@code kv_node_liveness} instead, which needs a KV read of the liveness range and
 * can hang while the cluster is unhealthy; that view has no replica counts. Node ids are bounded
 * by the cluster size.
 */
@AutoService(Collector.class)
public final class CrdbLiveness implements CockroachCollector {

  static final List<String> MEMBERSHIPS = List.of("active", "decommissioning", "decommissioned");
  static final List<String> STATUSES =
      List.of("live", "draining", "suspect", "dead", "decommissioning", "decommissioned");
  /** CockroachDB's default {@code server.time_until_store_dead}. */
  static final double DEFAULT_TIME_UNTIL_STORE_DEAD = 300;

  public static final MetricFamily LIVE = gauge("crdb_node_live",
      "1 when the node's liveness record has not expired (expiration later than the target's clock), "
          + "as seen from the target.", "node_id");
  public static final MetricFamily MEMBERSHIP = gauge("crdb_node_membership",
      "1 for the node's current membership (active, decommissioning, decommissioned), 0 for the others.",
      "node_id", "membership");
  public static final MetricFamily DRAINING = gauge("crdb_node_draining",
      "1 while the node is draining (shutting down or being decommissioned).", "node_id");
  static final MetricFamily EPOCH = gauge("crdb_node_liveness_epoch",
      "Liveness epoch; it increases each time another node declares this one's liveness expired.",
      "node_id");
  static final MetricFamily EXPIRATION = gauge("crdb_node_liveness_expiration_timestamp_seconds",
      "When the node's liveness record expires unless renewed; minus time() is the seconds until expiry.",
      "node_id");
  static final MetricFamily UPDATED = gauge("crdb_node_liveness_updated_timestamp_seconds",
      "When the gossiped liveness record was last updated at its origin (gossip view only).", "node_id");
  static final MetricFamily REPLICAS = gauge("crdb_node_replicas",
      "Replicas on the node's stores (gossip_nodes.ranges); a decommissioning node is done when it "
          + "reaches 0.", "node_id");
  static final MetricFamily LEASES = gauge("crdb_node_leases",
      "Range leases held by the node's stores (gossip_nodes.leases).", "node_id");
  public static final MetricFamily NODES = gauge("crdb_liveness_nodes",
      "Nodes per status as seen from the target: decommissioned, decommissioning, dead (expired "
          + "longer than server.time_until_store_dead), suspect (expired, not yet dead), draining, live.",
      "status");

  static final String GOSSIP_SQL = """
      SELECT l.node_id, l.epoch, l.expiration, l.draining, l.membership,
             extract(epoch FROM l.updated_at)::FLOAT8 AS updated_at,
             n.ranges AS replicas, n.leases AS leases,
             extract(epoch FROM now())::FLOAT8 AS now
      FROM crdb_internal.gossip_liveness l
      LEFT JOIN crdb_internal.gossip_nodes n ON n.node_id = l.node_id
      ORDER BY l.node_id""";
  static final String KV_SQL = """
      SELECT node_id, epoch, expiration, draining, membership,
             extract(epoch FROM now())::FLOAT8 AS now
      FROM crdb_internal.kv_node_liveness
      ORDER BY node_id""";
  static final String DEAD_AFTER_SQL = """
      SELECT value FROM crdb_internal.cluster_settings
      WHERE variable = 'server.time_until_store_dead'""";

  private final boolean kv;

  public CrdbLiveness() {
    this(false);
  }

  CrdbLiveness(boolean kv) {
    this.kv = kv;
  }

  @Override
  public String name() {
    return "crdb_liveness";
  }

  @Override
  public Set<String> optionKeys() {
    return Set.of("view");
  }

  @Override
  public Collector configure(Config options) {
    if (!options.hasPath("view")) {
      return this;
    }
    String v = options.getString("view").trim().toLowerCase(Locale.ROOT);
    return switch (v) {
      case "gossip" -> new CrdbLiveness(false);
      case "kv" -> new CrdbLiveness(true);
      default -> throw new IllegalArgumentException("view must be gossip or kv, not \"" + v + "\"");
    };
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(LIVE, MEMBERSHIP, DRAINING, EPOCH, EXPIRATION, UPDATED, REPLICAS, LEASES, NODES);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    List<Row> rows = kv
        ? Crdb.query(db, server, "VIEWCLUSTERMETADATA", "crdb_internal.kv_node_liveness", KV_SQL)
        : Crdb.query(db, server, "VIEWCLUSTERMETADATA",
            List.of("crdb_internal.gossip_liveness", "crdb_internal.gossip_nodes"), GOSSIP_SQL);
    return map(rows, deadAfter(db, server));
  }

  /** server.time_until_store_dead, or the default (said once) when the role cannot read settings. */
  private static double deadAfter(Db db, ServerInfo server) throws SQLException {
    try {
      List<Row> r = Crdb.query(db, server, "VIEWCLUSTERSETTING", "crdb_internal.cluster_settings",
          DEAD_AFTER_SQL);
      Double s = r.isEmpty() ? null : Crdb.goDurationSeconds(r.get(0).string("value"));
      return s == null ? DEFAULT_TIME_UNTIL_STORE_DEAD : s;
    } catch (SQLException e) {
      if (!Crdb.PERMISSION_DENIED.equals(e.getSQLState())) {
        throw e;
      }
      db.warn("cannot read server.time_until_store_dead (" + e.getMessage() + "); dead vs suspect "
          + "uses CockroachDB's default of 5m");
      return DEFAULT_TIME_UNTIL_STORE_DEAD;
    }
  }

  static List<Sample> map(List<Row> rows, double deadAfterSeconds) {
    Samples out = new Samples();
    Map<String, Integer> counts = new LinkedHashMap<>();
    STATUSES.forEach(s -> counts.put(s, 0));
    for (Row r : rows) {
      String node = r.string("node_id");
      Double now = r.dbl("now");
      Double expires = Crdb.hlcSeconds(r.string("expiration"));
      Boolean live = expires == null || now == null ? null : expires > now;
      String membership = r.string("membership") == null ? null
          : r.string("membership").toLowerCase(Locale.ROOT);
      Boolean draining = r.bool("draining");
      out.flag(LIVE, live, node);
      if (membership != null) {
        for (String m : MEMBERSHIPS) {
          out.add(MEMBERSHIP, m.equals(membership) ? 1 : 0, node, m);
        }
      }
      out.flag(DRAINING, draining, node);
      out.add(EPOCH, r.dbl("epoch"), node);
      out.add(EXPIRATION, expires, node);
      if (r.has("updated_at")) {
        out.add(UPDATED, r.dbl("updated_at"), node);
      }
      if (r.has("replicas")) {
        out.add(REPLICAS, r.dbl("replicas"), node);
        out.add(LEASES, r.dbl("leases"), node);
      }
      String status = status(membership, expires, now, Boolean.TRUE.equals(draining), deadAfterSeconds);
      if (status != null) {
        counts.merge(status, 1, Integer::sum);
      }
    }
    counts.forEach((status, n) -> out.add(NODES, n, status));
    return out.toList();
  }

  /** The console's status, in its order of precedence; null when expiration or clock is unknown. */
  static String status(String membership, Double expires, Double now, boolean draining, double deadAfter) {
    if ("decommissioned".equals(membership)) {
      return "decommissioned";
    }
    if ("decommissioning".equals(membership)) {
      return "decommissioning";
    }
    if (expires == null || now == null) {
      return null;
    }
    if (expires <= now - deadAfter) {
      return "dead";
    }
    if (expires <= now) {
      return "suspect";
    }
    return draining ? "draining" : "live";
  }
}
