package io.drwatch.cluster;

import io.drwatch.collect.Sample;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What losing a whole region would cost a cluster now, and whom to promote then. Pure: the
 * members' {@code region} labels, the writer, and the per-standby promotion answers
 * ({@link Promotion}) in; one answer per region out.
 *
 * <p>Losing region R while the writer runs outside R loses nothing (the writer survives). Losing
 * the writer's region costs what the best surviving standby outside R lacks: the least promotion
 * loss among eligible standbys outside R (never a delayed one), the same rule as the cluster's best
 * candidate restricted to survivors. No eligible standby outside R: the loss is +Inf and there is
 * no survivor. A member without a {@code region} label is in no known region: it is never counted
 * as surviving, and a writer without one is taken as lost with any region.
 *
 * <p>Synchronous replication spans regions when a standby the writer's commits wait for
 * ({@code sync_state} sync or quorum) runs in another region; the commit latency it adds is that
 * wait: the largest flush lag among sync standbys ({@code FIRST n}), the n-th smallest among
 * quorum standbys ({@code ANY n}). A walsender is matched to its target by the target's
 * {@code application_name} label, else by the target's name.
 */
final class RegionLoss {

  private RegionLoss() {}

  static final String REGION_LABEL = "region";
  static final String APPLICATION_NAME_LABEL = "application_name";

  /**
   * The answer for one region.
   *
   * @param survivor the member to write on after losing the region (the writer itself when it
   *     runs elsewhere), null when none survives
   * @param survivors eligible members outside the region (the writer counts when it survives)
   */
  record Answer(String region, double lossBytes, Double lossSeconds, String survivor, int survivors) {}

  /**
   * @param regionOf each member's region label (targets without one are absent)
   * @param writer the writer's target, null when none answers
   * @param answers per-standby promotion answers against the writer (live or last seen)
   */
  static List<Answer> answers(Map<String, String> regionOf, String writer, List<Promotion.Answer> answers) {
    List<Answer> out = new ArrayList<>();
    String writerRegion = writer == null ? null : regionOf.get(writer);
    for (String region : new TreeSet<>(regionOf.values())) {
      List<Promotion.Answer> outside = answers.stream().filter(Promotion.Answer::eligible)
          .filter(a -> regionOf.containsKey(a.target()) && !region.equals(regionOf.get(a.target())))
          .toList();
      if (writerRegion != null && !writerRegion.equals(region)) {
        out.add(new Answer(region, 0, 0.0, writer, outside.size() + 1));
        continue;
      }
      Promotion.Answer best = Promotion.best(outside);
      out.add(best == null
          ? new Answer(region, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, null, 0)
          : new Answer(region, best.lossBytes(), best.lossSeconds(), best.target(), outside.size()));
    }
    return out;
  }

  /**
   * Aurora: the regions are the global database's (aurora_global_db_status()). Losing the primary
   * Region costs the smallest RPO lag among the secondaries (Aurora reports no bytes: NaN here
   * means no byte answer); losing another Region loses nothing. The survivor of the primary
   * Region is a secondary cluster, not a target, so it has no survivor target. Null without the
   * writer's global-database samples (then the members' labels decide, as anywhere).
   */
  static List<Answer> aurora(String writer, Readings writerReadings) {
    String primary = null;
    Map<String, Double> rpo = new java.util.TreeMap<>();
    for (Sample s : writerReadings.all(io.drwatch.collect.aurora.AuroraGlobalDb.REGION)) {
      String region = Readings.label(s, "aws_region");
      if ("primary".equals(Readings.label(s, "role"))) {
        primary = region;
      }
    }
    for (Sample s : writerReadings.all(io.drwatch.collect.aurora.AuroraGlobalDb.RPO_LAG)) {
      rpo.put(Readings.label(s, "aws_region"), s.value());
    }
    if (primary == null) {
      return null;
    }
    List<Answer> out = new ArrayList<>();
    Set<String> regions = new TreeSet<>(rpo.keySet());
    regions.add(primary);
    for (String region : regions) {
      if (!region.equals(primary)) {
        out.add(new Answer(region, 0, 0.0, writer, rpo.size()));
        continue;
      }
      Double best = rpo.values().stream().min(Comparator.naturalOrder()).orElse(null);
      out.add(best == null
          ? new Answer(region, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, null, 0)
          : new Answer(region, Double.NaN, best, null, rpo.size()));
    }
    return out;
  }

  /** Whether sync replication spans regions, and what it adds to each commit. */
  record Sync(boolean crossRegion, Double commitLatencySeconds) {}

  /**
   * From the writer's replication samples; null when the writer waits for no standby, or when a
   * standby it waits for cannot be placed in a region.
   *
   * @param applicationNames application_name to target, for the cluster's standbys
   */
  static Sync sync(Readings writer, String writerRegion, Map<String, String> applicationNames,
      Map<String, String> regionOf) {
    if (writerRegion == null) {
      return null;
    }
    Double required = writer.value(ReplicaLayer.SYNC_REQUIRED);
    boolean crossRegion = false;
    List<Double> syncLags = new ArrayList<>();
    List<Double> quorumLags = new ArrayList<>();
    for (Sample info : writer.all(ReplicaLayer.STANDBY_INFO)) {
      String state = Readings.label(info, "sync_state");
      if (!"streaming".equals(Readings.label(info, "state")) || !Set.of("sync", "quorum").contains(state)) {
        continue;
      }
      String app = Readings.label(info, "application_name");
      String target = app == null ? null : applicationNames.get(app);
      String region = target == null ? null : regionOf.get(target);
      if (region == null) {
        return null;
      }
      crossRegion |= !region.equals(writerRegion);
      Double lag = writer.value(ReplicaLayer.LAG_SECONDS, "application_name", app, "stage", "flush");
      (state.equals("sync") ? syncLags : quorumLags).add(lag == null ? 0.0 : lag);
    }
    if (syncLags.isEmpty() && quorumLags.isEmpty()) {
      return null;
    }
    Double latency;
    if (!syncLags.isEmpty()) {
      latency = syncLags.stream().max(Comparator.naturalOrder()).orElseThrow();
    } else {
      quorumLags.sort(Comparator.naturalOrder());
      int n = required == null ? 1 : (int) Math.max(1, Math.min(quorumLags.size(), required));
      latency = quorumLags.get(n - 1);
    }
    return new Sync(crossRegion, latency);
  }
}
