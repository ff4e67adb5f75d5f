package io.drwatch.cluster;

import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The published {@link ClusterView}s, one immutable map per cache version: what routing and the
 * status page read. It follows the probes, not the scrapes: asked after the cache changed, it
 * derives the views again (from the targets' probe states only, no samples, no SQL); otherwise it
 * hands out the same map. The cluster series come from the same {@link ClusterView#of}.
 */
public final class ClusterViews {

  private final SampleCache cache;
  private long version = -1;
  private Map<String, ClusterView> views = Map.of();

  public ClusterViews(SampleCache cache) {
    this.cache = cache;
  }

  /** Every cluster's view, by cluster name. */
  public synchronized Map<String, ClusterView> all() {
    if (cache.version() != version) {
      SampleCache.View view = cache.view();
      Map<String, List<TargetStatus>> byCluster = new TreeMap<>();
      for (TargetStatus t : view.targets()) {
        byCluster.computeIfAbsent(t.cluster(), k -> new ArrayList<>()).add(t);
      }
      Map<String, ClusterView> out = new TreeMap<>();
      byCluster.forEach((cluster, targets) -> out.put(cluster, ClusterView.of(cluster, targets)));
      views = Collections.unmodifiableMap(out);
      version = view.version();
    }
    return views;
  }

  public Optional<ClusterView> of(String cluster) {
    return Optional.ofNullable(all().get(cluster));
  }
}
