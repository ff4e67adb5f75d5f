package io.drwatch.collect.cockroach;

import static io.drwatch.collect.MetricFamily.info;

import com.google.auto.service.AutoService;
import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.target.CockroachInfo;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.util.List;

/**
 * Which CockroachDB node the target's sessions land on, its binary, the cluster id and the access
 * drwatch has to crdb_internal. Reads session variables only ({@code node_id}, {@code
 * crdb_version}), which no gate restricts, so it answers on every version and privilege level;
 * the per-node views of the other collectors ("as seen from the target") join on its
 * {@code node_id}. Behind a load balancer the node can change between sessions: this is the node
 * of the session that ran it.
 */
@AutoService(Collector.class)
public final class CrdbSession implements CockroachCollector {

  static final MetricFamily SESSION_INFO = info("crdb_session_info",
      "1 per CockroachDB target: the node its session is connected to, the binary's build tag, the "
          + "cluster id (empty when the access gate hides it) and how drwatch may read crdb_internal "
          + "(not_gated, session_default, opted_in, restricted).",
      "node_id", "build_tag", "cluster_id", "internals_access");

  static final String SQL = """
      SELECT current_setting('node_id', true) AS node_id,
             current_setting('crdb_version', true) AS crdb_version""";

  @Override
  public String name() {
    return "crdb_session";
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(SESSION_INFO);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(db.queryOne(SQL).orElseThrow(), server);
  }

  static List<Sample> map(Row r, ServerInfo server) {
    CockroachInfo c = server.cockroach();
    String node = r.string("node_id");
    if (node == null || node.equals("0")) {
      node = c != null && c.nodeId() != null ? c.nodeId().toString() : "";
    }
    String tag = c == null ? "" : c.buildTag();
    String reported = r.string("crdb_version");
    if (reported != null) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("v\\d+\\.\\d+\\.\\d+\\S*").matcher(reported);
      if (m.find()) {
        tag = m.group();
      }
    }
    return new Samples().info(SESSION_INFO, node, tag,
        c == null || c.clusterId() == null ? "" : c.clusterId(),
        c == null ? "" : c.access().label()).toList();
  }
}
