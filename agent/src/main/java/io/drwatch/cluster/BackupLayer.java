package io.drwatch.cluster;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.collect.backup.Pgbackrest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Backup layer: age of the newest completed pgBackRest backup of any type (a diff or incr restores
 * together with the backups it references), from the {@code pgbackrest} collector's samples on any
 * member of the cluster. Only this cluster's stanzas count: a stanza whose current system
 * identifier is another cluster's ({@code pgbackrest_stanza_matches_target} 0, or its
 * {@code pgbackrest_stanza_info} system identifier none of the members has) is another
 * database's backups, however fresh. Healthy when such a stanza with a backup reports status 0.
 * Unhealthy without estimate when the collector runs but yields no stanza of this cluster (it
 * fails, hangs past its timeout, or the repository holds only other clusters' stanzas). No byte
 * estimate: the contract carries no backup LSN. Absent when no member runs the collector.
 */
final class BackupLayer {

  private BackupLayer() {}

  static final MetricFamily LAST_COMPLETION = Pgbackrest.LAST_COMPLETION;
  static final MetricFamily STANZA_STATUS = Pgbackrest.STANZA_STATUS;
  static final MetricFamily STANZA_INFO = Pgbackrest.STANZA_INFO;
  static final MetricFamily MATCHES_TARGET = Pgbackrest.STANZA_MATCHES_TARGET;

  /**
   * @param systemIds the cluster's system identifiers (reachable members'); empty when unknown
   * @param failedCollectors members whose pgbackrest collector's last run failed or timed out
   */
  static Layer estimate(List<Readings> members, Set<String> systemIds, int failedCollectors, double nowSeconds) {
    Map<String, Double> newest = new TreeMap<>();
    Set<String> ok = new TreeSet<>();
    boolean any = false;
    boolean othersOnly = false;
    for (Readings r : members) {
      for (Sample s : r.all(LAST_COMPLETION)) {
        if (othersStanza(r, stanza(s), systemIds)) {
          othersOnly = true;
          continue;
        }
        any = true;
        newest.merge(stanza(s), s.value(), Math::max);
      }
      for (Sample s : r.all(STANZA_STATUS)) {
        if (othersStanza(r, stanza(s), systemIds)) {
          othersOnly = true;
          continue;
        }
        any = true;
        if (s.value() == 0) {
          ok.add(stanza(s)); // readable and sound from at least one place
        }
      }
    }
    if (!any) {
      return failedCollectors > 0 || othersOnly ? new Layer(Layer.BACKUP, false, null, null) : null;
    }
    Double healthyNewest = null;
    Double anyNewest = null;
    for (Map.Entry<String, Double> e : newest.entrySet()) {
      anyNewest = anyNewest == null ? e.getValue() : Math.max(anyNewest, e.getValue());
      if (ok.contains(e.getKey())) {
        healthyNewest = healthyNewest == null ? e.getValue() : Math.max(healthyNewest, e.getValue());
      }
    }
    Double from = healthyNewest != null ? healthyNewest : anyNewest;
    Double seconds = from == null ? null : Math.max(0, nowSeconds - from);
    return new Layer(Layer.BACKUP, healthyNewest != null, seconds, null);
  }

  /** Known to be another cluster's stanza: unknown binding counts as ours (nothing proves otherwise). */
  private static boolean othersStanza(Readings r, String stanza, Set<String> systemIds) {
    Double matches = r.value(MATCHES_TARGET, "stanza", stanza);
    if (matches != null) {
      return matches == 0;
    }
    String sysid = null;
    for (Sample s : r.all(STANZA_INFO)) {
      if (stanza.equals(stanza(s))) {
        sysid = Readings.label(s, "system_identifier");
      }
    }
    return sysid != null && !sysid.isEmpty() && !systemIds.isEmpty() && !systemIds.contains(sysid);
  }

  private static String stanza(Sample s) {
    String v = Readings.label(s, "stanza");
    return v == null ? "" : v;
  }
}
