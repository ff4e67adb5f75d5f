package io.drwatch.target;

import java.util.Set;

/**
 * What detection found on the last successful probe of a target.
 *
 * @param versionNum server_version_num, e.g. 170006 (CockroachDB: its major*10000+minor*100)
 * @param timeline current timeline: from the WAL file name on a primary, received_tli on a
 *     streaming standby, else the last checkpoint's; null when unknown
 * @param systemIdentifier pg_control system identifier as unsigned decimal text (exceeds 2^53)
 * @param extensions extensions installed in the connected database
 */
public record ServerInfo(
    Flavor flavor,
    int versionNum,
    String version,
    boolean inRecovery,
    Long timeline,
    String systemIdentifier,
    Double postmasterStartSeconds,
    Set<String> extensions) {

  public ServerInfo {
    extensions = Set.copyOf(extensions);
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

  public boolean hasExtension(String name) {
    return extensions.contains(name);
  }
}
