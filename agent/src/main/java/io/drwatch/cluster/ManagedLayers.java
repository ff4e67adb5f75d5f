package io.drwatch.cluster;

import io.drwatch.collect.Sample;
import io.drwatch.collect.aurora.AuroraGlobalDb;
import io.drwatch.target.ManagedService;
import io.drwatch.target.ServerInfo;

/**
 * The protection layers of a cluster whose writer runs on a managed service. Aurora's instances
 * share one storage volume, so a reader is no copy of the data independent of the writer's: the
 * replica layer is the global database's secondary Regions, and what losing the primary Region
 * costs is the smallest {@code rpo_lag_in_msec} among them. WAL archiving is the service's own
 * (continuous backup) and invisible to SQL: it is reported as managed, never as a 0.
 */
final class ManagedLayers {

  private ManagedLayers() {}

  static boolean isAurora(Member writer) {
    ServerInfo s = writer.server();
    return s != null && s.managed() == ManagedService.AURORA;
  }

  /** The service running the writer, or NONE. */
  static ManagedService service(Member writer) {
    ServerInfo s = writer.server();
    return s == null ? ManagedService.NONE : s.managed();
  }

  /**
   * Aurora's replica layer from the writer's {@code aurora_global_db} samples: null without them
   * (collector not run, failed or stale), unhealthy without a secondary Region.
   */
  static Layer auroraReplica(Readings writer) {
    if (!writer.has(AuroraGlobalDb.REGION)) {
      return null;
    }
    Double best = null;
    for (Sample s : writer.all(AuroraGlobalDb.RPO_LAG)) {
      if (best == null || s.value() < best) {
        best = s.value();
      }
    }
    return best == null ? new Layer(Layer.REPLICA, false, null, null) : new Layer(Layer.REPLICA, true, best, null);
  }
}
