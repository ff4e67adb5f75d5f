package io.drwatch.target;

import java.util.Set;

/**
 * What detection found on the last successful probe of a target.
 *
 * @param versionNum server_version_num, e.g. 170006 (CockroachDB: year*10000 + release*100 + patch,
 *     e.g. 240305 for v24.3.5)
 * @param timeline current timeline: from the WAL file name on a primary, received_tli on a
 *     streaming standby, else the last checkpoint's; null when unknown
 * @param systemIdentifier pg_control system identifier as unsigned decimal text (exceeds 2^53);
 *     for CockroachDB the cluster id, when readable
 * @param readsAllStats whether the session sees other roles' activity and replication details
 *     (superuser or pg_read_all_stats, which pg_monitor includes)
 * @param extensions extensions installed in the connected database
 * @param cockroach CockroachDB detail (node id, cluster id, crdb_internal access); null for
 *     PostgreSQL
 * @param wal WAL positions read by the same probe statement (PostgreSQL); null when not read
 * @param managed the managed service the server runs on ({@link ManagedService#NONE} when
 *     self-managed, and for CockroachDB)
 * @param managedVersion the service's own engine version where it reports one
 *     ({@code aurora_version()}), else null
 */
public record ServerInfo(
    Flavor flavor,
    int versionNum,
    String version,
    boolean inRecovery,
    Long timeline,
    String systemIdentifier,
    Double postmasterStartSeconds,
    boolean readsAllStats,
    Set<String> extensions,
    CockroachInfo cockroach,
    WalPositions wal,
    ManagedService managed,
    String managedVersion) {

  public ServerInfo {
    extensions = Set.copyOf(extensions);
    managed = managed == null ? ManagedService.NONE : managed;
  }

  /** A self-managed server with WAL positions. */
  public ServerInfo(Flavor flavor, int versionNum, String version, boolean inRecovery, Long timeline,
      String systemIdentifier, Double postmasterStartSeconds, boolean readsAllStats,
      Set<String> extensions, CockroachInfo cockroach, WalPositions wal) {
    this(flavor, versionNum, version, inRecovery, timeline, systemIdentifier, postmasterStartSeconds,
        readsAllStats, extensions, cockroach, wal, ManagedService.NONE, null);
  }

  /** A PostgreSQL server (no CockroachDB detail). */
  public ServerInfo(Flavor flavor, int versionNum, String version, boolean inRecovery, Long timeline,
      String systemIdentifier, Double postmasterStartSeconds, boolean readsAllStats,
      Set<String> extensions) {
    this(flavor, versionNum, version, inRecovery, timeline, systemIdentifier, postmasterStartSeconds,
        readsAllStats, extensions, null, null);
  }

  /** A server without WAL positions (CockroachDB, or a test that needs none). */
  public ServerInfo(Flavor flavor, int versionNum, String version, boolean inRecovery, Long timeline,
      String systemIdentifier, Double postmasterStartSeconds, boolean readsAllStats,
      Set<String> extensions, CockroachInfo cockroach) {
    this(flavor, versionNum, version, inRecovery, timeline, systemIdentifier, postmasterStartSeconds,
        readsAllStats, extensions, cockroach, null);
  }

  /** The same server with other WAL positions (tests, fixtures). */
  public ServerInfo withWal(WalPositions positions) {
    return new ServerInfo(flavor, versionNum, version, inRecovery, timeline, systemIdentifier,
        postmasterStartSeconds, readsAllStats, extensions, cockroach, positions, managed, managedVersion);
  }

  /** This server as it would be detected on a managed service. */
  public ServerInfo withManaged(ManagedService service, String serviceVersion) {
    return new ServerInfo(flavor, versionNum, version, inRecovery, timeline, systemIdentifier,
        postmasterStartSeconds, readsAllStats, extensions, cockroach, wal, service, serviceVersion);
  }

  public boolean isManaged() {
    return managed != ManagedService.NONE;
  }

  public int majorVersion() {
    return versionNum / 10000;
  }

  public String role() {
    return inRecovery ? "standby" : "primary";
  }

  public boolean isPostgres() {
    return flavor == Flavor.POSTGRESQL;
  }

  public boolean isCockroach() {
    return flavor == Flavor.COCKROACHDB;
  }

  /** CockroachDB: whether the server is at least {@code year.release}, e.g. (24, 1). */
  public boolean atLeast(int year, int release) {
    return versionNum >= year * 10000 + release * 100;
  }

  public boolean hasExtension(String name) {
    return extensions.contains(name);
  }
}
