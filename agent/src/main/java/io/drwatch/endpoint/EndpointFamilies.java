package io.drwatch.endpoint;

import static io.drwatch.collect.MetricFamily.counter;
import static io.drwatch.collect.MetricFamily.gauge;
import static io.drwatch.collect.MetricFamily.histogram;
import static io.drwatch.collect.MetricFamily.info;

import io.drwatch.collect.MetricFamily;
import java.util.List;

/**
 * Families of the addresses applications use (endpoints): what each probe saw, checked against
 * the cluster view, and failovers as the endpoint's clients saw them. They carry {@code endpoint};
 * only {@code drwatch_endpoint_member_info} also names a member ({@code target}).
 */
public final class EndpointFamilies {

  private EndpointFamilies() {}

  public static final MetricFamily INFO = info("drwatch_endpoint_info",
      "One per configured endpoint: its cluster, what clients expect of it (writer or reader) and "
          + "whether it is a DNS name for the members (dns) or a proxy, pooler or virtual IP (proxy).",
      "endpoint", "cluster", "expect", "via");
  public static final MetricFamily UP = gauge("drwatch_endpoint_up",
      "1 when the last probe resolved the endpoint, opened a session through it and its query answered "
          + "(sampled on the endpoint's own schedule, not per scrape).", "endpoint");
  public static final MetricFamily WRITABLE = gauge("drwatch_endpoint_writable",
      "1 when the server the endpoint reached takes writes: not in recovery and transaction_read_only off "
          + "(and, with the opt-in write probe, the write committed). Absent while the endpoint is down.",
      "endpoint");
  public static final MetricFamily MEMBER = info("drwatch_endpoint_member_info",
      "The cluster member (target) the endpoint reached, matched by system identifier and postmaster start time.",
      "endpoint");
  public static final MetricFamily REACHES_MEMBER = gauge("drwatch_endpoint_reaches_member",
      "1 when the server the endpoint reached is a configured member of its cluster, 0 when it is no member.",
      "endpoint");
  public static final MetricFamily REACHES_PRIMARY = gauge("drwatch_endpoint_reaches_primary",
      "1 when the endpoint reached the member the cluster view calls primary, 0 when another server; "
          + "absent while the endpoint is down or the cluster has no single primary.", "endpoint");
  public static final MetricFamily STANDBY_REPLAY_DELAY = gauge("drwatch_endpoint_standby_replay_delay_seconds",
      "Replay delay of the standby a reader endpoint reached (its pg_standby_replay_delay_seconds).",
      "endpoint");
  public static final MetricFamily MAX_REPLAY_DELAY = gauge("drwatch_endpoint_max_replay_delay_seconds",
      "The reader endpoint's configured max-replay-delay: a standby lagging more is too stale to read from.",
      "endpoint");
  public static final MetricFamily DNS = info("drwatch_endpoint_dns_info",
      "One per address the endpoint's name resolved to at the last probe (a literal address when the "
          + "URL holds one), asked afresh each probe, never from the JVM's DNS cache.", "endpoint", "address");
  public static final MetricFamily DNS_TTL = gauge("drwatch_endpoint_dns_ttl_seconds",
      "TTL of the endpoint's DNS answer (the smallest of its address records).", "endpoint");
  public static final MetricFamily DNS_ADDRESS_MEMBER = gauge("drwatch_endpoint_dns_address_member",
      "For a via = dns endpoint: 1 when the resolved address is the address of a cluster member's own URL, "
          + "0 when it is none of them.", "endpoint", "address");
  public static final MetricFamily RESOLVE_SECONDS = gauge("drwatch_endpoint_resolve_seconds",
      "How long the last probe's DNS resolution took.", "endpoint");
  public static final MetricFamily CONNECT_SECONDS = gauge("drwatch_endpoint_connect_seconds",
      "How long the last probe took to open a session (TCP, TLS, authentication) through the endpoint.",
      "endpoint");
  public static final MetricFamily FIRST_QUERY_SECONDS = gauge("drwatch_endpoint_first_query_seconds",
      "How long the first query of the last probe's session took.", "endpoint");
  public static final MetricFamily LAST_PROBE = gauge("drwatch_endpoint_last_probe_timestamp_seconds",
      "When the endpoint was last probed.", "endpoint");
  public static final MetricFamily LAST_WRITE = gauge("drwatch_endpoint_last_writable_timestamp_seconds",
      "When a probe last found the endpoint writable (with the write probe: last wrote through it).", "endpoint");
  public static final MetricFamily FAILOVERS = counter("drwatch_endpoint_failovers_total",
      "Failovers the endpoint's clients went through since the agent started: writes failed, then "
          + "succeeded on a new primary (a later timeline).", "endpoint");
  public static final MetricFamily LAST_FAILOVER = gauge("drwatch_endpoint_last_failover_timestamp_seconds",
      "When the endpoint's last failover completed (its first successful write on the new primary).", "endpoint");
  public static final MetricFamily PHASE = gauge("drwatch_endpoint_failover_phase_seconds",
      "The endpoint's last failover, phase by phase: detection (last write to first failed probe), "
          + "promotion (to the promotion seen on a member), propagation (to the endpoint reaching the new "
          + "primary), first_write (to the first write through it), total; jvm_dns_cache_extra: how much "
          + "longer an application with the JVM's default 30 s DNS cache could have kept the old address.",
      "endpoint", "phase");
  public static final MetricFamily PHASE_HISTOGRAM = histogram("drwatch_endpoint_failover_phase_duration_seconds",
      "Every failover's phases since the agent started (see drwatch_endpoint_failover_phase_seconds).",
      "endpoint", "phase");

  public static List<MetricFamily> all() {
    return List.of(INFO, UP, WRITABLE, MEMBER, REACHES_MEMBER, REACHES_PRIMARY, STANDBY_REPLAY_DELAY,
        MAX_REPLAY_DELAY, DNS, DNS_TTL, DNS_ADDRESS_MEMBER, RESOLVE_SECONDS, CONNECT_SECONDS,
        FIRST_QUERY_SECONDS, LAST_PROBE, LAST_WRITE, FAILOVERS, LAST_FAILOVER, PHASE, PHASE_HISTOGRAM);
  }
}
