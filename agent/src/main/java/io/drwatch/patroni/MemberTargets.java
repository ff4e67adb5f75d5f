package io.drwatch.patroni;

import io.drwatch.config.PatroniSettings;
import io.drwatch.patroni.PatroniJson.ClusterMember;
import io.drwatch.patroni.PatroniJson.ClusterReport;
import io.drwatch.sample.TargetStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which drwatch target is which Patroni member, so that Patroni's leader can be compared with the
 * databases' primary: the configured {@code member-targets} first, then a target of the cluster
 * named like the member, then one whose JDBC URL has the member's PostgreSQL host and port.
 */
final class MemberTargets {

  private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://(\\[[^]]+]|[^:/?,]+)(?::(\\d+))?[/?]?.*");

  private MemberTargets() {}

  static Map<String, String> match(PatroniSettings cfg, ClusterReport report, List<TargetStatus> targets) {
    Map<String, String> out = new HashMap<>(cfg.memberTargets());
    if (report == null) {
      return out;
    }
    for (ClusterMember m : report.members()) {
      if (out.containsKey(m.name())) {
        continue;
      }
      for (TargetStatus t : targets) {
        if (t.cluster().equals(cfg.cluster()) && t.name().equals(m.name())) {
          out.put(m.name(), t.name());
        }
      }
      if (out.containsKey(m.name()) || m.host() == null) {
        continue;
      }
      String want = hostPort(m.host(), m.port() == null ? 5432 : m.port());
      for (TargetStatus t : targets) {
        if (t.cluster().equals(cfg.cluster()) && want.equals(hostPort(t.url()))) {
          out.put(m.name(), t.name());
          break;
        }
      }
    }
    return out;
  }

  /** {@code host:port} of a PostgreSQL JDBC URL (the first host of a multi-host one), or null. */
  static String hostPort(String jdbcUrl) {
    if (jdbcUrl == null) {
      return null;
    }
    Matcher m = HOST_PORT.matcher(jdbcUrl);
    if (!m.matches()) {
      return null;
    }
    return hostPort(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
  }

  private static String hostPort(String host, int port) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      h = "127.0.0.1";
    }
    return h + ":" + port;
  }
}
