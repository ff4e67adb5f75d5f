package io.drwatch.target;

import io.drwatch.collect.Db;
import io.drwatch.collect.Row;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Detects flavor, version, role, timeline and system identifier (for CockroachDB: version, node id,
 * cluster id and which access to crdb_internal the session has). Runs on every probe, so a
 * promotion, a restart or a reconnect to a different server is noticed within one interval. The
 * timeline comes from the WAL file name on a primary because the checkpoint's timeline lags for
 * seconds to minutes after a promotion.
 *
 * <p>One instance per target: once a target has answered as PostgreSQL (or is configured as
 * PostgreSQL), each probe is one statement that also carries {@code version()}; the first probe of
 * an {@code auto} target asks {@code version()} alone first, because the PostgreSQL probe does not
 * parse on CockroachDB.
 */
public final class ServerDetector {

  static final String PG_PROBE = """
      SELECT version() AS full_version,
             current_setting('server_version_num')::int AS version_num,
             current_setting('server_version') AS version,
             pg_is_in_recovery() AS in_recovery,
             (pg_control_system()).system_identifier::text AS system_identifier,
             CASE WHEN pg_is_in_recovery()
                  THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver),
                                (pg_control_checkpoint()).timeline_id)
                  ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
             END::bigint AS timeline,
             extract(epoch FROM pg_postmaster_start_time())::float8 AS started,
             CASE WHEN NOT pg_is_in_recovery()
                  THEN pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') END::float8 AS wal_lsn,
             CASE WHEN pg_is_in_recovery()
                  THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0') END::float8 AS receive_lsn,
             CASE WHEN pg_is_in_recovery()
                  THEN pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0') END::float8 AS replay_lsn,
             (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
               OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS reads_all_stats,
             (SELECT string_agg(extname, ',') FROM pg_extension) AS extensions""";

  /**
   * Aurora: the same columns without the WAL control functions it refuses (SQLSTATE 55000 while
   * wal_level is below logical; pg_stat_wal_receiver is 0A000 on its readers). Its instances
   * share one storage volume, so there is no timeline or control file of their own to report.
   */
  static final String AURORA_PROBE = """
      SELECT version() AS full_version,
             current_setting('server_version_num')::int AS version_num,
             current_setting('server_version') AS version,
             pg_is_in_recovery() AS in_recovery,
             NULL::text AS system_identifier,
             NULL::bigint AS timeline,
             extract(epoch FROM pg_postmaster_start_time())::float8 AS started,
             NULL::float8 AS wal_lsn,
             NULL::float8 AS receive_lsn,
             NULL::float8 AS replay_lsn,
             (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
               OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS reads_all_stats,
             (SELECT string_agg(extname, ',') FROM pg_extension) AS extensions""";

  /** The managed service found on this target's first probe, forgotten when a probe fails. */
  private volatile ManagedService.Found managed;

  /** The flavor this target answered as last; decides whether a probe can be one statement. */
  private volatile Flavor lastFlavor;

  /** Detects a target that has not opted in to CockroachDB's unsafe internals. */
  public ServerInfo detect(Db db, Flavor configured) throws SQLException {
    return detect(db, configured, false);
  }

  /**
   * @param allowUnsafeInternals the target's {@code cockroach.allow-unsafe-internals}: on a
   *     CockroachDB whose session default keeps crdb_internal closed (26.1+), set
   *     {@code allow_unsafe_internals} on the session
   */
  public ServerInfo detect(Db db, Flavor configured, boolean allowUnsafeInternals) throws SQLException {
    try {
      return detectOnce(db, configured, allowUnsafeInternals);
    } catch (SQLException | RuntimeException e) {
      managed = null; // a failover or a reconnect may land on another service's server: ask again
      throw e;
    }
  }

  private ServerInfo detectOnce(Db db, Flavor configured, boolean allowUnsafeInternals) throws SQLException {
    if (configured == Flavor.POSTGRESQL || lastFlavor == Flavor.POSTGRESQL) {
      try {
        ManagedService.Found service = managed(db);
        Row r = db.queryOne(probe(service)).orElseThrow();
        if (!isCockroach(r.string("full_version"))) {
          return postgres(r, service);
        }
      } catch (SQLException e) {
        if (!isUnknownToServer(e)) {
          throw e; // a timeout or a lost connection: asking again would only double the wait
        }
        // Not PostgreSQL any more (or not at all): the two-step detection below says what it is.
      }
    }
    ServerInfo found = detectByVersion(db, configured, allowUnsafeInternals);
    lastFlavor = found.flavor();
    return found;
  }

  private static boolean isCockroach(String version) {
    return version != null && version.toLowerCase(Locale.ROOT).contains("cockroachdb");
  }

  private ServerInfo detectByVersion(Db db, Flavor configured, boolean allowUnsafeInternals)
      throws SQLException {
    String version = db.queryOne("SELECT version() AS v").orElseThrow().string("v");
    boolean cockroach = isCockroach(version);
    Flavor flavor = cockroach ? Flavor.COCKROACHDB : Flavor.POSTGRESQL;
    if (configured != Flavor.AUTO && configured != flavor) {
      throw new SQLException("target is configured as " + configured.label() + " but the server is "
          + flavor.label() + " (" + version + ")", "22023");
    }
    if (cockroach) {
      return cockroach(db, version, allowUnsafeInternals);
    }
    ManagedService.Found service = managed(db);
    return postgres(db.queryOne(probe(service)).orElseThrow(), service);
  }

  /** Before any WAL function: which managed service this is, asked once per connected run. */
  private ManagedService.Found managed(Db db) throws SQLException {
    ManagedService.Found found = managed;
    if (found == null) {
      found = ManagedService.detect(db);
      managed = found;
    }
    return found;
  }

  private static String probe(ManagedService.Found service) {
    return service.service() == ManagedService.AURORA ? AURORA_PROBE : PG_PROBE;
  }

  private static ServerInfo postgres(Row r, ManagedService.Found service) {
    Set<String> extensions = new HashSet<>();
    String ext = r.string("extensions");
    if (ext != null && !ext.isEmpty()) {
      extensions.addAll(Set.of(ext.split(",")));
    }
    return new ServerInfo(Flavor.POSTGRESQL, r.lng("version_num").intValue(), r.string("version"),
        r.bool("in_recovery"), r.lng("timeline"), r.string("system_identifier"), r.dbl("started"),
        Boolean.TRUE.equals(r.bool("reads_all_stats")), extensions, null,
        new WalPositions(r.dbl("wal_lsn"), r.dbl("receive_lsn"), r.dbl("replay_lsn")), service.service(),
        service.auroraVersion());
  }

  /**
   * Session variables, not crdb_internal: they stay readable behind the 25.4+ access gate.
   * {@code current_setting(name, true)} is NULL for a variable the server does not have, which is
   * how {@code allow_unsafe_internals} tells a gated version (25.4+) from an older one.
   */
  static final String CRDB_SESSION = """
      SELECT current_setting('crdb_version', true) AS crdb_version,
             current_setting('node_id', true) AS node_id,
             current_setting('allow_unsafe_internals', true) AS allow_unsafe_internals""";
  /** The explicit opt-in; session-scoped, so the pool's other connection sets it when it is used. */
  public static final String CRDB_OPT_IN =
      "SELECT set_config('allow_unsafe_internals', 'on', false) AS allow_unsafe_internals";
  static final String CRDB_CLUSTER_ID =
      "SELECT value FROM crdb_internal.node_build_info WHERE field = 'ClusterID'";

  private static final Pattern CRDB_VERSION =
      Pattern.compile("CockroachDB \\w+ v(\\d+)\\.(\\d+)\\.(\\d+)(\\S*)");

  static ServerInfo cockroach(Db db, String version, boolean allowUnsafeInternals) throws SQLException {
    Row s = db.queryOne(CRDB_SESSION).orElseThrow();
    String reported = s.string("crdb_version") != null ? s.string("crdb_version") : version;
    Version v = parseCockroach(reported);
    String gate = s.string("allow_unsafe_internals");
    CockroachInfo.InternalsAccess access;
    if (gate == null) {
      access = CockroachInfo.InternalsAccess.NOT_GATED;
    } else if (isOn(gate)) {
      access = CockroachInfo.InternalsAccess.SESSION_DEFAULT;
    } else if (allowUnsafeInternals && optIn(db)) {
      access = CockroachInfo.InternalsAccess.OPTED_IN;
    } else {
      access = CockroachInfo.InternalsAccess.RESTRICTED;
    }
    String clusterId = null;
    if (access.allowsUnsupported()) {
      try {
        clusterId = db.queryOne(CRDB_CLUSTER_ID).map(r -> r.string("value")).orElse(null);
      } catch (SQLException e) {
        if (isConnectionLoss(e)) {
          throw e;
        }
        // A virtual cluster or a missing privilege: the cluster id stays unknown.
      }
    }
    Long nodeId = null;
    try {
      long n = Long.parseLong(s.string("node_id"));
      nodeId = n > 0 ? n : null;
    } catch (NumberFormatException | NullPointerException e) {
      // not reported
    }
    return new ServerInfo(Flavor.COCKROACHDB, v.num(), v.text(), false, null, clusterId, null, true,
        Set.of(), new CockroachInfo(v.tag(), nodeId, clusterId, access, allowUnsafeInternals));
  }

  private static boolean optIn(Db db) throws SQLException {
    try {
      Row r = db.queryOne(CRDB_OPT_IN).orElseThrow();
      return isOn(r.string("allow_unsafe_internals"));
    } catch (SQLException e) {
      if (isConnectionLoss(e)) {
        throw e;
      }
      return false; // collectors then say the session stayed restricted although the opt-in is set
    }
  }

  static boolean isOn(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    return v.equals("on") || v.equals("true") || v.equals("yes") || v.equals("1");
  }

  /** Syntax, undefined object, privilege (class 42) or unsupported feature (0A): another server. */
  private static boolean isUnknownToServer(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("42") || state.startsWith("0A"));
  }

  private static boolean isConnectionLoss(SQLException e) {
    return e.getSQLState() != null && e.getSQLState().startsWith("08");
  }

  /** A parsed CockroachDB version: {@code text} without the v, {@code tag} with it. */
  record Version(int num, String text, String tag) {}

  /**
   * {@code CockroachDB CCL v24.3.5 (x86_64-pc-linux-gnu, built 2025/01/30 …, go1.22.8)} →
   * 240305, "24.3.5", "v24.3.5". Pre-releases ({@code v25.1.0-alpha.1}) keep their suffix in the
   * text and count as the release they precede.
   */
  static Version parseCockroach(String version) throws SQLException {
    Matcher m = version == null ? null : CRDB_VERSION.matcher(version);
    if (m == null || !m.find()) {
      throw new SQLException("cannot parse the CockroachDB version from \"" + version
          + "\" (expected \"CockroachDB <distribution> v<year>.<release>.<patch> …\")", "XX000");
    }
    int year = Integer.parseInt(m.group(1));
    int release = Integer.parseInt(m.group(2));
    int patch = Integer.parseInt(m.group(3));
    String text = year + "." + release + "." + patch + m.group(4);
    return new Version(year * 10000 + release * 100 + Math.min(patch, 99), text, "v" + text);
  }
}
