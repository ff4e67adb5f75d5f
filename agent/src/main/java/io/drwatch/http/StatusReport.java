package io.drwatch.http;

import io.drwatch.cluster.ClusterFamilies;
import io.drwatch.cluster.ClusterView;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.collect.backup.Pgbackrest;
import io.drwatch.collect.cockroach.CrdbLiveness;
import io.drwatch.collect.cockroach.CrdbSchedules;
import io.drwatch.collect.cockroach.CrdbStores;
import io.drwatch.collect.postgres.PgArchiver;
import io.drwatch.collect.postgres.PgReplication;
import io.drwatch.collect.postgres.PgStandby;
import io.drwatch.collect.postgres.PgSyncReplication;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.ServerInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON behind the status page ({@code /api/clusters}, docs/status-page.md): per cluster, the
 * cluster package's answers and the members' details. Roles, the primary and split brain are the
 * published {@link ClusterView}; RPO per layer and effective, RTO, catch-up, the promotion answers,
 * failovers and outages are the cluster series as last published on /metrics; nothing about a
 * cluster is decided again here. Replication, archiving and backup details are the collectors'
 * cached samples, read by the collectors' own family constants. {@code state} and
 * {@code problems} only put those answers into words and an order of urgency.
 */
final class StatusReport {

  static final String OK = "ok";
  static final String WARNING = "warning";
  static final String CRITICAL = "critical";
  static final String UNKNOWN = "unknown";

  /** History series names (docs/status-page.md). */
  static final String H_RPO = "rpo_effective_seconds";
  static final String H_LAG_BYTES = "lag_bytes";
  static final String H_LAG_SECONDS = "lag_seconds";

  private StatusReport() {}

  /** One member's current samples by family name. */
  private static final class Facts {
    final TargetStatus status;
    final Map<String, List<Sample>> byFamily = new HashMap<>();
    Instant oldestResult;
    /** The cluster view's answer for this member (null before the view knows it). */
    ClusterView.MemberState state;

    Facts(TargetStatus status) {
      this.status = status;
    }

    String name() {
      return status.name();
    }

    ClusterView.Role role() {
      return state == null ? ClusterView.Role.NOT_PROBED : state.role();
    }

    List<Sample> all(MetricFamily family) {
      return byFamily.getOrDefault(family.name(), List.of());
    }

    Double value(MetricFamily family, String... labelPairs) {
      for (Sample s : all(family)) {
        if (matches(s, labelPairs)) {
          return s.value();
        }
      }
      return null;
    }
  }

  static JsonObject build(SampleCache.View view, Map<String, ClusterView> views, PublishedSeries published,
      StatusHistory history, Instant now, String version) {
    Map<String, List<Facts>> clusters = group(view, views);
    JsonArray out = new JsonArray();
    clusters.forEach((name, members) -> out.add(cluster(name, views.get(name), members, published, history, now)));
    JsonArray times = new JsonArray();
    for (long t : history.times()) {
      times.add(t / 1000.0);
    }
    return new JsonObject()
        .put("generated_at", iso(now))
        .put("agent_version", version)
        .put("history", new JsonObject()
            .put("step_seconds", StatusHistory.STEP.toSeconds())
            .put("window_seconds", StatusHistory.STEP.toSeconds() * StatusHistory.CAPACITY)
            .put("times", times))
        .put("clusters", out);
  }

  /** What the history keeps from this view: effective RPO per cluster, lag per standby. */
  static Map<String, Double> historyValues(SampleCache.View view, Map<String, ClusterView> views,
      PublishedSeries published) {
    Map<String, Double> out = new HashMap<>();
    group(view, views).forEach((cluster, members) -> {
      Double rpo = published.value(ClusterFamilies.RPO_EFFECTIVE_SECONDS, "cluster", cluster);
      out.put(StatusHistory.key(cluster, H_RPO, null), finiteOrNull(rpo));
      for (Facts p : primaryServers(members)) {
        for (Sample info : p.all(PgReplication.STANDBY_INFO)) {
          String app = label(info, "application_name");
          out.put(StatusHistory.key(cluster, H_LAG_BYTES, app),
              p.value(PgReplication.LAG_BYTES, "application_name", app, "stage", "replay"));
          out.put(StatusHistory.key(cluster, H_LAG_SECONDS, app),
              p.value(PgReplication.LAG_SECONDS, "application_name", app, "stage", "replay"));
        }
      }
    });
    return out;
  }

  /** One target per primary server (the cluster view's answer), first by name: a VIP counts once. */
  private static List<Facts> primaryServers(List<Facts> members) {
    Set<String> servers = new HashSet<>();
    List<Facts> out = new ArrayList<>();
    for (Facts m : members) {
      if (m.role() == ClusterView.Role.PRIMARY && servers.add(m.state.server())) {
        out.add(m);
      }
    }
    return out;
  }

  private static Map<String, List<Facts>> group(SampleCache.View view, Map<String, ClusterView> views) {
    Map<String, Facts> byTarget = new LinkedHashMap<>();
    Map<String, List<Facts>> clusters = new TreeMap<>();
    for (TargetStatus t : view.targets()) {
      Facts f = new Facts(t);
      ClusterView cv = views.get(t.cluster());
      f.state = cv == null ? null : cv.member(t.name()).orElse(null);
      byTarget.put(t.name(), f);
      clusters.computeIfAbsent(t.cluster(), k -> new ArrayList<>()).add(f);
    }
    for (CollectorResult r : view.results()) {
      Facts f = byTarget.get(r.target());
      if (f == null || !r.success()) {
        continue;
      }
      for (Sample s : r.samples()) {
        f.byFamily.computeIfAbsent(s.family().name(), k -> new ArrayList<>()).add(s);
      }
      if (f.oldestResult == null || r.finishedAt().isBefore(f.oldestResult)) {
        f.oldestResult = r.finishedAt();
      }
    }
    clusters.values().forEach(l -> l.sort(Comparator.comparing(Facts::name)));
    return clusters;
  }

  private static JsonObject cluster(String name, ClusterView view, List<Facts> members, PublishedSeries published,
      StatusHistory history, Instant now) {
    Problems problems = new Problems();
    boolean cockroach = !members.isEmpty() && members.stream().allMatch(m -> m.status.server() != null
        && m.status.server().isCockroach());
    JsonObject c = new JsonObject().put("name", name).put("flavor", cockroach ? "cockroachdb" : "postgresql");
    Instant dataAt = null;
    Instant oldest = null;
    boolean probed = true;
    for (Facts m : members) {
      Instant p = m.status.lastProbeAt();
      probed &= p != null;
      if (p != null && (dataAt == null || p.isBefore(dataAt))) {
        dataAt = p;
      }
      Instant o = m.oldestResult;
      if (o != null && (oldest == null || o.isBefore(oldest))) {
        oldest = o;
      }
    }
    c.put("data_at", iso(dataAt)).put("oldest_sample_at", iso(oldest));

    JsonArray memberJson = new JsonArray();
    for (Facts m : members) {
      memberJson.add(member(name, m, members, published, history, problems));
    }
    c.put("members", memberJson);

    if (cockroach) {
      c.put("cockroach", cockroach(members, problems));
    } else {
      boolean judged = view != null && view.probed();
      List<String> writers = members.stream().filter(m -> m.role() == ClusterView.Role.PRIMARY).map(Facts::name)
          .toList();
      c.put("primaries", judged ? view.primaries() : null)
          .put("primary", judged ? view.primary() : null)
          .put("split_brain", judged ? view.splitBrain() : null)
          .put("members_accepting_writes", new JsonArray(new ArrayList<>(writers)));
      JsonObject promotion = promotion(name, members, published);
      if (judged && view.splitBrain()) {
        problems.add(CRITICAL, "split_brain", "Split brain: " + view.primaries()
            + " members accept writes (" + String.join(", ", writers)
            + "). Stop writes to all but one before anything else.");
      } else if (judged && view.primaries() == 0) {
        String best = promotion.getString("best_candidate");
        problems.add(CRITICAL, "no_primary", "No primary: no reachable member accepts writes."
            + (best == null ? "" : " Best candidate to promote: " + best + lossWords(promotion, best) + "."));
      }
      c.put("timelines", new JsonObject()
          .put("highest", view == null ? null : view.highestTimeline())
          .put("lowest", view == null ? null : view.lowestTimeline()));
      c.put("replication", replication(members, problems));
      c.put("rpo", rpo(name, published, history, problems));
      c.put("rto", rto(name, published, problems));
      c.put("promotion", promotion);
      c.put("regions", regions(name, published, problems));
      c.put("sync_cross_region", bool(published.value(ClusterFamilies.SYNC_CROSS_REGION, "cluster", name)));
      c.put("sync_commit_latency_seconds", finite(published.value(ClusterFamilies.SYNC_COMMIT_LATENCY, "cluster",
          name)));
      c.put("archiving", archiving(members, problems, now));
      c.put("failovers", new JsonObject()
          .put("observed_total", toLong(published.value(ClusterFamilies.FAILOVERS, "cluster", name)))
          .put("last_at", isoSeconds(published.value(ClusterFamilies.LAST_FAILOVER, "cluster", name))));
    }
    c.put("backups", backups(members, problems));
    if (!probed) {
      problems.add(UNKNOWN, "not_probed", "Not every member has been probed yet.");
    }
    c.put("state", problems.state()).put("problems", problems.json());
    return c;
  }

  private static JsonObject member(String cluster, Facts m, List<Facts> all, PublishedSeries published,
      StatusHistory history, Problems problems) {
    TargetStatus t = m.status;
    ServerInfo known = t.server();
    String role = switch (m.role()) {
      case PRIMARY -> "primary";
      case STANDBY -> "standby";
      case COCKROACHDB -> "cockroachdb";
      case DOWN, NOT_PROBED -> null;
    };
    List<String> sameServer = m.state == null ? List.of() : new ArrayList<>(all.stream()
        .filter(o -> o != m && o.state != null && o.state.server().equals(m.state.server())).map(Facts::name).toList());
    JsonObject o = new JsonObject()
        .put("target", t.name())
        .put("up", t.up())
        .put("role", role)
        .put("last_known_role", known == null ? null : known.role())
        .put("same_server_as", new JsonArray(sameServer))
        .put("region", t.labels().get("region"))
        .put("timeline", known == null ? null : known.timeline())
        .put("version", known == null ? null : known.version())
        .put("reason", t.up() ? null : t.lastError())
        .put("probed_at", iso(t.lastProbeAt()))
        .put("last_up_at", iso(t.lastUpAt()))
        .put("last_outage_seconds", published.value(ClusterFamilies.LAST_OUTAGE, "cluster", cluster,
            "target", t.name()));
    if (t.lastProbeAt() != null && !t.up()) {
      problems.add(WARNING, "member_down", t.name() + " is down: "
          + (t.lastError() == null ? "no answer" : t.lastError()));
    }
    if (m.role() == ClusterView.Role.STANDBY) {
      Double streaming = m.value(PgStandby.STREAMING);
      o.put("streaming", streaming == null ? null : streaming == 1)
          .put("replay_backlog_bytes", m.value(PgStandby.REPLAY_LAG))
          .put("replay_delay_seconds", m.value(PgStandby.REPLAY_DELAY))
          .put("replay_paused", bool(m.value(PgStandby.PAUSED)))
          .put("catchup_seconds", finite(published.value(ClusterFamilies.STANDBY_CATCHUP, "cluster", cluster,
              "target", t.name())));
      if (streaming != null && streaming == 0) {
        problems.add(WARNING, "not_streaming", t.name() + " is a standby that is not streaming WAL.");
      }
      o.put("seen_by_primary", seenByPrimary(t.name(), all));
      o.put("promotion", candidate(cluster, t.name(), published));
      o.put("history", new JsonObject()
          .put(H_LAG_BYTES, values(history, StatusHistory.key(cluster, H_LAG_BYTES, t.name())))
          .put(H_LAG_SECONDS, values(history, StatusHistory.key(cluster, H_LAG_SECONDS, t.name()))));
    }
    return o;
  }

  /**
   * The walsender whose application_name is this standby's target name, on a member accepting
   * writes: sync state and lag as the primary reports them (the sandbox, Patroni and most setups
   * name a standby's connection after the member).
   */
  private static JsonObject seenByPrimary(String target, List<Facts> all) {
    for (Facts p : primaryServers(all)) {
      for (Sample info : p.all(PgReplication.STANDBY_INFO)) {
        if (target.equals(label(info, "application_name"))) {
          return walsender(p, info).put("primary", p.name());
        }
      }
    }
    return null;
  }

  private static JsonObject walsender(Facts primary, Sample info) {
    String app = label(info, "application_name");
    JsonObject bytes = new JsonObject();
    for (String stage : List.of("sent", "write", "flush", "replay")) {
      bytes.put(stage, primary.value(PgReplication.LAG_BYTES, "application_name", app, "stage", stage));
    }
    JsonObject seconds = new JsonObject();
    for (String stage : List.of("write", "flush", "replay")) {
      seconds.put(stage, primary.value(PgReplication.LAG_SECONDS, "application_name", app, "stage", stage));
    }
    return new JsonObject()
        .put("application_name", app)
        .put("client_addr", label(info, "client_addr"))
        .put("state", label(info, "state"))
        .put("sync_state", label(info, "sync_state"))
        .put("lag_bytes", bytes)
        .put("lag_seconds", seconds);
  }

  private static JsonArray replication(List<Facts> members, Problems problems) {
    JsonArray out = new JsonArray();
    for (Facts p : primaryServers(members)) {
      JsonArray standbys = new JsonArray();
      for (Sample info : p.all(PgReplication.STANDBY_INFO)) {
        standbys.add(walsender(p, info));
      }
      List<Sample> config = p.all(PgSyncReplication.CONFIG);
      Double required = p.value(PgSyncReplication.REQUIRED);
      Double connected = p.value(PgSyncReplication.CONNECTED);
      Double block = p.value(PgSyncReplication.WOULD_BLOCK);
      JsonObject sync = new JsonObject()
          .put("method", config.isEmpty() ? null : label(config.get(0), "method"))
          .put("synchronous_commit", config.isEmpty() ? null : label(config.get(0), "synchronous_commit"))
          .put("required", toLong(required))
          .put("connected", toLong(connected))
          .put("commits_would_block", bool(block))
          .put("waiting_sessions", toLong(p.value(PgSyncReplication.WAITING)));
      if (block != null && block == 1) {
        problems.add(CRITICAL, "commits_would_block", "Commits would block on " + p.name() + ": "
            + "synchronous_standby_names needs " + fmt(required) + " synchronous standby(s), "
            + fmt(connected) + " connected. Writes wait until one is back or the setting changes.");
      }
      out.add(new JsonObject().put("primary", p.name()).put("sync", sync).put("standbys", standbys));
    }
    return out;
  }

  private static JsonObject rpo(String cluster, PublishedSeries published, StatusHistory history,
      Problems problems) {
    JsonArray layers = new JsonArray();
    for (PublishedSeries.Point p : published.matching(ClusterFamilies.LAYER_HEALTHY, "cluster", cluster)) {
      String layer = p.label("layer");
      layers.add(new JsonObject()
          .put("layer", layer)
          .put("healthy", bool(p.value()))
          .put("seconds", finite(published.value(ClusterFamilies.RPO_SECONDS, "cluster", cluster, "layer", layer)))
          .put("bytes", finite(published.value(ClusterFamilies.RPO_BYTES, "cluster", cluster, "layer", layer))));
    }
    Double objective = published.value(ClusterFamilies.RPO_OBJECTIVE_SECONDS, "cluster", cluster);
    Double effective = published.value(ClusterFamilies.RPO_EFFECTIVE_SECONDS, "cluster", cluster);
    Boolean within = objective == null || effective == null ? null : effective <= objective;
    if (effective != null && effective.isInfinite()) {
      problems.add(CRITICAL, "rpo_unprotected", "No healthy protection layer: a failure now loses data "
          + "without bound.");
    } else if (Boolean.FALSE.equals(within)) {
      problems.add(WARNING, "rpo_over_objective", "Effective RPO " + duration(effective)
          + " is over the objective " + duration(objective) + ".");
    }
    return new JsonObject()
        .put("objective_seconds", objective)
        .put("objective_bytes", published.value(ClusterFamilies.RPO_OBJECTIVE_BYTES, "cluster", cluster))
        .put("effective_seconds", finite(effective))
        .put("effective_bytes", finite(published.value(ClusterFamilies.RPO_EFFECTIVE_BYTES, "cluster", cluster)))
        .put("within_objective", within)
        .put("lower_bound", bool(published.value(ClusterFamilies.RPO_LOWER_BOUND, "cluster", cluster)))
        .put("layers", layers)
        .put("history", new JsonObject().put(H_RPO, values(history, StatusHistory.key(cluster, H_RPO, null))));
  }

  private static JsonObject rto(String cluster, PublishedSeries published, Problems problems) {
    Double objective = published.value(ClusterFamilies.RTO_OBJECTIVE_SECONDS, "cluster", cluster);
    Double estimate = published.value(ClusterFamilies.RTO, "cluster", cluster);
    Boolean within = objective == null || estimate == null ? null : estimate <= objective;
    if (Boolean.FALSE.equals(within)) {
      problems.add(WARNING, "rto_over_objective", estimate.isInfinite()
          ? "No reachable standby to promote: recovery time is unbounded."
          : "Estimated recovery time " + duration(estimate) + " is over the objective " + duration(objective) + ".");
    }
    return new JsonObject()
        .put("estimate_seconds", finite(estimate))
        .put("objective_seconds", objective)
        .put("within_objective", within);
  }

  /** One standby's promotion answer as published: what promoting it now loses, and its catch-up. */
  private static JsonObject candidate(String cluster, String target, PublishedSeries published) {
    return new JsonObject()
        .put("loss_bytes", finite(published.value(ClusterFamilies.PROMOTION_LOSS_BYTES, "cluster", cluster,
            "target", target)))
        .put("loss_seconds", finite(published.value(ClusterFamilies.PROMOTION_LOSS_SECONDS, "cluster", cluster,
            "target", target)))
        .put("catchup_seconds", finite(published.value(ClusterFamilies.PROMOTION_CATCHUP, "cluster", cluster,
            "target", target)))
        .put("best", !published.matching(ClusterFamilies.BEST_CANDIDATE, "cluster", cluster, "target", target)
            .isEmpty());
  }

  /**
   * The cluster package's promotion answers: the best candidate, every standby's loss and
   * catch-up (least loss first), when the writer was last seen and whether the losses are lower
   * bounds (no writer reachable).
   */
  private static JsonObject promotion(String cluster, List<Facts> members, PublishedSeries published) {
    List<PublishedSeries.Point> best = published.matching(ClusterFamilies.BEST_CANDIDATE, "cluster", cluster);
    Double writerSeen = published.value(ClusterFamilies.WRITER_LAST_SEEN, "cluster", cluster);
    JsonArray candidates = new JsonArray();
    for (PublishedSeries.Point p : published.matching(ClusterFamilies.PROMOTION_LOSS_BYTES, "cluster", cluster)) {
      String target = p.label("target");
      candidates.add(candidate(cluster, target, published).put("target", target));
    }
    List<JsonObject> sorted = new ArrayList<>();
    candidates.forEach(o -> sorted.add((JsonObject) o));
    sorted.sort(Comparator.comparingDouble((JsonObject o) -> o.getValue("loss_bytes") instanceof Number n
        ? n.doubleValue() : Double.MAX_VALUE).thenComparing(o -> o.getString("target")));
    boolean any = !best.isEmpty() || writerSeen != null || !sorted.isEmpty();
    return new JsonObject()
        .put("published", any)
        .put("best_candidate", best.isEmpty() ? null : best.get(0).label("target"))
        .put("writer_last_seen_at", isoSeconds(writerSeen))
        .put("lower_bound", bool(published.value(ClusterFamilies.RPO_LOWER_BOUND, "cluster", cluster)))
        .put("candidates", new JsonArray(new ArrayList<>(sorted)));
  }

  /** Per region (members' region label): what losing all of it costs, as the cluster package answers. */
  private static JsonArray regions(String cluster, PublishedSeries published, Problems problems) {
    Map<String, JsonObject> out = new TreeMap<>();
    for (PublishedSeries.Point p : published.matching(ClusterFamilies.REGION_LOSS_BYTES, "cluster", cluster)) {
      String region = p.label("region");
      List<PublishedSeries.Point> survivor = published.matching(ClusterFamilies.REGION_SURVIVOR, "cluster", cluster,
          "region", region);
      Long survivors = toLong(published.value(ClusterFamilies.REGION_SURVIVORS, "cluster", cluster, "region", region));
      if (survivors != null && survivors == 0) {
        problems.add(WARNING, "region_no_survivor", "Losing region " + region + " leaves no member to write on.");
      }
      out.put(region, new JsonObject()
          .put("region", region)
          .put("loss_bytes", finite(p.value()))
          .put("loss_seconds", finite(published.value(ClusterFamilies.REGION_LOSS_SECONDS, "cluster", cluster,
              "region", region)))
          .put("survivors", survivors)
          .put("write_on", survivor.isEmpty() ? null : survivor.get(0).label("target")));
    }
    return new JsonArray(new ArrayList<>(out.values()));
  }

  private static String lossWords(JsonObject promotion, String target) {
    for (Object o : promotion.getJsonArray("candidates")) {
      JsonObject c = (JsonObject) o;
      if (target.equals(c.getString("target")) && c.getValue("loss_bytes") instanceof Number bytes) {
        boolean lower = Boolean.TRUE.equals(promotion.getBoolean("lower_bound"));
        return " (loses " + (lower ? "at least " : "") + bytes.longValue() + " bytes of WAL"
            + (c.getValue("loss_seconds") instanceof Number sec ? ", " + duration(sec.doubleValue()) + " of commits" : "")
            + ")";
      }
    }
    return "";
  }

  private static JsonArray archiving(List<Facts> members, Problems problems, Instant now) {
    JsonArray out = new JsonArray();
    for (Facts p : primaryServers(members)) {
      if (p.value(PgArchiver.ENABLED) == null) {
        continue;
      }
      Boolean failing = bool(p.value(PgArchiver.FAILING));
      Boolean enabled = bool(p.value(PgArchiver.ENABLED));
      if (Boolean.TRUE.equals(failing)) {
        problems.add(WARNING, "archiving_failing", "WAL archiving is failing on " + p.name()
            + ": point-in-time recovery falls behind.");
      } else if (Boolean.FALSE.equals(enabled)) {
        problems.add(WARNING, "archiving_off", "WAL archiving is off on " + p.name() + ": no point-in-time recovery.");
      }
      out.add(new JsonObject()
          .put("target", p.name())
          .put("enabled", enabled)
          .put("failing", failing)
          .put("ready_files", toLong(p.value(PgArchiver.READY)))
          .put("unarchived_bytes", p.value(PgArchiver.UNARCHIVED))
          .put("last_archived_at", isoSeconds(p.value(PgArchiver.LAST_ARCHIVED)))
          .put("last_failed_at", isoSeconds(p.value(PgArchiver.LAST_FAILED))));
    }
    return out;
  }

  /** pgBackRest stanzas any member reports (the first member reporting a stanza wins). */
  private static JsonArray backups(List<Facts> members, Problems problems) {
    Map<String, JsonObject> stanzas = new TreeMap<>();
    for (Facts m : members) {
      for (Sample s : m.all(Pgbackrest.STANZA_STATUS)) {
        String stanza = label(s, "stanza");
        if (stanzas.containsKey(stanza)) {
          continue;
        }
        JsonObject newest = new JsonObject();
        for (String type : List.of("full", "diff", "incr")) {
          newest.put(type, isoSeconds(m.value(Pgbackrest.LAST_COMPLETION, "stanza", stanza, "type", type)));
        }
        String message = null;
        for (Sample msg : m.all(Pgbackrest.STANZA_MESSAGE)) {
          if (stanza.equals(label(msg, "stanza"))) {
            message = label(msg, "message");
          }
        }
        int status = (int) s.value();
        if (status != 0) {
          problems.add(WARNING, "backup_stanza", "pgBackRest stanza " + stanza + " reports status " + status
              + (message == null ? "" : " (" + message + ")") + ".");
        }
        stanzas.put(stanza, new JsonObject().put("stanza", stanza).put("status", status)
            .put("message", message).put("newest", newest).put("reported_by", m.name()));
      }
    }
    return new JsonArray(new ArrayList<>(stanzas.values()));
  }

  /** Nodes and ranges as the freshest reporting member sees them; backup schedules. */
  private static JsonObject cockroach(List<Facts> members, Problems problems) {
    Facts view = null;
    for (Facts m : members) {
      if (!m.all(CrdbLiveness.LIVE).isEmpty()) {
        view = m;
        break;
      }
    }
    JsonArray nodes = new JsonArray();
    JsonObject counts = new JsonObject();
    if (view != null) {
      Map<String, JsonObject> byNode = new TreeMap<>(Comparator.comparingLong(StatusReport::numeric));
      for (Sample s : view.all(CrdbLiveness.LIVE)) {
        String id = label(s, "node_id");
        byNode.put(id, new JsonObject().put("node_id", id).put("live", s.value() == 1)
            .put("draining", bool(view.value(CrdbLiveness.DRAINING, "node_id", id))));
      }
      for (Sample s : view.all(CrdbLiveness.MEMBERSHIP)) {
        JsonObject n = byNode.get(label(s, "node_id"));
        if (n != null && s.value() == 1) {
          n.put("membership", label(s, "membership"));
        }
      }
      byNode.values().forEach(nodes::add);
      for (Sample s : view.all(CrdbLiveness.NODES)) {
        counts.put(label(s, "status"), (long) s.value());
      }
      long dead = counts.getLong("dead", 0L);
      long suspect = counts.getLong("suspect", 0L);
      if (dead + suspect > 0) {
        problems.add(WARNING, "nodes_not_live", dead + " node(s) dead, " + suspect + " suspect (as "
            + view.name() + " sees them).");
      }
    }
    Map<String, Double> under = new TreeMap<>();
    Map<String, Double> unavailable = new TreeMap<>();
    for (Facts m : members) {
      for (Sample s : m.all(CrdbStores.UNDER)) {
        under.put(label(s, "node_id") + "/" + label(s, "store_id"), s.value());
      }
      for (Sample s : m.all(CrdbStores.UNAVAILABLE)) {
        unavailable.put(label(s, "node_id") + "/" + label(s, "store_id"), s.value());
      }
    }
    Long underTotal = under.isEmpty() ? null : (long) under.values().stream().mapToDouble(d -> d).sum();
    Long unavailableTotal = unavailable.isEmpty() ? null
        : (long) unavailable.values().stream().mapToDouble(d -> d).sum();
    if (unavailableTotal != null && unavailableTotal > 0) {
      problems.add(CRITICAL, "ranges_unavailable", unavailableTotal
          + " range(s) unavailable: reads and writes to them block.");
    }
    if (underTotal != null && underTotal > 0) {
      problems.add(WARNING, "ranges_underreplicated", underTotal + " range(s) under-replicated.");
    }
    JsonArray schedules = new JsonArray();
    Map<String, Boolean> seen = new HashMap<>();
    for (Facts m : members) {
      for (Sample s : m.all(CrdbSchedules.SCHEDULE_INFO)) {
        String id = label(s, "schedule_id");
        if (seen.putIfAbsent(id, true) != null) {
          continue;
        }
        Boolean paused = bool(m.value(CrdbSchedules.PAUSED, "schedule_id", id));
        Boolean missed = bool(m.value(CrdbSchedules.MISSED, "schedule_id", id));
        String scheduleName = label(s, "schedule_name");
        if (Boolean.TRUE.equals(paused)) {
          problems.add(WARNING, "backup_schedule_paused", "Backup schedule " + scheduleName + " is paused.");
        } else if (Boolean.TRUE.equals(missed)) {
          problems.add(WARNING, "backup_schedule_missed", "Backup schedule " + scheduleName
              + " missed its cadence.");
        }
        schedules.add(new JsonObject().put("schedule_id", id).put("name", scheduleName)
            .put("recurrence", label(s, "recurrence"))
            .put("paused", paused).put("missed_cadence", missed)
            .put("last_success_at", isoSeconds(m.value(CrdbSchedules.LAST_SUCCESS, "schedule_id", id)))
            .put("last_failure_at", isoSeconds(m.value(CrdbSchedules.LAST_FAILURE, "schedule_id", id))));
      }
    }
    return new JsonObject()
        .put("seen_by", view == null ? null : view.name())
        .put("nodes", nodes)
        .put("node_counts", counts)
        .put("ranges", new JsonObject().put("underreplicated", underTotal).put("unavailable", unavailableTotal))
        .put("backup_schedules", schedules);
  }

  /** Problems in words, most urgent first; the block's state is the worst of them. */
  private static final class Problems {
    private final List<JsonObject> list = new ArrayList<>();

    void add(String severity, String code, String text) {
      list.add(new JsonObject().put("severity", severity).put("code", code).put("text", text));
    }

    String state() {
      String worst = OK;
      for (JsonObject p : list) {
        if (rank(p.getString("severity")) > rank(worst)) {
          worst = p.getString("severity");
        }
      }
      return worst;
    }

    JsonArray json() {
      List<JsonObject> sorted = new ArrayList<>(list);
      sorted.sort(Comparator.comparingInt((JsonObject p) -> -rank(p.getString("severity"))));
      return new JsonArray(new ArrayList<>(sorted));
    }

    private static int rank(String severity) {
      return switch (severity) {
        case CRITICAL -> 3;
        case WARNING -> 2;
        case UNKNOWN -> 1;
        default -> 0;
      };
    }
  }

  private static boolean matches(Sample s, String... labelPairs) {
    for (int i = 0; i + 1 < labelPairs.length; i += 2) {
      if (!labelPairs[i + 1].equals(label(s, labelPairs[i]))) {
        return false;
      }
    }
    return true;
  }

  private static String label(Sample s, String name) {
    int i = s.family().labelNames().indexOf(name);
    return i < 0 ? null : s.labelValues().get(i);
  }

  private static JsonArray values(StatusHistory history, String key) {
    List<Double> v = history.values(key);
    return v == null ? null : new JsonArray(new ArrayList<>(v));
  }

  /** JSON has no infinity: "+Inf" where the cluster package publishes one (no bound at all). */
  private static Object finite(Double v) {
    if (v == null || v.isNaN()) {
      return null;
    }
    return v.isInfinite() ? (v > 0 ? "+Inf" : "-Inf") : v;
  }

  private static Double finiteOrNull(Double v) {
    return v == null || v.isNaN() || v.isInfinite() ? null : v;
  }

  private static Boolean bool(Double v) {
    return v == null ? null : v == 1;
  }

  private static Long toLong(Double v) {
    return v == null || v.isNaN() || v.isInfinite() ? null : v.longValue();
  }

  private static long numeric(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static String iso(Instant t) {
    return t == null ? null : t.toString();
  }

  private static String isoSeconds(Double epochSeconds) {
    return epochSeconds == null || epochSeconds.isNaN() || epochSeconds.isInfinite() ? null
        : Instant.ofEpochMilli(Math.round(epochSeconds * 1000)).toString();
  }

  private static String fmt(Double v) {
    return v == null ? "?" : String.valueOf(v.longValue());
  }

  static String duration(Double seconds) {
    if (seconds == null) {
      return "?";
    }
    if (seconds.isInfinite()) {
      return "unbounded";
    }
    if (seconds < 120) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    if (seconds < 7200) {
      return String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }
    return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
  }
}
