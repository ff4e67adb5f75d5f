package io.drwatch.patroni;

import io.drwatch.patroni.PatroniJson.HistoryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The last change of leader of one cluster as successive observations saw it: the last moment
 * the old leader was seen (running, as leader) and the first moment the new one was. Fed by the
 * Patroni polls (members' view) or by the database probes (primary as the databases say); the
 * resolution is the poll or probe interval. Not thread-safe: one feeder per instance.
 */
final class LeaderChanges {

  /** One change: who, the old one's last sighting and the new one's first. */
  record Change(String from, String to, Instant oldLastSeen, Instant newFirstSeen) {
    double seconds() {
      return Duration.between(oldLastSeen, newFirstSeen).toMillis() / 1000.0;
    }
  }

  private String current;
  private Instant lastSeen;
  private Change last;

  /** {@code leader} is who acts as leader now, or null when no one does. */
  void observe(String leader, Instant at) {
    if (leader == null) {
      return; // the old leader's last sighting stays as it was
    }
    if (current != null && !current.equals(leader)) {
      last = new Change(current, leader, lastSeen, at);
    }
    current = leader;
    lastSeen = at;
  }

  Change last() {
    return last;
  }

  /**
   * The promotion Patroni recorded for the last change: the newest history entry naming the new
   * leader, when it is later than the old leader's last sighting. Seconds from that sighting to
   * the recorded promotion, or null.
   */
  Double historySeconds(List<HistoryEntry> history) {
    if (last == null || history == null) {
      return null;
    }
    for (int i = history.size() - 1; i >= 0; i--) {
      HistoryEntry e = history.get(i);
      if (last.to().equals(e.newLeader()) && e.at() != null) {
        return e.at().isAfter(last.oldLastSeen())
            ? Duration.between(last.oldLastSeen(), e.at()).toMillis() / 1000.0 : null;
      }
    }
    return null;
  }
}
