package io.drwatch.collect.cockroach;

import io.drwatch.collect.Db;
import io.drwatch.collect.Row;
import io.drwatch.target.CockroachInfo;
import io.drwatch.target.CockroachInfo.InternalsAccess;
import io.drwatch.target.ServerDetector;
import io.drwatch.target.ServerInfo;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the CockroachDB collectors reach crdb_internal and system.*: through the 25.4+ access gate
 * (refusing up front, with the way out, when the session is restricted; setting the session
 * variable when the target opted in) and with errors that name the object, the version and the
 * grant or setting that fixes them. Plus the value formats CockroachDB uses (Go durations, IEC
 * byte sizes, HLC timestamps).
 */
final class Crdb {

  private Crdb() {}

  /**
   * crdb_internal tables that stay readable with {@code allow_unsafe_internals} off (the
   * production-supported list of the crdb-internal docs, v23.1–v26.x, plus {@code zones} from the
   * code's {@code SupportedCRDBInternalTables}).
   */
  static final Set<String> SUPPORTED = Set.of(
      "crdb_internal.cluster_contended_indexes", "crdb_internal.cluster_contended_keys",
      "crdb_internal.cluster_contended_tables", "crdb_internal.cluster_contention_events",
      "crdb_internal.cluster_locks", "crdb_internal.cluster_queries", "crdb_internal.cluster_sessions",
      "crdb_internal.cluster_transactions", "crdb_internal.index_usage_statistics",
      "crdb_internal.statement_statistics", "crdb_internal.transaction_contention_events",
      "crdb_internal.transaction_statistics", "crdb_internal.zones");

  static final String PERMISSION_DENIED = "42501";
  private static final String UNDEFINED_COLUMN = "42703";
  private static final String UNDEFINED_TABLE = "42P01";

  /**
   * Runs {@code sql}, which reads {@code objects} (the first one names it in errors), needing the
   * system {@code privilege} (e.g. {@code VIEWCLUSTERMETADATA}; null when none is documented).
   */
  static List<Row> query(Db db, ServerInfo server, String privilege, List<String> objects, String sql)
      throws SQLException {
    CockroachInfo c = server.cockroach();
    InternalsAccess access = c == null ? InternalsAccess.NOT_GATED : c.access();
    String object = objects.get(0);
    for (String o : objects) {
      if (!access.allowsUnsupported() && !SUPPORTED.contains(o)) {
        throw restricted(server, o);
      }
    }
    if (access == InternalsAccess.OPTED_IN) {
      // Session-scoped; repeated on each run because the pool may hand out another connection.
      db.queryOne(ServerDetector.CRDB_OPT_IN);
    }
    try {
      return db.query(sql);
    } catch (SQLException e) {
      throw explain(e, server, object, privilege);
    }
  }

  static List<Row> query(Db db, ServerInfo server, String privilege, String object, String sql)
      throws SQLException {
    return query(db, server, privilege, List.of(object), sql);
  }

  /** The refusal for a restricted session, made here so that the server is not asked at all. */
  static SQLException restricted(ServerInfo server, String object) {
    CockroachInfo c = server.cockroach();
    boolean configured = c != null && c.allowUnsafeInternalsConfigured();
    return new SQLException(object + " is not allowed: CockroachDB v" + server.version()
        + " restricts crdb_internal and system.* while the session variable allow_unsafe_internals"
        + " is off" + (configured
            ? " (cockroach.allow-unsafe-internals is set for this target, but the server did not"
              + " accept set_config('allow_unsafe_internals', 'on', false))"
            : "; to read it, set cockroach { allow-unsafe-internals = true } for this target"
              + " (CockroachDB audits each access on its SENSITIVE_ACCESS log channel) or ALTER ROLE"
              + " <monitoring role> SET allow_unsafe_internals = on; until then drwatch does not read it"),
        PERMISSION_DENIED);
  }

  /** A server error in the terms an operator acts on; other errors pass unchanged. */
  static SQLException explain(SQLException e, ServerInfo server, String object, String privilege) {
    String state = e.getSQLState();
    // One line; the server's error is part of the message, so the cause is not chained (the
    // agent's one-line error text would repeat it).
    String message = e.getMessage() == null ? "" : e.getMessage().replaceAll("\\s+", " ").strip();
    if (PERMISSION_DENIED.equals(state)) {
      if (message.toLowerCase(Locale.ROOT).contains("crdb_internal and system is restricted")) {
        return new SQLException(object + " is not allowed: " + message + " (CockroachDB v"
            + server.version() + " access gate); set cockroach { allow-unsafe-internals = true } for"
            + " this target to opt in, or ALTER ROLE <monitoring role> SET allow_unsafe_internals = on",
            PERMISSION_DENIED);
      }
      return new SQLException(object + " is not allowed for the monitoring role: " + message + "; "
          + (privilege == null ? "grant" : "GRANT SYSTEM " + privilege + " TO <monitoring role>, see")
          + " config/cockroach-monitoring-role.sql", PERMISSION_DENIED);
    }
    if (UNDEFINED_COLUMN.equals(state) || UNDEFINED_TABLE.equals(state)) {
      return new SQLException(object + " on CockroachDB v" + server.version()
          + " does not have the layout drwatch reads for that version: " + message, state);
    }
    return e;
  }

  /** A column drwatch needs for this version, or a clear error naming it. */
  static Object require(Row r, String column, String object, ServerInfo server) throws SQLException {
    if (!r.has(column)) {
      throw new SQLException(object + " on CockroachDB v" + server.version() + " returned no column "
          + column + " (drwatch reads it on this version)", UNDEFINED_COLUMN);
    }
    return r.get(column);
  }

  // ---- value formats

  private static final Pattern GO_DURATION_PART =
      Pattern.compile("([0-9]*\\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)");

  /**
   * A Go {@code time.Duration} string as CockroachDB prints duration settings ({@code 5m0s},
   * {@code 1h30m}, {@code 300ms}, {@code 0s}) in seconds; null when it is not one.
   */
  static Double goDurationSeconds(String text) {
    if (text == null) {
      return null;
    }
    String s = text.strip();
    if (s.equals("0")) {
      return 0.0;
    }
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.isEmpty()) {
      return null;
    }
    Matcher m = GO_DURATION_PART.matcher(s);
    double total = 0;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        return null;
      }
      double v = Double.parseDouble(m.group(1));
      total += switch (m.group(2)) {
        case "ns" -> v / 1e9;
        case "us", "µs", "μs" -> v / 1e6;
        case "ms" -> v / 1e3;
        case "s" -> v;
        case "m" -> v * 60;
        default -> v * 3600;
      };
      at = m.end();
    }
    return negative ? -total : total;
  }

  private static final Pattern BYTE_SIZE = Pattern.compile("([0-9]*\\.?[0-9]+)\\s*([KMGTPE]i?B|B)?");

  /** A byte-size setting as CockroachDB prints it ({@code 32 MiB}, {@code 512 KiB}, {@code 100 B}). */
  static Double byteSize(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = BYTE_SIZE.matcher(text.strip());
    if (!m.matches()) {
      return null;
    }
    double v = Double.parseDouble(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    int power = "BKMGTPE".indexOf(unit.charAt(0));
    double base = unit.contains("i") || unit.equals("B") ? 1024 : 1000;
    return v * Math.pow(base, power);
  }

  /**
   * A liveness expiration as CockroachDB prints an HLC timestamp, {@code
   * "<unix seconds>.<nanos>,<logical>"}, in Unix seconds; null when absent or unreadable.
   */
  static Double hlcSeconds(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String wall = text.strip();
    int comma = wall.indexOf(',');
    if (comma >= 0) {
      wall = wall.substring(0, comma);
    }
    try {
      return new BigDecimal(wall).doubleValue();
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** {@code "24.3"} (or {@code "24.3-upgrading-to-25.1-step-010"}) → 2403; -1 when unreadable. */
  static int majorMinor(String version) {
    if (version == null) {
      return -1;
    }
    Matcher m = Pattern.compile("v?(\\d+)\\.(\\d+)").matcher(version);
    if (!m.find()) {
      return -1;
    }
    return Integer.parseInt(m.group(1)) * 100 + Integer.parseInt(m.group(2));
  }

  /** At most {@code max} characters, with an ellipsis when cut. */
  static String truncate(String s, int max) {
    if (s == null) {
      return "";
    }
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() <= max ? one : one.substring(0, Math.max(0, max - 1)) + "…";
  }
}
