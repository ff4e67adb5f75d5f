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
 * member of the cluster. Healthy when a stanza with such a backup reports status 0. No byte
 * estimate: the contract carries no backup LSN. Absent when no member reports pgBackRest samples.
 */
final class BackupLayer {

  private BackupLayer() {}

  static final MetricFamily LAST_COMPLETION = Pgbackrest.LAST_COMPLETION;
  static final MetricFamily STANZA_STATUS = Pgbackrest.STANZA_STATUS;

  static Layer estimate(List<Readings> members, double nowSeconds) {
    Map<String, Double> newest = new TreeMap<>();
    Set<String> ok = new TreeSet<>();
    boolean any = false;
    for (Readings r : members) {
      for (Sample s : r.all(LAST_COMPLETION)) {
        any = true;
        newest.merge(stanza(s), s.value(), Math::max);
      }
      for (Sample s : r.all(STANZA_STATUS)) {
        any = true;
        if (s.value() == 0) {
          ok.add(stanza(s)); // readable and sound from at least one place
        }
      }
    }
    if (!any) {
      return null;
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

  private static String stanza(Sample s) {
    String v = Readings.label(s, "stanza");
    return v == null ? "" : v;
  }
}
