package io.drwatch.config;

import java.time.Duration;

/**
 * An address applications use to reach a cluster (a DNS name, a proxy, a pooler, a virtual IP),
 * probed on its own schedule like a client would connect: a fresh DNS answer, then one short
 * session.
 *
 * @param url a single-host {@code jdbc:postgresql://} URL as applications use it
 * @param cluster the cluster (targets' {@code labels.cluster}) the endpoint leads to
 * @param expect whether clients write through it (writer) or read only (reader)
 * @param via {@code dns}: the name must resolve to a member's own address; {@code proxy}: a
 *     proxy, pooler or virtual IP in front of the members, whose address is its own
 * @param password null when the endpoint authenticates without one
 * @param resolver a DNS server as host or host:port, or null for the system resolver
 *     (/etc/resolv.conf)
 * @param connectTimeout bounds the TCP connect and the login
 * @param maxReplayDelay for a reader: the replay delay beyond which its standby is too stale; null
 *     when not checked
 * @param writeProbe null, or the table the opt-in write probe upserts one row into per probe
 */
public record EndpointSettings(
    String name,
    String url,
    String cluster,
    Expect expect,
    Via via,
    String user,
    Secret password,
    Duration interval,
    Duration timeout,
    Duration connectTimeout,
    String resolver,
    Duration maxReplayDelay,
    String writeProbe,
    String origin) {

  public enum Expect {
    WRITER, READER;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public enum Via {
    DNS, PROXY;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
