package io.drwatch.cluster;

import io.drwatch.target.ServerInfo;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counts failovers from the transitions successive probes of each target show: a standby became
 * primary, or a member moved to a higher timeline. One failover gives several such transitions
 * (the promoted member, every standby that follows it, a writer endpoint that now reaches it), so
 * each new timeline of a database counts once; a second member promoted onto a timeline another
 * member was already promoted to (two independent promotions, split brain) counts again. A
 * target's first answer, or an answer from a different database, is a baseline, not a transition.
 */
final class FailoverTracker {

  /** Timelines remembered per database, enough to dedupe the followers of recent failovers. */
  private static final int TIMELINES_KEPT = 32;

  private record Database(String cluster, String systemIdentifier) {}

  /** A timeline reached by a transition, and the target promoted onto it (null: only followers seen). */
  private final Map<Database, LinkedHashMap<Long, String>> timelines = new HashMap<>();
  private final Map<String, ServerInfo> lastSeen = new HashMap<>();
  private final Map<String, Long> counts = new HashMap<>();
  private final Map<String, Instant> lastAt = new HashMap<>();

  /** A probe result; {@code server} null (target down) changes nothing. */
  /** Targets removed by a reload are no longer compared with what they were. */
  synchronized void retainOnly(java.util.Set<String> keep) {
    lastSeen.keySet().retainAll(keep);
  }

  synchronized void observe(String cluster, String target, ServerInfo server, Instant at) {
    counts.putIfAbsent(cluster, 0L);
    if (server == null || !server.isPostgres()) {
      return;
    }
    ServerInfo before = lastSeen.put(target, server);
    if (before == null || !Objects.equals(before.systemIdentifier(), server.systemIdentifier())) {
      return;
    }
    boolean promoted = before.inRecovery() && !server.inRecovery();
    Long tl = server.timeline();
    boolean newTimeline = tl != null && before.timeline() != null && tl > before.timeline();
    if (!promoted && !newTimeline) {
      return;
    }
    if (tl == null) {
      count(cluster, at); // a promotion whose timeline is unknown cannot be deduplicated
      return;
    }
    LinkedHashMap<Long, String> seen = timelines.computeIfAbsent(
        new Database(cluster, server.systemIdentifier()), k -> new LinkedHashMap<>());
    if (!seen.containsKey(tl)) {
      seen.put(tl, promoted ? target : null);
      if (seen.size() > TIMELINES_KEPT) {
        seen.remove(seen.keySet().iterator().next());
      }
      count(cluster, at);
    } else if (promoted) {
      String by = seen.get(tl);
      if (by == null) {
        seen.put(tl, target); // the promotion its followers were already counted for
      } else if (!by.equals(target)) {
        count(cluster, at);
      }
    }
  }

  private void count(String cluster, Instant at) {
    counts.merge(cluster, 1L, Long::sum);
    lastAt.put(cluster, at);
  }

  synchronized long failovers(String cluster) {
    return counts.getOrDefault(cluster, 0L);
  }

  /** When the last failover of the cluster was observed, or null. */
  synchronized Instant lastFailoverAt(String cluster) {
    return lastAt.get(cluster);
  }
}
