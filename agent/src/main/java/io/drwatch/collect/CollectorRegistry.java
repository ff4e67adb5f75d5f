package io.drwatch.collect;

import io.drwatch.collect.cockroach.CrdbSettings;
import io.drwatch.collect.cockroach.CrdbLiveness;
import io.drwatch.collect.cockroach.CrdbJobs;
import io.drwatch.collect.cockroach.CrdbNodes;
import io.drwatch.collect.cockroach.CrdbStores;
import io.drwatch.collect.cockroach.CrdbSchedules;
import io.drwatch.collect.cockroach.CrdbSession;
import io.drwatch.collect.cockroach.CrdbStatements;
import io.drwatch.collect.backup.Pgbackrest;
import io.drwatch.collect.postgres.PgSettings;
import io.drwatch.collect.postgres.PgHeartbeat;
import io.drwatch.collect.postgres.PgDatabaseSize;
import io.drwatch.collect.postgres.PgLocks;
import io.drwatch.collect.postgres.PgReplicationSlots;
import io.drwatch.collect.postgres.PgStandby;
import io.drwatch.collect.postgres.PgActivity;
import io.drwatch.collect.postgres.PgArchiver;
import io.drwatch.collect.postgres.PgBgwriter;
import io.drwatch.collect.postgres.PgCheckpointer;
import io.drwatch.collect.postgres.PgDatabase;
import io.drwatch.collect.postgres.PgIo;
import io.drwatch.collect.postgres.PgReplication;
import io.drwatch.collect.postgres.PgStatements;
import io.drwatch.collect.postgres.PgTables;
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
        new Entry(new PgReplication(), true),
        new Entry(new PgSyncReplication(), true),
        new Entry(new PgReplicationSlots(), true),
        new Entry(new PgStandby(), true),
        new Entry(new PgWal(), true),
        new Entry(new PgArchiver(), true),
        new Entry(new PgSettings(), true),
        new Entry(new CrdbSession(), true),
        new Entry(new CrdbLiveness(), true),
        new Entry(new CrdbNodes(), true),
        new Entry(new CrdbStores(), true),
        new Entry(new CrdbStatements(), true),
        new Entry(new CrdbJobs(), true),
        new Entry(new CrdbSchedules(), true),
        new Entry(new CrdbSettings(), true),
        new Entry(new PgHeartbeat(), false),
        new Entry(new Pgbackrest(), false),
        new Entry(new PgStatements(), true),
        new Entry(new PgDatabase(), true),
        new Entry(new PgDatabaseSize(), true),
        new Entry(new PgActivity(), true),
        new Entry(new PgLocks(), true),
        new Entry(new PgTables(), true),
        new Entry(new PgBgwriter(), true),
        new Entry(new PgCheckpointer(), true),
        new Entry(new PgIo(), true)));
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
