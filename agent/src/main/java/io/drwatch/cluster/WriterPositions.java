package io.drwatch.cluster;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Each writer's WAL position over time, as the agent's probes saw it (every probe of a primary
 * reads it in the probe statement, whether or not anyone scrapes). It outlives the writer, because
 * the moment the writer is gone is when its last known position matters: what each standby
 * received is compared with it.
 *
 * <p>The history maps a position back to when the writer passed it, which turns a standby's
 * missing WAL into seconds of commits: whatever the writer wrote after it passed the standby's
 * position may be lost. Its resolution is the probe interval (linear between two probes).
 * Bounded: {@value #KEPT} points per target, the oldest dropped first.
 */
final class WriterPositions {

  static final int KEPT = 720;

  /** One sighting: when (epoch seconds), where (WAL byte number), on which target and database. */
  record Seen(String cluster, String target, String systemIdentifier, double at, double lsn) {}

  private final Map<String, Deque<Seen>> byTarget = new HashMap<>();

  /** Records a probe of a primary; a sighting of another database restarts the target's history. */
  synchronized void saw(Seen seen) {
    Deque<Seen> h = byTarget.computeIfAbsent(seen.target(), k -> new ArrayDeque<>());
    Seen last = h.peekLast();
    if (last != null && seen.at() <= last.at()) {
      return;
    }
    if (last != null && (!last.systemIdentifier().equals(seen.systemIdentifier())
        || !last.cluster().equals(seen.cluster()))) {
      h.clear();
    }
    h.addLast(seen);
    while (h.size() > KEPT) {
      h.removeFirst();
    }
  }

  /** The newest sighting of a writer of this database in the cluster, on any target; null if none. */
  synchronized Seen last(String cluster, String systemIdentifier) {
    Seen best = null;
    for (Deque<Seen> h : byTarget.values()) {
      Seen s = h.peekLast();
      if (s != null && s.cluster().equals(cluster) && s.systemIdentifier().equals(systemIdentifier)
          && (best == null || s.at() > best.at())) {
        best = s;
      }
    }
    return best;
  }

  /** The newest sighting of any writer in the cluster; null if none. */
  synchronized Seen last(String cluster) {
    Seen best = null;
    for (Deque<Seen> h : byTarget.values()) {
      Seen s = h.peekLast();
      if (s != null && s.cluster().equals(cluster) && (best == null || s.at() > best.at())) {
        best = s;
      }
    }
    return best;
  }

  /**
   * When the writer seen on {@code target} passed {@code lsn}: interpolated between the last
   * sighting at or below it and the next one; the time of the first sighting beyond it when the
   * history holds nothing at or below (then a lower bound of the loss). Null without history.
   */
  synchronized Double passedAt(String target, double lsn) {
    Deque<Seen> h = byTarget.get(target);
    if (h == null || h.isEmpty()) {
      return null;
    }
    Seen above = null;
    for (Iterator<Seen> it = h.descendingIterator(); it.hasNext(); ) {
      Seen s = it.next();
      if (s.lsn() <= lsn) {
        if (above == null || above.lsn() <= s.lsn()) {
          return s.at();
        }
        double f = (lsn - s.lsn()) / (above.lsn() - s.lsn());
        return s.at() + f * (above.at() - s.at());
      }
      above = s;
    }
    return above.at();
  }

  /** Targets no longer configured are forgotten. */
  synchronized void retainOnly(Set<String> targets) {
    byTarget.keySet().retainAll(targets);
  }
}
