package io.drwatch.cluster;

import io.drwatch.collect.CollectorRegistry;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Sample;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.TargetStatus;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fixture inputs for the derivations, shaped exactly as the collectors emit them: families are
 * the built-in collectors' own declarations, looked up by name, and the pgBackRest families follow
 * the DESIGN contract (that collector is built elsewhere).
 */
final class Fixture {

  private Fixture() {}

  static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");
  static final double NOW = T0.getEpochSecond();
  static final String SYSID = "7450000000000000001";

  static final MetricFamily PGBACKREST_LAST = MetricFamily.gauge(
      "pgbackrest_backup_last_completion_timestamp_seconds", "contract", "stanza", "type");
  static final MetricFamily PGBACKREST_STATUS = MetricFamily.gauge("pgbackrest_stanza_status", "contract", "stanza");

  static MetricFamily family(String name) {
    if (name.equals(PGBACKREST_LAST.name())) {
      return PGBACKREST_LAST;
    }
    if (name.equals(PGBACKREST_STATUS.name())) {
      return PGBACKREST_STATUS;
    }
    for (CollectorRegistry.Entry e : CollectorRegistry.builtIn().entries()) {
      for (MetricFamily f : e.collector().families()) {
        if (f.name().equals(name)) {
          return f;
        }
      }
    }
    throw new AssertionError("no collector declares " + name);
  }

  static Sample s(String family, double value, String... labelValues) {
    return new Sample(family(family), List.of(labelValues), value);
  }

  static ServerInfo primary(long timeline) {
    return server(false, timeline, SYSID, 1000.0);
  }

  static ServerInfo standby(long timeline, double started) {
    return server(true, timeline, SYSID, started);
  }

  static ServerInfo server(boolean inRecovery, Long timeline, String sysid, Double started) {
    return new ServerInfo(Flavor.POSTGRESQL, 170006, "17.6", inRecovery, timeline, sysid, started, true, Set.of());
  }

  static TargetStatus status(String name, String cluster, boolean up, ServerInfo server) {
    return new TargetStatus(name, cluster, Map.of("cluster", cluster), "jdbc:postgresql://h/db", up, server,
        up ? null : "connection refused", T0, up ? T0 : T0.minusSeconds(60), up ? 1 : 0);
  }

  static CollectorResult result(String target, String collector, Instant at, List<Sample> samples) {
    return new CollectorResult(target, collector, true, samples, at, 0.001, null, at, 0, Duration.ofSeconds(45));
  }

  /** A member of cluster c1 with its samples, all from one collector run at T0. */
  static Member member(String name, ServerInfo server, Sample... samples) {
    return member(name, true, server, samples);
  }

  static Member member(String name, boolean up, ServerInfo server, Sample... samples) {
    Map<String, CollectorResult> results = new HashMap<>();
    if (samples.length > 0) {
      results.put("fixture", result(name, "fixture", T0, List.of(samples)));
    }
    return new Member(status(name, "c1", up, server), new Readings(List.of(samples)), results);
  }

  static Readings readings(Sample... samples) {
    return new Readings(List.of(samples));
  }

  /** The primary's replication samples for one standby. */
  static List<Sample> standbyRow(String app, String state, String syncState, double flushBytes, Double flushSeconds) {
    List<Sample> out = new ArrayList<>();
    out.add(s("pg_replication_standby_info", 1, app, "10.0.0.2", state, syncState));
    out.add(s("pg_replication_lag_bytes", flushBytes, app, "flush"));
    out.add(s("pg_replication_lag_bytes", flushBytes + 100, app, "replay"));
    if (flushSeconds != null) {
      out.add(s("pg_replication_lag_seconds", flushSeconds, app, "flush"));
    }
    return out;
  }

  static Readings primaryWith(List<Sample> extra, List<List<Sample>> standbys) {
    List<Sample> all = new ArrayList<>(extra);
    all.add(s("pg_replication_standbys_connected", standbys.size()));
    standbys.forEach(all::addAll);
    return new Readings(all);
  }

  static List<Sample> syncConfig(String method, String commit, int required) {
    return List.of(s("pg_replication_sync_config_info", 1, method, commit),
        s("pg_replication_sync_standbys_required", required));
  }
}
