package io.drwatch.target;

import io.drwatch.collect.Db;
import io.drwatch.collect.Row;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Detects flavor, version, role, timeline and system identifier in two cheap statements. Runs on
 * every probe, so a promotion, a restart or a reconnect to a different server is noticed within one
 * interval. The timeline comes from the WAL file name on a primary because the checkpoint's
 * timeline lags for seconds to minutes after a promotion.
 */
public final class ServerDetector {

  static final String PG_PROBE = """
      SELECT current_setting('server_version_num')::int AS version_num,
             current_setting('server_version') AS version,
             pg_is_in_recovery() AS in_recovery,
             (pg_control_system()).system_identifier::text AS system_identifier,
             CASE WHEN pg_is_in_recovery()
                  THEN coalesce((SELECT received_tli FROM pg_stat_wal_receiver),
                                (pg_control_checkpoint()).timeline_id)
                  ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int
             END::bigint AS timeline,
             extract(epoch FROM pg_postmaster_start_time())::float8 AS started,
             (SELECT string_agg(extname, ',') FROM pg_extension) AS extensions""";

  public ServerInfo detect(Db db, Flavor configured) throws SQLException {
    String version = db.queryOne("SELECT version() AS v").orElseThrow().string("v");
    boolean cockroach = version != null && version.toLowerCase(Locale.ROOT).contains("cockroachdb");
    Flavor flavor = cockroach ? Flavor.COCKROACHDB : Flavor.POSTGRESQL;
    if (configured != Flavor.AUTO && configured != flavor) {
      throw new SQLException("target is configured as " + configured.label() + " but the server is "
          + flavor.label() + " (" + version + ")", "22023");
    }
    if (cockroach) {
      return cockroach(version);
    }
    Row r = db.queryOne(PG_PROBE).orElseThrow();
    Set<String> extensions = new HashSet<>();
    String ext = r.string("extensions");
    if (ext != null && !ext.isEmpty()) {
      extensions.addAll(Set.of(ext.split(",")));
    }
    return new ServerInfo(Flavor.POSTGRESQL, r.lng("version_num").intValue(), r.string("version"),
        r.bool("in_recovery"), r.lng("timeline"), r.string("system_identifier"), r.dbl("started"),
        extensions);
  }

  /** CockroachDB detail (node id, cluster id, liveness) belongs to its own collectors. */
  static ServerInfo cockroach(String version) {
    // "CockroachDB CCL v24.3.1 (x86_64-pc-linux-gnu, ...)"
    int num = 0;
    String v = "";
    int at = version.indexOf(" v");
    if (at >= 0) {
      v = version.substring(at + 2).split("[ (]")[0];
      String[] parts = v.split("[.-]");
      try {
        num = Integer.parseInt(parts[0]) * 10000 + (parts.length > 1 ? Integer.parseInt(parts[1]) * 100 : 0);
      } catch (NumberFormatException e) {
        num = 0;
      }
    }
    return new ServerInfo(Flavor.COCKROACHDB, num, v, false, null, null, null, Set.of());
  }
}
