package io.drwatch.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.MetricFamily;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The derivations read collectors' families through the collectors' own constants (a rename fails
 * to compile); this keeps the labels they match on, and the collector that emits them, true to the
 * built-in collectors' declarations.
 */
class ClusterInputsTest {

  /** Family read by the cluster package, and the labels it reads from it. */
  private static final Map<MetricFamily, List<String>> READ = new LinkedHashMap<>();

  static {
    READ.put(ReplicaLayer.STANDBYS, List.of());
    READ.put(ReplicaLayer.STANDBY_INFO, List.of("application_name", "state", "sync_state"));
    READ.put(ReplicaLayer.LAG_BYTES, List.of("application_name", "stage"));
    READ.put(ReplicaLayer.LAG_SECONDS, List.of("application_name", "stage"));
    READ.put(ReplicaLayer.SYNC_REQUIRED, List.of());
    READ.put(ReplicaLayer.SYNC_CONFIG, List.of("method", "synchronous_commit"));
    READ.put(ReplicaLayer.COMMIT_OVERRIDE, List.of("synchronous_commit"));
    READ.put(ArchiveLayer.ENABLED, List.of());
    READ.put(ArchiveLayer.FAILING, List.of());
    READ.put(ArchiveLayer.UNARCHIVED, List.of());
    READ.put(ArchiveLayer.LAST_ARCHIVED, List.of());
    READ.put(ArchiveLayer.OLDEST_READY, List.of());
    READ.put(ClusterDerivation.REPLAY_BACKLOG, List.of());
    READ.put(ClusterDerivation.RECEIVE_LSN, List.of());
    READ.put(BackupLayer.LAST_COMPLETION, List.of("stanza"));
    READ.put(BackupLayer.STANZA_STATUS, List.of("stanza"));
  }

  @Test
  void everyFamilyReadIsDeclaredWithTheLabelsRead() {
    Map<String, MetricFamily> declared = new LinkedHashMap<>();
    Map<String, String> owner = new LinkedHashMap<>();
    for (CollectorRegistry.Entry e : CollectorRegistry.builtIn().entries()) {
      for (MetricFamily f : e.collector().families()) {
        declared.put(f.name(), f);
        owner.put(f.name(), e.collector().name());
      }
    }
    List<String> problems = new ArrayList<>();
    READ.forEach((family, labels) -> {
      String name = family.name();
      MetricFamily f = declared.get(name);
      if (f == null) {
        problems.add(name + " is read but no built-in collector declares it");
      } else if (!f.labelNames().containsAll(labels)) {
        problems.add(name + " is read with labels " + labels + " but declared with " + f.labelNames());
      }
    });
    assertEquals(List.of(), problems);
    assertEquals("standby", owner.get(ClusterDerivation.REPLAY_BACKLOG.name()));
    assertEquals(ClusterDerivation.STANDBY_COLLECTOR, owner.get(ClusterDerivation.RECEIVE_LSN.name()),
        "replay rate pairs receive position and backlog from one standby collector row");
  }
}
