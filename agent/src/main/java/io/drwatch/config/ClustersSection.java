package io.drwatch.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** {@code drwatch.clusters}: objectives per cluster label, each of which some target must carry. */
final class ClustersSection {

  static final Set<String> KEYS = Set.of("rpo-objective", "rto-objective",
      "rpo-objective-bytes", "promotion-overhead", "archive-ready-max-age");

  private final ConfigReader r;

  ClustersSection(ConfigReader r) {
    this.r = r;
  }

  Map<String, ClusterSettings> read(Config c) {
    Map<String, ClusterSettings> out = new LinkedHashMap<>();
    ConfigObject clusters = r.obj(c, "clusters", "drwatch.clusters");
    if (clusters == null) {
      return out;
    }
    for (Map.Entry<String, ConfigValue> e : clusters.entrySet()) {
      String path = "drwatch.clusters." + e.getKey();
      if (!(e.getValue() instanceof ConfigObject o)) {
        r.problem(e.getValue(), path, "must be an object");
        continue;
      }
      r.unknownKeys(o, path, KEYS);
      Config cc = o.toConfig();
      out.put(e.getKey(), new ClusterSettings(e.getKey(),
          cc.hasPath("rpo-objective") ? r.duration(cc, "rpo-objective", path + ".rpo-objective") : null,
          cc.hasPath("rto-objective") ? r.duration(cc, "rto-objective", path + ".rto-objective") : null,
          cc.hasPath("rpo-objective-bytes") ? r.bytes(cc, "rpo-objective-bytes", path + ".rpo-objective-bytes") : null,
          cc.hasPath("promotion-overhead")
              ? r.duration(cc, "promotion-overhead", path + ".promotion-overhead")
              : ClusterSettings.DEFAULT_PROMOTION_OVERHEAD,
          cc.hasPath("archive-ready-max-age")
              ? r.duration(cc, "archive-ready-max-age", path + ".archive-ready-max-age")
              : ClusterSettings.DEFAULT_ARCHIVE_READY_MAX_AGE));
    }
    return out;
  }

  /** Objectives for a cluster no target belongs to would never be compared with anything. */
  void haveTargets(ConfigObject clusters, List<TargetSettings> targets) {
    if (clusters == null) {
      return;
    }
    Set<String> used = new TreeSet<>();
    targets.forEach(t -> used.add(t.cluster()));
    for (Map.Entry<String, ConfigValue> e : clusters.entrySet()) {
      if (!used.contains(e.getKey())) {
        r.problem(e.getValue(), "drwatch.clusters." + e.getKey(), "no target has labels.cluster = \""
            + e.getKey() + "\"" + (used.isEmpty() ? "" : " (targets' clusters: " + String.join(", ", used) + ")"));
      }
    }
  }
}
