package io.drwatch.patroni;

import io.drwatch.cluster.ClusterView;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.collect.postgres.PgReplication;
import io.drwatch.config.PatroniSettings;
import io.drwatch.config.TargetSettings;
import io.drwatch.patroni.PatroniJson.ClusterMember;
import io.drwatch.patroni.PatroniJson.ClusterReport;
import io.drwatch.patroni.PatroniJson.HistoryEntry;
import io.drwatch.patroni.PatroniJson.MemberStatus;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.Derivation;
import io.drwatch.sample.ProbeListener;
import io.drwatch.sample.SampleCache;
import io.drwatch.target.ServerInfo;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Patroni's intent beside the databases' reality. Each poll is recorded here (with the state
 * kept between polls: when a pause began, the last leader change); each exposition rebuild turns
 * the newest poll into series and cross-checks it with the cluster's answer (which target is
 * primary, from the cluster package) and the primary's pg_stat_replication samples. Runs no SQL
 * and no HTTP; a poll older than three intervals is not served.
 */
public final class PatroniDerivation implements Derivation, ProbeListener {

  /** The primary's walsenders, as the replication collector reports them. */
  static final String REPLICATION_COLLECTOR = "replication";
  static final MetricFamily STANDBY_INFO = PgReplication.STANDBY_INFO;

  private final Map<String, PatroniSettings> settings;
  private final Map<String, State> states = new ConcurrentHashMap<>();

  /** What this class keeps per cluster between polls. */
  private static final class State {
    volatile PatroniPoll poll;
    volatile Instant pausedSince;
    final LeaderChanges byApi = new LeaderChanges();
    final LeaderChanges byProbes = new LeaderChanges();
  }

  public PatroniDerivation(Map<String, PatroniSettings> settings) {
    this.settings = Map.copyOf(settings);
    for (String c : settings.keySet()) {
      states.put(c, new State());
    }
  }

  /** The newest poll of a cluster (one poller per cluster calls this). */
  void record(String cluster, PatroniPoll poll) {
    State s = states.get(cluster);
    if (s == null) {
      return;
    }
    ClusterReport r = poll.report();
    if (r != null) {
      if (r.paused() && s.pausedSince == null) {
        s.pausedSince = poll.at();
      } else if (!r.paused()) {
        s.pausedSince = null;
      }
      synchronized (s.byApi) {
        s.byApi.observe(confirmedLeader(poll), poll.at());
      }
    }
    s.poll = poll;
  }

  /** Whether Patroni would fail over by itself now; null when unknown or not a Patroni cluster. */
  public Boolean automaticFailover(String cluster) {
    State s = states.get(cluster);
    PatroniPoll p = s == null ? null : s.poll;
    return p == null ? null : automaticFailover(p);
  }

  @Override
  public void probed(TargetSettings target, ServerInfo server, Instant at) {
    State s = states.get(target.cluster());
    if (s != null && server != null && server.isPostgres() && !server.inRecovery()) {
      synchronized (s.byProbes) {
        s.byProbes.observe(target.name(), at);
      }
    }
  }

  @Override
  public void derive(SampleCache.View view, Instant now, Output out) {
    for (Map.Entry<String, PatroniSettings> e : new TreeMap<>(settings).entrySet()) {
      String cluster = e.getKey();
      State s = states.get(cluster);
      PatroniPoll p = s.poll;
      Duration staleAfter = e.getValue().interval().multipliedBy(3).plus(e.getValue().timeout());
      if (p == null || p.at().plus(staleAfter).isBefore(now)) {
        continue;
      }
      cluster(cluster, e.getValue(), s, p, view, out);
    }
  }

  private void cluster(String cluster, PatroniSettings cfg, State s, PatroniPoll p, SampleCache.View view,
      Output out) {
    ClusterReport r = p.report();
    gauge(out, PatroniFamilies.UP, p.up() ? 1 : 0, cluster);
    gauge(out, PatroniFamilies.POLL_DURATION, p.durationSeconds(), cluster);
    gauge(out, PatroniFamilies.MAX_PAUSE, cfg.maxPause().toMillis() / 1000.0, cluster);
    if (r != null || !p.statuses().isEmpty()) {
      gauge(out, PatroniFamilies.DCS_UP, r != null ? 1 : 0, cluster);
    }
    Map<String, String> targets = MemberTargets.match(cfg, r, view.targets());
    Set<String> members = new TreeSet<>(p.apis().keySet());
    if (r != null) {
      r.members().forEach(m -> members.add(m.name()));
    }
    for (String m : members) {
      URI api = p.apis().get(m);
      ClusterMember cm = r == null ? null : find(r, m);
      String apiUrl = api != null ? api.toString() : (cm == null || cm.apiUrl() == null ? "" : cm.apiUrl());
      out.add(null, new Sample(PatroniFamilies.MEMBER_INFO, List.of(cluster, m, apiUrl,
          targets.getOrDefault(m, "")), 1));
      if (api != null) {
        gauge(out, PatroniFamilies.MEMBER_API_UP, p.statuses().containsKey(m) ? 1 : 0, cluster, m);
      }
      MemberStatus st = p.statuses().get(m);
      if (st != null) {
        gauge(out, PatroniFamilies.MEMBER_PRIMARY, st.primary() ? 1 : 0, cluster, m);
        gauge(out, PatroniFamilies.MEMBER_FAILSAFE_ACTIVE, st.failsafeActive() ? 1 : 0, cluster, m);
        gauge(out, PatroniFamilies.MEMBER_DCS_LAST_SEEN, st.dcsLastSeenSeconds(), cluster, m);
      }
      if (cm == null && r != null) {
        // Known (configured or discovered) but gone from the DCS: its member key expired.
        gauge(out, PatroniFamilies.MEMBER_RUNNING, 0, cluster, m);
      }
      if (cm != null) {
        out.add(null, new Sample(PatroniFamilies.MEMBER_STATE, List.of(cluster, m, nz(cm.role()), nz(cm.state())), 1));
        gauge(out, PatroniFamilies.MEMBER_RUNNING, cm.running() ? 1 : 0, cluster, m);
        gauge(out, PatroniFamilies.MEMBER_LEADER, cm.leader() ? 1 : 0, cluster, m);
        gauge(out, PatroniFamilies.MEMBER_SYNC_STANDBY, cm.syncStandby() ? 1 : 0, cluster, m);
        gauge(out, PatroniFamilies.MEMBER_TIMELINE, cm.timeline() == null ? null : cm.timeline().doubleValue(), cluster, m);
        gauge(out, PatroniFamilies.MEMBER_LAG, cm.lagBytes() == null ? null : cm.lagBytes().doubleValue(), cluster, m);
        gauge(out, PatroniFamilies.MEMBER_PENDING_RESTART, cm.pendingRestart() || (st != null && st.pendingRestart()) ? 1 : 0,
            cluster, m);
        gauge(out, PatroniFamilies.MEMBER_SCHEDULED_RESTART, seconds(cm.scheduledRestartAt()), cluster, m);
        gauge(out, PatroniFamilies.MEMBER_NOFAILOVER, cm.noFailover() ? 1 : 0, cluster, m);
      }
    }
    if (r != null) {
      gauge(out, PatroniFamilies.LAST_SUCCESS, seconds(p.at()), cluster);
      gauge(out, PatroniFamilies.PAUSED, r.paused() ? 1 : 0, cluster);
      gauge(out, PatroniFamilies.PAUSED_SINCE, r.paused() ? seconds(s.pausedSince) : null, cluster);
      gauge(out, PatroniFamilies.SCHEDULED_SWITCHOVER, seconds(r.scheduledSwitchoverAt()), cluster);
      gauge(out, PatroniFamilies.SYNC_STANDBYS, r.members().stream().filter(ClusterMember::syncStandby).count(),
          cluster);
    }
    if (p.config() != null) {
      gauge(out, PatroniFamilies.SYNCHRONOUS_MODE, p.config().synchronousMode() ? 1 : 0, cluster);
      gauge(out, PatroniFamilies.SYNCHRONOUS_MODE_STRICT, p.config().synchronousModeStrict() ? 1 : 0, cluster);
      gauge(out, PatroniFamilies.FAILSAFE_MODE, p.config().failsafeMode() ? 1 : 0, cluster);
    }
    if (r != null || !p.statuses().isEmpty()) {
      gauge(out, PatroniFamilies.LEADERS, leaders(p).size(), cluster);
      gauge(out, PatroniFamilies.AUTOMATIC_FAILOVER, automaticFailover(p) ? 1 : 0, cluster);
    }
    // The cluster package decides which target is primary (null: none, or split brain).
    String primary = ClusterView.of(cluster, view.targets().stream().filter(t -> t.cluster().equals(cluster))
        .toList()).primary();
    ClusterMember leader = r == null ? null : r.leader();
    if (leader != null && primary != null && targets.containsKey(leader.name())) {
      gauge(out, PatroniFamilies.LEADER_MISMATCH, primary.equals(targets.get(leader.name())) ? 0 : 1, cluster);
    }
    Double sync = syncMismatch(p, primary, view);
    gauge(out, PatroniFamilies.SYNC_MISMATCH, sync, cluster);
    history(cluster, p.history(), out);
    LeaderChanges.Change api;
    Double historySeconds;
    synchronized (s.byApi) {
      api = s.byApi.last();
      historySeconds = s.byApi.historySeconds(p.history());
    }
    if (api != null) {
      gauge(out, PatroniFamilies.LEADER_CHANGE, api.seconds(), cluster, "patroni_api");
    }
    gauge(out, PatroniFamilies.LEADER_CHANGE, historySeconds, cluster, "patroni_history");
    LeaderChanges.Change probes;
    synchronized (s.byProbes) {
      probes = s.byProbes.last();
    }
    if (probes != null) {
      gauge(out, PatroniFamilies.LEADER_CHANGE, probes.seconds(), cluster, "probes");
    }
  }

  private static void history(String cluster, List<HistoryEntry> history, Output out) {
    if (history == null) {
      return;
    }
    out.add(null, new Sample(PatroniFamilies.FAILOVERS, List.of(cluster), history.size()));
    if (!history.isEmpty()) {
      HistoryEntry last = history.get(history.size() - 1);
      gauge(out, PatroniFamilies.LAST_PROMOTION, seconds(last.at()), cluster);
      out.add(null, new Sample(PatroniFamilies.LAST_PROMOTION_INFO, List.of(cluster,
          Long.toString(last.timeline()), nz(last.newLeader()), nz(last.reason())), 1));
    }
  }

  /**
   * The leader as the DCS lists it, when its own REST API also answers that its PostgreSQL is
   * primary: the DCS keeps listing a killed leader as running until its key expires (ttl).
   */
  static String confirmedLeader(PatroniPoll p) {
    ClusterMember leader = p.report() == null ? null : p.report().leader();
    if (leader == null || !leader.running()) {
      return null;
    }
    MemberStatus own = p.statuses().get(leader.name());
    return own != null && own.primary() ? leader.name() : null;
  }

  /** Members holding the leader key, or whose own PostgreSQL says it is primary. */
  static Set<String> leaders(PatroniPoll p) {
    Set<String> out = new TreeSet<>();
    if (p.report() != null && p.report().leader() != null) {
      out.add(p.report().leader().name());
    }
    p.statuses().forEach((name, st) -> {
      if (st.primary()) {
        out.add(name);
      }
    });
    return out;
  }

  /**
   * Patroni promotes on its own only when not paused, with the DCS readable, and with a running
   * replica it may promote: not tagged nofailover, and the designated sync standby when
   * synchronous_mode is on.
   */
  static boolean automaticFailover(PatroniPoll p) {
    ClusterReport r = p.report();
    if (r == null || r.paused()) {
      return false;
    }
    boolean sync = p.config() != null && p.config().synchronousMode();
    for (ClusterMember m : r.members()) {
      if (!m.leader() && m.running() && !m.noFailover() && (!sync || m.syncStandby())) {
        return true;
      }
    }
    return false;
  }

  /** 1/0 when synchronous_mode is on and both sides are known; null otherwise. */
  private static Double syncMismatch(PatroniPoll p, String primary, SampleCache.View view) {
    if (p.report() == null || p.config() == null || !p.config().synchronousMode() || primary == null) {
      return null;
    }
    Set<String> designated = new TreeSet<>();
    p.report().members().stream().filter(ClusterMember::syncStandby).forEach(m -> designated.add(m.name()));
    Set<String> reported = null;
    for (CollectorResult cr : view.results()) {
      if (!cr.target().equals(primary) || !cr.success() || !cr.collector().equals(REPLICATION_COLLECTOR)) {
        continue;
      }
      reported = new TreeSet<>(); // the collector ran: no sample means no walsender at all
      for (Sample smp : cr.samples()) {
        if (smp.family().name().equals(STANDBY_INFO.name())) {
          List<String> names = smp.family().labelNames();
          String state = smp.labelValues().get(names.indexOf("sync_state"));
          if (state.equals("sync") || state.equals("quorum")) {
            reported.add(smp.labelValues().get(names.indexOf("application_name")));
          }
        }
      }
    }
    if (reported == null) {
      return null;
    }
    return designated.equals(reported) ? 0.0 : 1.0;
  }

  private static ClusterMember find(ClusterReport r, String name) {
    for (ClusterMember m : r.members()) {
      if (m.name().equals(name)) {
        return m;
      }
    }
    return null;
  }

  private static void gauge(Output out, MetricFamily f, Number value, String... labels) {
    if (value != null) {
      out.add(null, new Sample(f, List.of(labels), value.doubleValue()));
    }
  }

  private static Double seconds(Instant i) {
    return i == null ? null : i.toEpochMilli() / 1000.0;
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
