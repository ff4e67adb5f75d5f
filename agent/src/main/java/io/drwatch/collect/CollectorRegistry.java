package io.drwatch.collect;

import io.drwatch.collect.cockroach.CrdbClusterSettings;
import io.drwatch.collect.cockroach.CrdbGossipLiveness;
import io.drwatch.collect.cockroach.CrdbJobs;
import io.drwatch.collect.cockroach.CrdbKvNodeStatus;
import io.drwatch.collect.cockroach.CrdbKvStoreStatus;
import io.drwatch.collect.cockroach.CrdbScheduledJobs;
import io.drwatch.collect.cockroach.CrdbSessionVariables;
import io.drwatch.collect.cockroach.CrdbStatementStatistics;
import io.drwatch.collect.backup.PgBackRestInfo;
import io.drwatch.collect.postgres.PgDrSettings;
import io.drwatch.collect.postgres.PgHeartbeat;
import io.drwatch.collect.postgres.PgDatabaseSize;
import io.drwatch.collect.postgres.PgLocks;
import io.drwatch.collect.postgres.PgReplicationSlots;
import io.drwatch.collect.postgres.PgStandby;
import io.drwatch.collect.postgres.PgStatActivity;
import io.drwatch.collect.postgres.PgStatArchiver;
import io.drwatch.collect.postgres.PgStatBgwriter;
import io.drwatch.collect.postgres.PgStatCheckpointer;
import io.drwatch.collect.postgres.PgStatDatabase;
import io.drwatch.collect.postgres.PgStatIo;
import io.drwatch.collect.postgres.PgStatReplication;
import io.drwatch.collect.postgres.PgStatStatements;
import io.drwatch.collect.postgres.PgStatUserTables;
import io.drwatch.collect.postgres.PgSyncReplication;
import io.drwatch.collect.postgres.PgWal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every built-in collector and whether it runs by default. An unknown collector name in config is
 * an error at start-up, checked against this list.
 */
public final class CollectorRegistry {

  public record Entry(Collector collector, boolean enabledByDefault) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private CollectorRegistry(List<Entry> list) {
    for (Entry e : list) {
      if (entries.put(e.collector().name(), e) != null) {
        throw new IllegalStateException("duplicate collector " + e.collector().name());
      }
    }
  }

  public static CollectorRegistry builtIn() {
    return new CollectorRegistry(List.of(
        new Entry(new PgStatReplication(), true),
        new Entry(new PgSyncReplication(), true),
        new Entry(new PgReplicationSlots(), true),
        new Entry(new PgStandby(), true),
        new Entry(new PgWal(), true),
        new Entry(new PgStatArchiver(), true),
        new Entry(new PgDrSettings(), true),
        new Entry(new CrdbSessionVariables(), true),
        new Entry(new CrdbGossipLiveness(), true),
        new Entry(new CrdbKvNodeStatus(), true),
        new Entry(new CrdbKvStoreStatus(), true),
        new Entry(new CrdbStatementStatistics(), true),
        new Entry(new CrdbJobs(), true),
        new Entry(new CrdbScheduledJobs(), true),
        new Entry(new CrdbClusterSettings(), true),
        new Entry(new PgHeartbeat(), false),
        new Entry(new PgBackRestInfo(), false),
        new Entry(new PgStatStatements(), true),
        new Entry(new PgStatDatabase(), true),
        new Entry(new PgDatabaseSize(), true),
        new Entry(new PgStatActivity(), true),
        new Entry(new PgLocks(), true),
        new Entry(new PgStatUserTables(), true),
        new Entry(new PgStatBgwriter(), true),
        new Entry(new PgStatCheckpointer(), true),
        new Entry(new PgStatIo(), true)));
  }

  /** A registry of exactly these collectors (tests; collectors defined in config). */
  public static CollectorRegistry of(List<Entry> entries) {
    return new CollectorRegistry(entries);
  }

  /** This registry plus more collectors; a name already taken is an error. */
  public CollectorRegistry plus(List<Entry> more) {
    List<Entry> all = new java.util.ArrayList<>(entries.values());
    all.addAll(more);
    return new CollectorRegistry(all);
  }

  public List<Entry> entries() {
    return List.copyOf(entries.values());
  }

  public Optional<Entry> find(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  public Set<String> names() {
    return entries.keySet();
  }
}
