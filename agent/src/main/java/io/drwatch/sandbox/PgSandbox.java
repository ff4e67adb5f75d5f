package io.drwatch.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL cluster on loopback: a primary with WAL archiving and pg_stat_statements, and
 * standbys streaming through physical slots, synchronous or asynchronous. Standbys are copies of
 * the cleanly stopped primary (no pg_basebackup in the embedded binaries). Used by
 * {@code drwatch demo} and by the integration tests.
 */
public final class PgSandbox implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PgSandbox.class);

  /** The least-privileged monitoring role every sandbox creates (pg_monitor, no password). */
  public static final String MONITOR_ROLE = "drwatch";

  public enum Sync { SYNC, ASYNC }

  private final Path baseDir;
  private final Path archiveDir;
  private final PgBinaries binaries;
  private final OsUser os;
  private final PgNode primary;
  private final Map<String, PgNode> standbys = new LinkedHashMap<>();
  private final Map<String, Sync> modes;
  private final String archiveCommand;

  private PgSandbox(Builder b) throws IOException {
    this.binaries = PgBinaries.forMajor(b.major);
    this.os = OsUser.detect();
    this.baseDir = Files.createTempDirectory("drwatch-sandbox-" + b.major + "-");
    Files.setPosixFilePermissions(baseDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    os.own(baseDir);
    this.archiveDir = baseDir.resolve("archive");
    Files.createDirectories(archiveDir);
    os.own(archiveDir);
    Path sockets = baseDir.resolve("sockets");
    Files.createDirectories(sockets);
    os.own(sockets);
    this.archiveCommand = "test ! -f " + archiveDir + "/%f && cp %p " + archiveDir + "/%f";
    this.primary = new PgNode("primary", baseDir, binaries, os);
    this.modes = new LinkedHashMap<>(b.standbys);
    for (String name : b.standbys.keySet()) {
      standbys.put(name, new PgNode(name, baseDir, binaries, os));
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private int major = 17;
    private final Map<String, Sync> standbys = new LinkedHashMap<>();

    public Builder version(int major) {
      this.major = major;
      return this;
    }

    public Builder standby(String name, Sync mode) {
      standbys.put(name, mode);
      return this;
    }

    public PgSandbox start() {
      PgSandbox s = null;
      try {
        s = new PgSandbox(this);
        s.create();
        return s;
      } catch (IOException | RuntimeException e) {
        if (s != null) {
          s.close();
        }
        if (e instanceof IOException io) {
          throw new UncheckedIOException("sandbox did not start: " + io.getMessage(), io);
        }
        throw (RuntimeException) e;
      }
    }
  }

  private void create() throws IOException {
    Instant t0 = Instant.now();
    primary.initdb();
    primary.appendConf(
        "# drwatch sandbox",
        primary.baseConf(),
        "wal_level = replica",
        "max_wal_senders = 10",
        "max_replication_slots = 10",
        "wal_log_hints = on",
        "hot_standby = on",
        "hot_standby_feedback = on",
        "wal_receiver_status_interval = 1s",
        "shared_preload_libraries = 'pg_stat_statements'",
        "archive_mode = on",
        "archive_command = '" + archiveCommand + "'",
        "fsync = off",
        "shared_buffers = 32MB",
        "max_connections = 40",
        "log_line_prefix = '%m [%p] %a '");
    primary.start();
    primary.sql("CREATE EXTENSION pg_stat_statements");
    primary.sql("CREATE ROLE " + MONITOR_ROLE + " LOGIN");
    primary.sql("GRANT pg_monitor TO " + MONITOR_ROLE);
    for (String name : standbys.keySet()) {
      primary.sql("SELECT pg_create_physical_replication_slot('" + name + "', true)");
    }
    if (!standbys.isEmpty()) {
      primary.stop();
      for (PgNode standby : standbys.values()) {
        cloneInto(standby);
      }
      String sync = modes.entrySet().stream().filter(e -> e.getValue() == Sync.SYNC)
          .map(Map.Entry::getKey).collect(Collectors.joining(", "));
      if (!sync.isEmpty()) {
        // Set only now, so a promoted standby does not inherit it and block its own commits.
        primary.appendConf("synchronous_standby_names = 'FIRST 1 (" + sync + ")'");
      }
      primary.start();
      for (PgNode standby : standbys.values()) {
        standby.start();
      }
      waitStreaming(Duration.ofSeconds(60));
    }
    LOG.info("PostgreSQL {} sandbox up in {} ms: primary :{}{}", binaries.major(),
        Duration.between(t0, Instant.now()).toMillis(), primary.port(),
        standbys.values().stream().map(s -> ", " + s.name() + " (" + modes.get(s.name()).name().toLowerCase()
            + ") :" + s.port()).collect(Collectors.joining()));
  }

  private void cloneInto(PgNode standby) throws IOException {
    primary.pg(List.of("cp", "-a", primary.dataDir().toString(), standby.dataDir().toString()), Duration.ofMinutes(2));
    Path d = standby.dataDir();
    for (String sub : List.of("pg_replslot", "pg_wal/archive_status")) {
      try (var files = Files.list(d.resolve(sub))) {
        for (Path p : files.toList()) {
          PgBinaries.deleteTree(p);
        }
      }
    }
    Files.deleteIfExists(d.resolve("postmaster.pid"));
    Files.deleteIfExists(d.resolve("postmaster.opts"));
    Files.writeString(d.resolve("postgresql.auto.conf"), "# reset by the sandbox\n");
    Path signal = Files.createFile(d.resolve("standby.signal"));
    os.own(signal);
    standby.appendConf(
        "# drwatch sandbox: standby " + standby.name(),
        standby.baseConf(),
        "primary_conninfo = 'host=127.0.0.1 port=" + primary.port() + " user=postgres application_name="
            + standby.name() + "'",
        "primary_slot_name = '" + standby.name() + "'",
        "restore_command = 'cp " + archiveDir + "/%f %p'",
        "recovery_target_timeline = 'latest'",
        "synchronous_standby_names = ''");
  }

  /** Waits until every running standby streams from the primary. */
  public void waitStreaming(Duration timeout) {
    Set<String> wanted = standbys.values().stream().filter(PgNode::isRunning).map(PgNode::name)
        .collect(Collectors.toSet());
    Instant deadline = Instant.now().plus(timeout);
    while (true) {
      Set<String> streaming = new java.util.HashSet<>();
      try (Connection c = primary.connect(); Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT application_name FROM pg_stat_replication WHERE state = 'streaming'")) {
        while (rs.next()) {
          streaming.add(rs.getString(1));
        }
      } catch (SQLException e) {
        // primary still starting
      }
      if (streaming.containsAll(wanted)) {
        return;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("standbys not streaming after " + timeout + ": have " + streaming
            + ", want " + wanted + "\n" + standbys.values().stream()
            .map(s -> s.name() + " log:\n" + s.logTail()).collect(Collectors.joining("\n")));
      }
      sleep(50);
    }
  }

  public PgNode primary() {
    return primary;
  }

  public PgNode standby(String name) {
    PgNode n = standbys.get(name);
    if (n == null) {
      throw new IllegalArgumentException("no standby " + name);
    }
    return n;
  }

  public List<PgNode> nodes() {
    List<PgNode> all = new ArrayList<>();
    all.add(primary);
    all.addAll(standbys.values());
    return all;
  }

  public int major() {
    return binaries.major();
  }

  public Path archiveDir() {
    return archiveDir;
  }

  /** Makes archive_command fail (exit 1) until {@link #repairArchiving()}. */
  public void breakArchiving() {
    primary.sql("ALTER SYSTEM SET archive_command = '/bin/false'");
    primary.sql("SELECT pg_reload_conf()");
  }

  public void repairArchiving() {
    primary.sql("ALTER SYSTEM RESET archive_command");
    primary.sql("SELECT pg_reload_conf()");
  }

  /** Some committed writes, so WAL moves and lag can be seen. */
  public void write(int rows) {
    primary.sql("CREATE TABLE IF NOT EXISTS sandbox_load (id bigserial PRIMARY KEY, payload text, at timestamptz DEFAULT now())");
    primary.sql("INSERT INTO sandbox_load (payload) SELECT md5(g::text) FROM generate_series(1, " + rows + ") g");
  }

  @Override
  public void close() {
    // Every server is killed first and awaited after, so they go down together, not one by one.
    Map<PgNode, ProcessHandle> killed = new LinkedHashMap<>();
    for (PgNode n : nodes()) {
      try {
        if (n.isRunning()) {
          n.signalKill().ifPresent(ph -> killed.put(n, ph));
        }
      } catch (RuntimeException e) {
        LOG.warn("stopping {}: {}", n.name(), e.getMessage());
      }
    }
    killed.forEach((n, ph) -> {
      PgNode.awaitExit(ph);
      try {
        n.forgetPid();
      } catch (RuntimeException e) {
        LOG.warn("stopping {}: {}", n.name(), e.getMessage());
      }
    });
    try {
      PgBinaries.deleteTree(baseDir);
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", baseDir, e.getMessage());
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
