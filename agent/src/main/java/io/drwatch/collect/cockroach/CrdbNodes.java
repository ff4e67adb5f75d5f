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
import java.util.List;

/**
 * Per node, from {@code crdb_internal.kv_node_status}: the status summaries every node writes
 * periodically, fetched from all nodes by an RPC fan-out (the view is marked "expensive!"), hence
 * the 60s default. Build tag, address and locality, start time (uptime), the time of the node's
 * last summary (stale for a dead node) and two node metrics: clock offset and the live-node count
 * the node itself believes. {@code args} and {@code env} (process arguments and environment,
 * sensitive) are never read.
 */
@AutoService(Collector.class)
public final class CrdbNodes implements CockroachCollector {

  static final MetricFamily NODE_INFO = info("crdb_node_info",
      "1 per node in kv_node_status: address, locality and the binary's build tag.",
      "node_id", "address", "locality", "build_tag");
  static final MetricFamily STARTED = gauge("crdb_node_started_timestamp_seconds",
      "When the node process started; time() minus this is its uptime, a change is a restart.",
      "node_id");
  static final MetricFamily UPDATED = gauge("crdb_node_status_updated_timestamp_seconds",
      "When the node last wrote its status summary; it stops advancing when the node is down.",
      "node_id");
  static final MetricFamily CLOCK_OFFSET = gauge("crdb_node_clock_offset_seconds",
      "Mean clock offset of the node against the others (metric clock-offset.meannanos); CockroachDB "
          + "nodes stop themselves near the configured --max-offset (500ms by default).", "node_id");
  static final MetricFamily LIVE_NODES = gauge("crdb_node_live_nodes",
      "Live nodes in the cluster as this node sees them (metric liveness.livenodes; 0 when the node "
          + "itself is not live).", "node_id");

  static final String SQL = """
      SELECT node_id, address, locality, tag,
             extract(epoch FROM started_at)::FLOAT8 AS started_at,
             extract(epoch FROM updated_at)::FLOAT8 AS updated_at,
             (metrics->>'clock-offset.meannanos')::FLOAT8 AS clock_offset_nanos,
             (metrics->>'liveness.livenodes')::FLOAT8 AS live_nodes
      FROM crdb_internal.kv_node_status
      ORDER BY node_id""";

  @Override
  public String name() {
    return "crdb_nodes";
  }

  @Override
  public Duration defaultInterval() {
    return Duration.ofSeconds(60);
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(NODE_INFO, STARTED, UPDATED, CLOCK_OFFSET, LIVE_NODES);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(Crdb.query(db, server, "VIEWCLUSTERMETADATA", "crdb_internal.kv_node_status", SQL));
  }

  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    for (Row r : rows) {
      String node = r.string("node_id");
      out.info(NODE_INFO, node, r.string("address"), r.string("locality"), r.string("tag"));
      out.add(STARTED, r.dbl("started_at"), node);
      out.add(UPDATED, r.dbl("updated_at"), node);
      Double offset = r.dbl("clock_offset_nanos");
      out.add(CLOCK_OFFSET, offset == null ? null : offset / 1e9, node);
      out.add(LIVE_NODES, r.dbl("live_nodes"), node);
    }
    return out.toList();
  }
}
