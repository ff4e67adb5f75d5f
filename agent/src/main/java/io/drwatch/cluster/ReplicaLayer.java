package io.drwatch.cluster;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.collect.postgres.PgReplication;
import io.drwatch.collect.postgres.PgSyncReplication;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Replica layer: what the best standby streaming from the primary has not yet flushed, from the
 * primary's {@code replication} and {@code sync_replication} samples (one consistent snapshot of
 * pg_stat_replication, not positions sampled on different servers at different times).
 *
 * <p>With synchronous replication in force, an acknowledged commit is already flushed (or
 * written, for remote_write) on the synchronous set, so failing over to the most advanced standby
 * loses no acknowledged commit: the estimate is 0. In force means: {@code FIRST n} (or a plain
 * list) has at least n streaming standbys in sync_state {@code sync}, {@code ANY n} has at least
 * n in {@code quorum}, the server's synchronous_commit makes commits wait for them, and no role
 * or database overrides synchronous_commit to {@code local} or {@code off} (those commits return
 * before any standby has them, so the claim falls back to the best standby's flush lag). A
 * session or transaction that sets synchronous_commit itself is invisible to any monitor.
 */
final class ReplicaLayer {

  private ReplicaLayer() {}

  static final MetricFamily STANDBYS = PgReplication.STANDBYS;
  static final MetricFamily STANDBY_INFO = PgReplication.STANDBY_INFO;
  static final MetricFamily LAG_BYTES = PgReplication.LAG_BYTES;
  static final MetricFamily LAG_SECONDS = PgReplication.LAG_SECONDS;
  static final MetricFamily SYNC_REQUIRED = PgSyncReplication.REQUIRED;
  static final MetricFamily SYNC_CONFIG = PgSyncReplication.CONFIG;
  static final MetricFamily COMMIT_OVERRIDE = PgSyncReplication.COMMIT_OVERRIDE;

  private static final Set<String> WAITING_COMMITS = Set.of("remote_write", "on", "remote_apply");

  record Candidate(String applicationName, String syncState, double flushLagBytes, Double flushLagSeconds) {}

  /** Null when the primary's replication samples are missing (collector failed or stale). */
  static Layer estimate(Readings primary) {
    if (!primary.has(STANDBYS)) {
      return null;
    }
    List<Candidate> candidates = candidates(primary);
    if (candidates.isEmpty()) {
      return new Layer(Layer.REPLICA, false, null, null);
    }
    if (syncInForce(primary, candidates)) {
      return new Layer(Layer.REPLICA, true, 0.0, 0.0);
    }
    Candidate best = candidates.get(0);
    return new Layer(Layer.REPLICA, true, best.flushLagSeconds(), best.flushLagBytes());
  }

  /** Streaming standbys with a known flush position, most advanced first. */
  static List<Candidate> candidates(Readings primary) {
    List<Candidate> out = new ArrayList<>();
    for (Sample info : primary.all(STANDBY_INFO)) {
      if (!"streaming".equals(Readings.label(info, "state"))) {
        continue; // catchup, startup, backup (pg_basebackup) or hidden from this role
      }
      String app = Readings.label(info, "application_name");
      Double bytes = primary.value(LAG_BYTES, "application_name", app, "stage", "flush");
      if (bytes == null) {
        continue;
      }
      out.add(new Candidate(app, Readings.label(info, "sync_state"), Math.max(0, bytes),
          primary.value(LAG_SECONDS, "application_name", app, "stage", "flush")));
    }
    out.sort(Comparator.comparingDouble(Candidate::flushLagBytes).thenComparing(Candidate::applicationName));
    return out;
  }

  /**
   * The application names of the standbys that each hold every acknowledged commit: those in
   * sync_state {@code sync} while synchronous replication is in force with {@code FIRST n}. Empty
   * otherwise, and for {@code ANY n}, where the acknowledged commits are spread over the quorum.
   */
  static Set<String> holdingEveryAcknowledgedCommit(Readings primary) {
    List<Candidate> candidates = candidates(primary);
    List<Sample> config = primary.all(SYNC_CONFIG);
    if (!syncInForce(primary, candidates) || !"first".equals(Readings.label(config.get(0), "method"))) {
      return Set.of();
    }
    return candidates.stream().filter(c -> "sync".equals(c.syncState())).map(Candidate::applicationName)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  static boolean syncInForce(Readings primary, List<Candidate> candidates) {
    List<Sample> config = primary.all(SYNC_CONFIG);
    Double required = primary.value(SYNC_REQUIRED);
    if (config.isEmpty() || required == null || required < 1) {
      return false;
    }
    String method = Readings.label(config.get(0), "method");
    if (!WAITING_COMMITS.contains(Readings.label(config.get(0), "synchronous_commit"))) {
      return false;
    }
    for (Sample o : primary.all(COMMIT_OVERRIDE)) {
      if (!WAITING_COMMITS.contains(Readings.label(o, "synchronous_commit"))) {
        return false; // some role or database commits without waiting
      }
    }
    String member = switch (method == null ? "" : method) {
      case "first" -> "sync";
      case "any" -> "quorum";
      default -> null;
    };
    if (member == null) {
      return false;
    }
    long inSet = candidates.stream().filter(c -> member.equals(c.syncState())).count();
    return inSet >= required;
  }
}
