package io.drwatch.cluster;

import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.collect.postgres.PgSettings;
import io.drwatch.collect.postgres.PgStandby;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ClusterSettings;
import io.drwatch.config.TargetSettings;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.Derivation;
import io.drwatch.sample.ProbeListener;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.Flavor;
import io.drwatch.target.ManagedService;
import io.drwatch.target.ServerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster view: fed by every probe (failovers, outages) and asked for its series whenever the
 * exposition is rebuilt, which it computes from the cached samples of each cluster's members with
 * the pure functions of this package. It never runs SQL, and its work follows cache changes, not
 * scrapes. CockroachDB-only clusters are left to their own collectors.
 */
public final class ClusterDerivation implements Derivation, ProbeListener {

  static final String STANDBY_COLLECTOR = PgStandby.NAME;
  static final String BACKUP_COLLECTOR = "pgbackrest";
  static final MetricFamily REPLAY_BACKLOG = PgStandby.REPLAY_LAG;
  static final MetricFamily RECEIVE_LSN = PgStandby.RECEIVE_LSN;
  static final MetricFamily APPLY_DELAY = PgSettings.APPLY_DELAY;

  private final Map<String, ClusterSettings> clusters;
  private final Map<String, Flavor> configuredFlavors = new HashMap<>();
  private final FailoverTracker failovers = new FailoverTracker();
  private final OutageTracker outages = new OutageTracker();
  private final ReplayRates rates = new ReplayRates();
  private final WriterPositions writers = new WriterPositions();
  /**
   * Per cluster, the standbys its writer last waited for ({@code FIRST n}, sync): kept while no
   * writer answers, when which standby holds every acknowledged commit decides whom to promote.
   */
  private final Map<String, Set<String>> synchronousTargets = new java.util.concurrent.ConcurrentHashMap<>();
  /** Per cluster, what its writer's archiver last showed: the archive layer's answer once it is gone. */
  private final Map<String, ArchiveLayer.Archived> archived = new java.util.concurrent.ConcurrentHashMap<>();
  /** Whether an HA manager would fail over by itself (false: the RTO is +Inf); null when unknown. */
  private volatile java.util.function.Function<String, Boolean> automaticFailover = c -> null;

  public ClusterDerivation(AgentConfig config) {
    this.clusters = Map.copyOf(config.clusters());
    for (TargetSettings t : config.targets()) {
      configuredFlavors.put(t.name(), t.flavor());
    }
  }

  /** A reload changed the targets: their configured flavors; removed targets' state goes. */
  public synchronized void targetsChanged(java.util.List<TargetSettings> targets) {
    configuredFlavors.clear();
    for (TargetSettings t : targets) {
      configuredFlavors.put(t.name(), t.flavor());
    }
    outages.retainOnly(configuredFlavors.keySet());
    failovers.retainOnly(configuredFlavors.keySet());
    writers.retainOnly(configuredFlavors.keySet());
  }

  @Override
  public void probed(TargetSettings target, ServerInfo server, Instant at) {
    failovers.observe(target.cluster(), target.name(), server, at);
    outages.observe(target.name(), target.cluster(), server != null, at);
    if (server != null && server.isPostgres() && !server.inRecovery() && server.wal() != null
        && server.wal().current() != null && server.systemIdentifier() != null) {
      writers.saw(new WriterPositions.Seen(target.cluster(), target.name(), server.systemIdentifier(),
          at.toEpochMilli() / 1000.0, server.wal().current()));
    }
  }

  @Override
  public synchronized void derive(SampleCache.View view, Instant now, Output out) {
    Map<String, Map<String, CollectorResult>> results = new HashMap<>();
    for (CollectorResult r : view.results()) {
      results.computeIfAbsent(r.target(), k -> new HashMap<>()).put(r.collector(), r);
    }
    Map<String, List<Member>> byCluster = new TreeMap<>();
    for (TargetStatus t : view.targets()) {
      Map<String, CollectorResult> own = results.getOrDefault(t.name(), Map.of());
      List<Sample> samples = new ArrayList<>();
      own.values().forEach(r -> samples.addAll(r.samples()));
      byCluster.computeIfAbsent(t.cluster(), k -> new ArrayList<>())
          .add(new Member(t, new Readings(samples), own));
    }
    double nowSeconds = now.toEpochMilli() / 1000.0;
    Set<String> standbys = new HashSet<>();
    byCluster.forEach((cluster, members) -> {
      if (!cockroachOnly(members)) {
        cluster(cluster, members, nowSeconds, out, standbys);
      }
    });
    rates.retain(standbys);
    new TreeMap<>(clusters).forEach((name, c) -> {
      gauge(out, null, ClusterFamilies.RPO_OBJECTIVE_SECONDS, seconds(c.rpoObjective()), name);
      gauge(out, null, ClusterFamilies.RPO_OBJECTIVE_BYTES,
          c.rpoObjectiveBytes() == null ? null : c.rpoObjectiveBytes().doubleValue(), name);
      gauge(out, null, ClusterFamilies.RTO_OBJECTIVE_SECONDS, seconds(c.rtoObjective()), name);
    });
    outages.snapshots().forEach((target, s) -> {
      out.histogram(target, ClusterFamilies.OUTAGE, List.of(s.cluster()), s.upperBounds(), s.counts(), s.sum());
      gauge(out, target, ClusterFamilies.LAST_OUTAGE, s.lastSeconds(), s.cluster());
    });
  }

  private void cluster(String cluster, List<Member> members, double now, Output out, Set<String> standbys) {
    Topology top = Topology.of(members);
    if (!top.probed()) {
      return; // agent start: a member not probed yet is not a missing member
    }
    gauge(out, null, ClusterFamilies.PRIMARIES, (double) top.primaries(), cluster);
    gauge(out, null, ClusterFamilies.MEMBERS_IN_RECOVERY, (double) top.inRecovery(), cluster);
    gauge(out, null, ClusterFamilies.SYSTEM_IDENTIFIERS, (double) top.systemIdentifiers(), cluster);
    gauge(out, null, ClusterFamilies.HIGHEST_TIMELINE, toDouble(top.highestTimeline()), cluster);
    gauge(out, null, ClusterFamilies.LOWEST_TIMELINE, toDouble(top.lowestTimeline()), cluster);
    out.add(null, new Sample(ClusterFamilies.FAILOVERS, List.of(cluster), failovers.failovers(cluster)));
    Instant last = failovers.lastFailoverAt(cluster);
    gauge(out, null, ClusterFamilies.LAST_FAILOVER, last == null ? null : last.toEpochMilli() / 1000.0, cluster);

    List<Double> catchups = new ArrayList<>();
    for (Member s : top.standbys()) {
      standbys.add(s.target());
    }
    for (Member s : top.standbys()) {
      Double c = catchup(s, top);
      catchups.add(c);
      gauge(out, s.target(), ClusterFamilies.STANDBY_CATCHUP, c, cluster);
    }
    List<Promotion.Answer> answers = new ArrayList<>();
    Promotion.Answer best = promotion(cluster, top, out, answers);
    regions(cluster, members, top, answers, out);

    List<Layer> layers = new ArrayList<>();
    boolean aurora = top.writer() != null && ManagedLayers.isAurora(top.writer());
    if (aurora) {
      addIfPresent(layers, ManagedLayers.auroraReplica(top.writer().readings()));
    } else if (top.writer() != null) {
      Readings primary = top.writer().readings();
      addIfPresent(layers, ReplicaLayer.estimate(primary));
      Duration readyMaxAge = clusters.getOrDefault(cluster, ClusterSettings.unconfigured(cluster)).archiveReadyMaxAge();
      Layer archive = ArchiveLayer.estimate(primary, now, readyMaxAge.toMillis() / 1000.0);
      addIfPresent(layers, archive);
      ArchiveLayer.Archived a = ArchiveLayer.archived(primary, archive);
      if (a != null) {
        archived.put(cluster, a);
      } else if (archive != null) {
        archived.remove(cluster); // archiving off, or its position unreadable: nothing to carry over
      }
    } else if (top.primaries() == 0 && writers.last(cluster) != null) {
      // The writer is gone: recovery through a standby costs what the best candidate lacks of
      // the writer's last seen position, through the archive what it had not archived (lower
      // bounds, drwatch_cluster_rpo_estimate_lower_bound).
      layers.add(best == null ? new Layer(Layer.REPLICA, false, null, null)
          : new Layer(Layer.REPLICA, true, best.lossSeconds(), best.lossBytes()));
      WriterPositions.Seen seen = writers.last(cluster);
      ArchiveLayer.Archived a = archived.get(cluster);
      if (a != null) {
        layers.add(ArchiveLayer.afterWriter(a, seen.lsn(), seen.at(), lsn -> writers.passedAt(seen.target(), lsn)));
      }
    }
    if (top.writer() != null && ManagedLayers.service(top.writer()) != ManagedService.NONE) {
      gauge(out, null, ClusterFamilies.LAYER_MANAGED, 1.0, cluster, Layer.ARCHIVE,
          ManagedLayers.service(top.writer()).label());
    }
    addIfPresent(layers, backupLayer(members, now));
    for (Layer l : layers) {
      gauge(out, null, ClusterFamilies.LAYER_HEALTHY, l.healthy() ? 1.0 : 0.0, cluster, l.name());
      gauge(out, null, ClusterFamilies.RPO_SECONDS, l.seconds(), cluster, l.name());
      gauge(out, null, ClusterFamilies.RPO_BYTES, l.bytes(), cluster, l.name());
    }
    Layer.Effective effective = Layer.effective(layers, top.writer() != null);
    if (aurora && effective.bytes() != null && effective.bytes().isInfinite()) {
      effective = new Layer.Effective(effective.seconds(), null); // Aurora reports no loss in bytes
    }
    gauge(out, null, ClusterFamilies.RPO_EFFECTIVE_SECONDS, effective.seconds(), cluster);
    gauge(out, null, ClusterFamilies.RPO_EFFECTIVE_BYTES, effective.bytes(), cluster);

    Duration overhead = clusters.getOrDefault(cluster, ClusterSettings.unconfigured(cluster)).promotionOverhead();
    // Recovery promotes the best candidate, so its catch-up is the one that counts.
    List<Double> rtoInputs = best == null ? catchups : java.util.Collections.singletonList(best.catchupSeconds());
    boolean manual = Boolean.FALSE.equals(automaticFailover.apply(cluster));
    gauge(out, null, ClusterFamilies.RTO,
        manual ? Double.valueOf(Double.POSITIVE_INFINITY) : Rto.estimate(rtoInputs, overhead), cluster);
  }

  /**
   * Where the RTO estimate learns whether failover is automatic: a Patroni cluster in maintenance
   * mode, or without a replica it may promote, answers false, recovery waits for a person, and the
   * estimate is +Inf.
   */
  public void automaticFailover(java.util.function.Function<String, Boolean> hook) {
    this.automaticFailover = hook;
  }

  /**
   * Per-standby promotion answers against the writer: live while one primary answers, its last
   * seen position while none does. None in split brain (which writer's WAL would be lost is the
   * question then) or before any writer was seen. Returns the best candidate, or null.
   */
  private Promotion.Answer promotion(String cluster, Topology top, Output out, List<Promotion.Answer> sink) {
    WriterPositions.Seen seen;
    if (top.writer() != null) {
      ServerInfo w = top.writer().server();
      seen = writers.last(cluster, w.systemIdentifier());
      if (w.wal() != null && w.wal().current() != null && top.writer().status().lastProbeAt() != null
          && (seen == null || !seen.target().equals(top.writer().target()))) {
        seen = new WriterPositions.Seen(cluster, top.writer().target(), w.systemIdentifier(),
            top.writer().status().lastProbeAt().toEpochMilli() / 1000.0, w.wal().current());
      }
    } else if (top.primaries() == 0) {
      seen = writers.last(cluster);
    } else {
      return null;
    }
    if (seen == null) {
      return null;
    }
    Set<String> synchronous = synchronousStandbys(cluster, top);
    List<Promotion.Standby> inputs = new ArrayList<>();
    for (Member m : top.standbys()) {
      ServerInfo s = m.server();
      if (!seen.systemIdentifier().equals(s.systemIdentifier()) || s.wal() == null || s.wal().held() == null) {
        continue;
      }
      double replayed = s.wal().replayed() == null ? s.wal().held() : s.wal().replayed();
      inputs.add(new Promotion.Standby(m.target(), s.wal().held(), replayed, replayRate(m, top), delayed(m),
          synchronous.contains(m.target())));
    }
    String writerTarget = seen.target();
    List<Promotion.Answer> answers = Promotion.answers(
        new Promotion.Writer(seen.lsn(), seen.at(), lsn -> writers.passedAt(writerTarget, lsn)), inputs);
    sink.addAll(answers);
    for (Promotion.Answer a : answers) {
      gauge(out, a.target(), ClusterFamilies.PROMOTION_LOSS_BYTES, a.lossBytes(), cluster);
      gauge(out, a.target(), ClusterFamilies.PROMOTION_LOSS_SECONDS, a.lossSeconds(), cluster);
      gauge(out, a.target(), ClusterFamilies.PROMOTION_CATCHUP, a.catchupSeconds(), cluster);
    }
    Promotion.Answer best = Promotion.best(answers);
    if (best != null) {
      out.add(best.target(), new Sample(ClusterFamilies.BEST_CANDIDATE, List.of(cluster), 1.0));
    }
    gauge(out, null, ClusterFamilies.WRITER_LAST_SEEN, seen.at(), cluster);
    gauge(out, null, ClusterFamilies.WRITER_LAST_SEEN_LSN, seen.lsn(), cluster);
    gauge(out, null, ClusterFamilies.RPO_LOWER_BOUND, top.writer() == null ? 1.0 : 0.0, cluster);
    return best;
  }

  /**
   * How the writer's walsenders name these members: a target's {@code application_name} label,
   * else its name (the application_name a standby connects with), mapped to the target.
   */
  private static Map<String, String> targetsByApplicationName(List<Member> members) {
    Map<String, String> out = new HashMap<>();
    for (Member m : members) {
      out.put(m.status().labels().getOrDefault(RegionLoss.APPLICATION_NAME_LABEL, m.target()), m.target());
    }
    return out;
  }

  /**
   * The targets the writer waits for to flush each commit (sync under {@code FIRST n}, in force),
   * from its replication samples while it answers; with no writer, those it last waited for.
   */
  private Set<String> synchronousStandbys(String cluster, Topology top) {
    if (top.writer() == null) {
      return synchronousTargets.getOrDefault(cluster, Set.of());
    }
    Map<String, String> targetOf = targetsByApplicationName(top.standbys());
    Set<String> now = new java.util.TreeSet<>();
    for (String app : ReplicaLayer.holdingEveryAcknowledgedCommit(top.writer().readings())) {
      if (targetOf.containsKey(app)) {
        now.add(targetOf.get(app));
      }
    }
    synchronousTargets.put(cluster, Set.copyOf(now));
    return now;
  }

  /**
   * When a member's probe last showed a promotion or a new timeline in the cluster, or null. Live
   * (fed by the probes, not the rebuilds): endpoints time their failovers with it.
   */
  public Instant lastFailoverAt(String cluster) {
    return failovers.lastFailoverAt(cluster);
  }

  /**
   * Per region of the cluster's members ({@code region} label): what losing it would cost and
   * whom to promote then, from the promotion answers; whether sync replication spans regions.
   */
  private void regions(String cluster, List<Member> members, Topology top, List<Promotion.Answer> answers,
      Output out) {
    Map<String, String> regionOf = new HashMap<>();
    for (Member m : members) {
      String region = m.status().labels().get(RegionLoss.REGION_LABEL);
      if (region != null && !region.isBlank()) {
        regionOf.put(m.target(), region);
      }
    }
    Map<String, String> applicationNames = targetsByApplicationName(members);
    String writer = top.writer() == null ? null : top.writer().target();
    List<RegionLoss.Answer> regionAnswers = top.writer() != null && ManagedLayers.isAurora(top.writer())
        ? RegionLoss.aurora(writer, top.writer().readings()) : null;
    if (regionAnswers == null && regionOf.isEmpty()) {
      return;
    }
    if (writer == null && answers.isEmpty()) {
      return; // no writer and none ever seen (or split brain): nothing to lose yet, or no answer
    }
    if (regionAnswers == null) {
      regionAnswers = RegionLoss.answers(regionOf, writer, answers);
    }
    for (RegionLoss.Answer a : regionAnswers) {
      gauge(out, null, ClusterFamilies.REGION_LOSS_BYTES, Double.isNaN(a.lossBytes()) ? null : a.lossBytes(),
          cluster, a.region());
      gauge(out, null, ClusterFamilies.REGION_LOSS_SECONDS, a.lossSeconds(), cluster, a.region());
      gauge(out, null, ClusterFamilies.REGION_SURVIVORS, (double) a.survivors(), cluster, a.region());
      if (a.survivor() != null) {
        out.add(a.survivor(), new Sample(ClusterFamilies.REGION_SURVIVOR, List.of(cluster, a.region()), 1.0));
      }
    }
    if (top.writer() != null) {
      RegionLoss.Sync sync = RegionLoss.sync(top.writer().readings(), regionOf.get(writer), applicationNames, regionOf);
      if (sync != null) {
        gauge(out, null, ClusterFamilies.SYNC_CROSS_REGION, sync.crossRegion() ? 1.0 : 0.0, cluster);
        gauge(out, null, ClusterFamilies.SYNC_COMMIT_LATENCY, sync.commitLatencySeconds(), cluster);
      }
    }
  }

  /** The backup layer from every member's pgbackrest samples, bound to this cluster's system identifiers. */
  private static Layer backupLayer(List<Member> members, double now) {
    Set<String> systemIds = new java.util.TreeSet<>();
    int failed = 0;
    for (Member m : members) {
      if (m.server() != null && m.server().systemIdentifier() != null) {
        systemIds.add(m.server().systemIdentifier());
      }
      CollectorResult r = m.results().get(BACKUP_COLLECTOR);
      if (r != null && !r.success()) {
        failed++;
      }
    }
    return BackupLayer.estimate(members.stream().map(Member::readings).toList(), systemIds, failed, now);
  }

  /** Feeds the standby's newest sample to its replay rate and estimates its catch-up time. */
  private Double catchup(Member standby, Topology top) {
    Double backlog = standby.readings().value(REPLAY_BACKLOG);
    Double received = standby.readings().value(RECEIVE_LSN);
    CollectorResult r = standby.results().get(STANDBY_COLLECTOR);
    if (backlog != null && received != null && r != null) {
      rates.update(standby.target(), r.finishedAt().toEpochMilli() / 1000.0, received - backlog,
          backlog, delayed(standby));
    }
    return Rto.catchup(backlog, replayRate(standby, top));
  }

  /** recovery_min_apply_delay above 0: it lags on purpose, and promotion skips the delay. */
  private static boolean delayed(Member standby) {
    Double delay = standby.readings().value(APPLY_DELAY);
    return delay != null && delay > 0;
  }

  /** The rate its catch-up is estimated at: a delayed standby's own movement is the write rate. */
  private Double replayRate(Member standby, Topology top) {
    if (!delayed(standby)) {
      return rates.rate(standby.target());
    }
    return rates.unthrottled(standby.target(), top.standbys().stream().filter(m -> !delayed(m))
        .map(Member::target).toList());
  }

  /**
   * A cluster whose every member is known (configured or detected) to be CockroachDB has no
   * primaries or timelines to count.
   */
  private boolean cockroachOnly(List<Member> members) {
    for (Member m : members) {
      ServerInfo s = m.status().server();
      Flavor f = s != null ? s.flavor() : configuredFlavors.getOrDefault(m.target(), Flavor.AUTO);
      if (f != Flavor.COCKROACHDB) {
        return false;
      }
    }
    return true;
  }

  private static void addIfPresent(List<Layer> layers, Layer l) {
    if (l != null) {
      layers.add(l);
    }
  }

  private static void gauge(Output out, String target, MetricFamily f, Double value, String... labels) {
    if (value != null) {
      out.add(target, new Sample(f, List.of(labels), value));
    }
  }

  private static Double seconds(Duration d) {
    return d == null ? null : d.toMillis() / 1000.0;
  }

  private static Double toDouble(Long v) {
    return v == null ? null : v.doubleValue();
  }
}
