package io.drwatch.collect.cockroach;

import static io.drwatch.collect.MetricFamily.gauge;

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
 * Per store, from {@code crdb_internal.kv_store_status} (an RPC fan-out to every node, hence the
 * 60s default): capacity and use from the gossiped store descriptor, replicas and leaseholders,
 * and range health from the store's metrics, with the semantics of {@code cockroach node status
 * --ranges}: each range is counted once cluster-wide, by the store holding its lease, so the
 * sums over stores are the cluster's totals. A decommissioning node is done when its stores'
 * replicas reach 0.
 */
@AutoService(Collector.class)
public final class CrdbStores implements CockroachCollector {

  static final MetricFamily CAPACITY = gauge("crdb_store_capacity_bytes",
      "Total capacity of the store's disk.", "node_id", "store_id");
  static final MetricFamily AVAILABLE = gauge("crdb_store_available_bytes",
      "Space the store may still use.", "node_id", "store_id");
  static final MetricFamily USED = gauge("crdb_store_used_bytes",
      "Space used by the store.", "node_id", "store_id");
  static final MetricFamily LOGICAL = gauge("crdb_store_logical_bytes",
      "Logical bytes of the store's replicas (before compression and replication).",
      "node_id", "store_id");
  static final MetricFamily REPLICAS = gauge("crdb_store_replicas",
      "Replicas on the store (range_count).", "node_id", "store_id");
  static final MetricFamily LEASES = gauge("crdb_store_leases",
      "Leaseholders on the store (lease_count).", "node_id", "store_id");
  static final MetricFamily RANGES = gauge("crdb_store_ranges",
      "Ranges counted by this store (metric ranges; each range once cluster-wide, by its "
          + "leaseholder).", "node_id", "store_id");
  public static final MetricFamily UNDER = gauge("crdb_store_ranges_underreplicated",
      "Ranges with fewer live replicas than their zone config asks for (metric ranges.underreplicated).",
      "node_id", "store_id");
  public static final MetricFamily UNAVAILABLE = gauge("crdb_store_ranges_unavailable",
      "Ranges without a quorum of live replicas: reads and writes to them block (metric ranges.unavailable).",
      "node_id", "store_id");
  static final MetricFamily OVER = gauge("crdb_store_ranges_overreplicated",
      "Ranges with more replicas than their zone config asks for (metric ranges.overreplicated).",
      "node_id", "store_id");
  static final MetricFamily PURGATORY = gauge("crdb_store_replicate_queue_purgatory",
      "Replicas the replicate queue cannot place (metric queue.replicate.purgatory); above 0 for long "
          + "while decommissioning means the decommission is stuck.", "node_id", "store_id");

  static final String SQL = """
      SELECT node_id, store_id, capacity, available, used, logical_bytes, range_count, lease_count,
             (metrics->>'ranges')::FLOAT8 AS ranges,
             (metrics->>'ranges.underreplicated')::FLOAT8 AS ranges_underreplicated,
             (metrics->>'ranges.unavailable')::FLOAT8 AS ranges_unavailable,
             (metrics->>'ranges.overreplicated')::FLOAT8 AS ranges_overreplicated,
             (metrics->>'queue.replicate.purgatory')::FLOAT8 AS replicate_purgatory
      FROM crdb_internal.kv_store_status
      ORDER BY node_id, store_id""";

  @Override
  public String name() {
    return "crdb_stores";
  }

  @Override
  public Duration defaultInterval() {
    return Duration.ofSeconds(60);
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(CAPACITY, AVAILABLE, USED, LOGICAL, REPLICAS, LEASES, RANGES, UNDER, UNAVAILABLE,
        OVER, PURGATORY);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(Crdb.query(db, server, "VIEWCLUSTERMETADATA", "crdb_internal.kv_store_status", SQL));
  }

  static List<Sample> map(List<Row> rows) {
    Samples out = new Samples();
    for (Row r : rows) {
      String node = r.string("node_id");
      String store = r.string("store_id");
      out.add(CAPACITY, r.dbl("capacity"), node, store);
      out.add(AVAILABLE, r.dbl("available"), node, store);
      out.add(USED, r.dbl("used"), node, store);
      out.add(LOGICAL, r.dbl("logical_bytes"), node, store);
      out.add(REPLICAS, r.dbl("range_count"), node, store);
      out.add(LEASES, r.dbl("lease_count"), node, store);
      out.add(RANGES, r.dbl("ranges"), node, store);
      out.add(UNDER, r.dbl("ranges_underreplicated"), node, store);
      out.add(UNAVAILABLE, r.dbl("ranges_unavailable"), node, store);
      out.add(OVER, r.dbl("ranges_overreplicated"), node, store);
      out.add(PURGATORY, r.dbl("replicate_purgatory"), node, store);
    }
    return out.toList();
  }
}
