package io.drwatch.config;

import io.drwatch.target.DatabaseFilter;
import io.drwatch.target.Flavor;
import java.time.Duration;
import java.util.Map;

/**
 * One monitored server. {@code labels} always holds {@code cluster} (the target's own name when
 * not configured, so unrelated servers never look like one cluster). {@code password} is null when
 * the target authenticates without one. {@code allowUnsafeInternals} is the target's explicit
 * {@code cockroach { allow-unsafe-internals = true }}: on CockroachDB 26.1+ drwatch then sets the
 * session variable {@code allow_unsafe_internals} (audited by CockroachDB) instead of reading only
 * the supported crdb_internal tables.
 * {@code databases} is null when per-database collectors run
 * in the target's own database only; otherwise the connectable databases it selects (fan-out),
 * reached through at most {@code databaseConnections} connections besides the target's pool.
 */
public record TargetSettings(
    String name,
    String url,
    String user,
    Secret password,
    Flavor flavor,
    Map<String, String> labels,
    Duration interval,
    Duration timeout,
    Map<String, CollectorSettings> collectors,
    String origin,
    boolean allowUnsafeInternals,
    DatabaseFilter databases,
    int databaseConnections,
    DbTls tls) {

  public static final int DEFAULT_DATABASE_CONNECTIONS = 1;

  /**
   * TLS to the database, passed to pgjdbc as connection properties: {@code sslmode} (null: the
   * driver's default, prefer), root certificate, client certificate and key (paths), and the
   * client key's password (from the environment or a file only).
   */
  public record DbTls(String sslmode, String sslrootcert, String sslcert, String sslkey, Secret sslpassword) {
    @Override
    public String toString() {
      return "DbTls[sslmode=" + sslmode + ", sslrootcert=" + sslrootcert + ", sslcert=" + sslcert
          + ", sslkey=" + sslkey + ", sslpassword=" + (sslpassword == null ? "none" : "****") + "]";
    }
  }

  /** Without database TLS settings (the driver's defaults). */
  public TargetSettings(String name, String url, String user, Secret password, Flavor flavor,
      Map<String, String> labels, Duration interval, Duration timeout,
      Map<String, CollectorSettings> collectors, String origin, boolean allowUnsafeInternals,
      DatabaseFilter databases, int databaseConnections) {
    this(name, url, user, password, flavor, labels, interval, timeout, collectors, origin,
        allowUnsafeInternals, databases, databaseConnections, null);
  }

  public TargetSettings {
    labels = Map.copyOf(labels);
    collectors = Map.copyOf(collectors);
  }

  /** A target without CockroachDB settings or database fan-out. */
  public TargetSettings(String name, String url, String user, Secret password, Flavor flavor,
      Map<String, String> labels, Duration interval, Duration timeout,
      Map<String, CollectorSettings> collectors, String origin) {
    this(name, url, user, password, flavor, labels, interval, timeout, collectors, origin, false, null,
        DEFAULT_DATABASE_CONNECTIONS, null);
  }

  public String cluster() {
    return labels.get("cluster");
  }

  /** These settings wherever they were written: what a reload compares (moving a block is no change). */
  public TargetSettings withoutOrigin() {
    return new TargetSettings(name, url, user, password, flavor, labels, interval, timeout, collectors, null,
        allowUnsafeInternals, databases, databaseConnections, tls);
  }
}
