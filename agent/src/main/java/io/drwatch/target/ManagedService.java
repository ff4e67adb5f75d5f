package io.drwatch.target;

import io.drwatch.collect.Db;
import io.drwatch.collect.Row;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * The managed PostgreSQL service a target runs on, detected before any WAL function is called:
 * Aurora refuses {@code pg_current_wal_lsn()} and {@code pg_control_checkpoint()} (SQLSTATE 55000
 * while wal_level is below logical), so the probe must know first. Markers, each documented by
 * its provider (docs/managed-cloud.md has the sources):
 *
 * <ul>
 *   <li>RDS PostgreSQL: the {@code rds.extensions} parameter exists (pgmetrics' rule) or the
 *       {@code rds_superuser} role does.
 *   <li>Aurora PostgreSQL: {@code rds.extensions} lists {@code aurora_stat_utils} or
 *       {@code apg_plan_mgmt} (AWS's JDBC wrapper, pgmetrics), confirmed by calling
 *       {@code aurora_version()}, never by looking it up in pg_proc (it was not always listed).
 *   <li>Cloud SQL: the {@code cloudsqlsuperuser} role.
 *   <li>Azure Flexible Server: the {@code azure_pg_admin} role or the {@code azure.extensions}
 *       parameter.
 * </ul>
 */
public enum ManagedService {
  NONE("none", Set.of()),
  RDS("rds", Set.of("rdsadmin")),
  AURORA("aurora", Set.of("rdsadmin")),
  CLOUD_SQL("cloudsql", Set.of("cloudsqladmin")),
  AZURE_FLEXIBLE("azure_flexible", Set.of("azure_maintenance", "azure_sys"));

  private final String label;
  private final Set<String> ownDatabases;

  ManagedService(String label, Set<String> ownDatabases) {
    this.label = label;
    this.ownDatabases = ownDatabases;
  }

  /** The value of the {@code service} label and of {@code /api/targets}' {@code service}. */
  public String label() {
    return label;
  }

  /** The service's own databases: never fanned out to, never in database statistics. */
  public Set<String> ownDatabases() {
    return ownDatabases;
  }

  public boolean isOwnDatabase(String datname) {
    return ownDatabases.contains(datname);
  }

  /**
   * An SQL condition on {@code column} that leaves the service's own databases out ("true" when it
   * has none). The names are constants of this enum, never user input.
   */
  public String excludeOwnDatabases(String column) {
    if (ownDatabases.isEmpty()) {
      return "true";
    }
    StringBuilder b = new StringBuilder(column).append(" NOT IN (");
    ownDatabases.stream().sorted().forEach(d -> b.append('\'').append(d).append("',"));
    b.setLength(b.length() - 1);
    return b.append(')').toString();
  }

  /**
   * Whether this service forbids what an error says was attempted, so the collector that ran into
   * it is skipped on the target instead of failing every round: 0A000 (feature_not_supported, how
   * Aurora refuses pg_stat_get_wal(), pg_ls_waldir(), pg_last_wal_receive_lsn(), ...), 42501
   * (a function the service revoked, which no grant gives back) and, on Aurora, 55000 (the WAL
   * control functions while wal_level is below logical). Never for a self-managed server, whose
   * refusals are the operator's to fix.
   */
  public boolean forbids(SQLException e) {
    String state = e.getSQLState();
    if (this == NONE || state == null) {
      return false;
    }
    return state.equals("0A000") || state.equals("42501") || (this == AURORA && state.equals("55000"));
  }

  /** One statement, no WAL function: parameters and roles that mark each service. */
  static final String MARKERS = """
      SELECT current_setting('rds.extensions', true) AS rds_extensions,
             current_setting('azure.extensions', true) AS azure_extensions,
             (SELECT string_agg(rolname, ',') FROM pg_roles
              WHERE rolname IN ('rds_superuser', 'cloudsqlsuperuser', 'azure_pg_admin')) AS roles""";

  static final String AURORA_VERSION = "SELECT aurora_version()::text AS aurora_version";

  /** What detection found: the service and, on Aurora, {@code aurora_version()}. */
  public record Found(ManagedService service, String auroraVersion) {}

  /** Reads the markers; on an Aurora marker, confirms it by calling {@code aurora_version()}. */
  public static Found detect(Db db) throws SQLException {
    Row r = db.queryOne(MARKERS).orElseThrow();
    ManagedService service = classify(r.string("rds_extensions"), r.string("azure_extensions"),
        r.string("roles"));
    if (service != AURORA) {
      return new Found(service, null);
    }
    try {
      return new Found(AURORA, db.queryOne(AURORA_VERSION).orElseThrow().string("aurora_version"));
    } catch (SQLException e) {
      if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
        throw e;
      }
      return new Found(RDS, null); // Aurora's extensions listed, but no Aurora engine answered
    }
  }

  static ManagedService classify(String rdsExtensions, String azureExtensions, String roles) {
    Set<String> r = roles == null ? Set.of() : Set.of(roles.split(","));
    if (rdsExtensions != null) {
      String ext = rdsExtensions.toLowerCase(Locale.ROOT);
      return ext.contains("aurora_stat_utils") || ext.contains("apg_plan_mgmt") ? AURORA : RDS;
    }
    if (r.contains("rds_superuser")) {
      return RDS;
    }
    if (r.contains("cloudsqlsuperuser")) {
      return CLOUD_SQL;
    }
    if (azureExtensions != null || r.contains("azure_pg_admin")) {
      return AZURE_FLEXIBLE;
    }
    return NONE;
  }
}
