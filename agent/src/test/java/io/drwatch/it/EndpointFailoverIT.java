package io.drwatch.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.Agent;
import io.drwatch.collect.CollectorRegistry;
import io.drwatch.config.AgentConfig;
import io.drwatch.config.ConfigLoader;
import io.drwatch.fixture.Await;
import io.drwatch.fixture.Clusters;
import io.drwatch.fixture.Dnsmasq;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.HaProxy;
import io.drwatch.fixture.Series;
import io.drwatch.fixture.TcpRelay;
import io.drwatch.sandbox.PgSandbox;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A failover as clients saw it, on a real primary and standby behind a real DNS server (dnsmasq,
 * 1 s TTL) and a real proxy (HAProxy). The members listen on their own loopback addresses
 * (127.0.0.2 and 127.0.0.3, same port, through relays), so the DNS name can move between them.
 *
 * <p>The test injects each phase: it stops the old primary, promotes the standby
 * {@link #PROMOTE_AFTER} later and brings the old primary back as its standby (so the writer name
 * leads to a read-only member: the stale-writer condition), moves the DNS record
 * {@link #DNS_AFTER} after the promotion and the proxy backend {@link #PROXY_AFTER} after the
 * record, and lets the new primary take writes {@link #WRITES_AFTER} after the proxy moved (it
 * was read-only until then: {@code default_transaction_read_only}). Each phase drwatch reports must match what was injected
 * within {@link #TOLERANCE}: one probe interval (1 s) plus 0.5 s for the probes' own time. The
 * split of the failure between promotion and propagation is the cluster package's observation of
 * the promotion (checked to the millisecond against drwatch_cluster_last_failover_timestamp_seconds)
 * and matches the injected promotion within {@link #MEMBER_TOLERANCE}.
 */
class EndpointFailoverIT {

  static final Duration PROMOTE_AFTER = Duration.ofSeconds(3);
  static final Duration DNS_AFTER = Duration.ofSeconds(3);
  static final Duration PROXY_AFTER = Duration.ofSeconds(2);
  static final Duration WRITES_AFTER = Duration.ofSeconds(2);
  static final double TOLERANCE = 1.5;
  /**
   * A member probe sees the promotion: its interval is 1 s too, but the members' collectors share
   * the sampler pool on a 2-core machine with other builds; the next probe came up to 2.3 s after
   * the promotion in one run.
   */
  static final double MEMBER_TOLERANCE = 3.0;
  static final String NAME = "writer.drwatch.test";

  @Test
  void failoverPhasesMatchWhatWasInjected() throws Exception {
    try (PgSandbox pg = PgSandbox.builder().version(Clusters.defaultMajor())
            .standby("standby", PgSandbox.Sync.ASYNC).start()) {
      // The write probe's table and grants, exactly as shipped.
      pg.primary().sql(java.nio.file.Files.readString(HeartbeatIT.shipped("endpoint-probe.sql")));
      // The standby will be promoted read-only and take writes only when the test says so.
      pg.standby("standby").sql("ALTER SYSTEM SET default_transaction_read_only = on");
      pg.standby("standby").sql("SELECT pg_reload_conf()");
      try (TcpRelay a = new TcpRelay(InetAddress.getByName("127.0.0.2"), 0, pg.primary().port());
          TcpRelay b = new TcpRelay(InetAddress.getByName("127.0.0.3"), a.port(), pg.standby("standby").port());
          Dnsmasq dns = Dnsmasq.start("drwatch.test", 1, NAME, "127.0.0.2");
          HaProxy proxy = HaProxy.start(pg.primary().port(), pg.standby("standby").port());
          Agent agent = Agent.start(config(a, b, dns, proxy), CollectorRegistry.builtIn())) {
        String before = await(agent, "both writer endpoints write to the primary", x ->
            is(x, "drwatch_endpoint_writable", 1, "endpoint", "writer-dns")
                && is(x, "drwatch_endpoint_writable", 1, "endpoint", "writer-proxy")
                && is(x, "drwatch_endpoint_reaches_primary", 1, "endpoint", "writer-dns")
                && is(x, "drwatch_endpoint_reaches_primary", 1, "endpoint", "writer-proxy"), Duration.ofSeconds(30));
        assertTrue(Series.parse(before).stream().anyMatch(s -> s.name().equals("drwatch_endpoint_member_info")
            && s.has("endpoint", "writer-dns", "target", "pg-a")), "matched to pg-a:\n" + endpoints(before));
        assertEquals(1.0, value(before, "drwatch_endpoint_dns_info", "endpoint", "writer-dns", "address", "127.0.0.2"));
        assertEquals(1.0, value(before, "drwatch_endpoint_dns_ttl_seconds", "endpoint", "writer-dns"));
        assertEquals(1.0, value(before, "drwatch_endpoint_dns_address_member", "endpoint", "writer-dns",
            "address", "127.0.0.2"));

        // The old primary goes away (a clean stop, so it can rejoin without a rewind).
        Instant fenced = Instant.now();
        pg.primary().stop();
        Await.elapse(left(PROMOTE_AFTER, fenced), "the injected timeline: promotion " + PROMOTE_AFTER + " after the stop");
        pg.standby("standby").promote();
        Instant promoted = Instant.now();
        pg.primary().follow(pg.standby("standby"));

        // The stale writer: the name still leads to the old primary, back as a standby of pg-b.
        String stale = await(agent, "the writer endpoint on the old primary, now a standby; the cluster primary pg-b", x ->
            is(x, "drwatch_endpoint_writable", 0, "endpoint", "writer-dns")
                && is(x, "drwatch_endpoint_reaches_primary", 0, "endpoint", "writer-dns")
                && Series.value(x, "drwatch_cluster_primaries", "cluster", "main").orElse(0.0) == 1.0
                && Series.parse(x).stream().anyMatch(s -> s.name().equals("drwatch_endpoint_member_info")
                    && s.has("endpoint", "writer-dns", "target", "pg-a")),
            Duration.ofSeconds(10));
        assertEquals(1.0, value(stale, "drwatch_endpoint_up", "endpoint", "writer-dns"));
        assertEquals(1.0, value(stale, "drwatch_endpoint_info", "endpoint", "writer-dns", "expect", "writer"));
        assertEquals(1.0, value(stale, "drwatch_endpoint_dns_info", "endpoint", "writer-dns", "address", "127.0.0.2"));

        Await.elapse(left(DNS_AFTER, promoted), "the injected timeline: DNS moves " + DNS_AFTER + " after the promotion");
        dns.point(NAME, "127.0.0.3");
        Instant dnsMoved = Instant.now();
        Await.elapse(PROXY_AFTER, "the injected timeline: the proxy moves " + PROXY_AFTER + " after DNS");
        proxy.switchTo("b");
        Instant proxyMoved = Instant.now();
        Await.elapse(WRITES_AFTER, "the injected timeline: writes open " + WRITES_AFTER + " after the proxy");
        pg.standby("standby").sql("ALTER SYSTEM RESET default_transaction_read_only");
        pg.standby("standby").sql("SELECT pg_reload_conf()");
        Instant writable = Instant.now();

        String after = await(agent, "both endpoints completed a failover", x ->
            is(x, "drwatch_endpoint_failovers_total", 1, "endpoint", "writer-dns")
                && is(x, "drwatch_endpoint_failovers_total", 1, "endpoint", "writer-proxy"), Duration.ofSeconds(15));
        System.out.println("EndpointFailoverIT injected: promote +" + secs(fenced, promoted) + " s, dns +"
            + secs(promoted, dnsMoved) + " s, proxy +" + secs(dnsMoved, proxyMoved) + " s, writes +"
            + secs(proxyMoved, writable) + " s\n" + endpoints(after));

        // Detection: the first probe after the stop fails; a probe runs every interval.
        phase(after, "writer-dns", "detection", 0.5, 1.0);
        phase(after, "writer-proxy", "detection", 0.5, 1.0);
        // What the endpoint saw itself: first failed probe to reaching the new primary, and on to the first write.
        both(after, "writer-dns", "promotion", "propagation", secs(fenced, dnsMoved), TOLERANCE);
        both(after, "writer-proxy", "promotion", "propagation", secs(fenced, proxyMoved), TOLERANCE);
        phase(after, "writer-dns", "first_write", secs(dnsMoved, writable), TOLERANCE);
        phase(after, "writer-proxy", "first_write", secs(proxyMoved, writable), TOLERANCE);
        // Total runs from the last write before the stop to the first write after: up to one interval
        // longer at each end than what was injected.
        for (String e : new String[] {"writer-dns", "writer-proxy"}) {
          double total = phase(after, e, "total");
          double injected = secs(fenced, writable);
          assertTrue(total >= injected - 0.5 && total <= injected + 2 + 0.5, e + " total: " + total
              + " s, injected " + injected + " s (+0..2 intervals)\n" + endpoints(after));
        }
        // The split at the promotion is the cluster package's own observation, to the millisecond...
        for (String e : new String[] {"writer-dns", "writer-proxy"}) {
          double seen = value(after, "drwatch_endpoint_last_failover_timestamp_seconds", "endpoint", e)
              - phase(after, e, "total") + phase(after, e, "detection") + phase(after, e, "promotion");
          assertEquals(value(after, "drwatch_cluster_last_failover_timestamp_seconds", "cluster", "main"), seen, 0.002,
              e + ": the promotion milestone is the cluster's failover observation");
        }
        // ...which comes from the next member probe after the promotion: within MEMBER_TOLERANCE of it.
        phase(after, "writer-dns", "promotion", secs(fenced, promoted), MEMBER_TOLERANCE);
        phase(after, "writer-dns", "propagation", secs(promoted, dnsMoved), MEMBER_TOLERANCE);
        phase(after, "writer-proxy", "promotion", secs(fenced, promoted), MEMBER_TOLERANCE);
        phase(after, "writer-proxy", "propagation", secs(promoted, proxyMoved), MEMBER_TOLERANCE);
        // The name moved: a JVM application caching it 30 s could have kept the old address this much longer.
        double firstWrite = value(after, "drwatch_endpoint_failover_phase_seconds", "endpoint", "writer-dns",
            "phase", "first_write");
        phase(after, "writer-dns", "jvm_dns_cache_extra", 30 - firstWrite, 0.01);
        assertTrue(Series.value(after, "drwatch_endpoint_failover_phase_seconds", "endpoint", "writer-proxy",
            "phase", "jvm_dns_cache_extra").isEmpty(), "the proxy's address never moved");
        assertEquals(1.0, value(after, "drwatch_endpoint_failover_phase_duration_seconds_count", "endpoint",
            "writer-dns", "phase", "total"));
        assertTrue(Series.parse(after).stream().anyMatch(s -> s.name().equals("drwatch_endpoint_member_info")
            && s.has("endpoint", "writer-dns", "target", "pg-b")), "now on pg-b:\n" + endpoints(after));
        assertEquals(1.0, value(after, "drwatch_endpoint_reaches_primary", "endpoint", "writer-dns"));
        assertEquals(1.0, value(after, "drwatch_endpoint_writable", "endpoint", "writer-proxy"));
      }
    }
  }

  private static AgentConfig config(TcpRelay a, TcpRelay b, Dnsmasq dns, HaProxy proxy) {
    String conf = """
        drwatch {
          http { host = "127.0.0.1", port = 0 }
          defaults { interval = 1s, timeout = 1s, connect-timeout = 1s }
          targets = [
            { name = "pg-a", url = "%s", user = "drwatch", no-password = true, labels { cluster = "main" } }
            { name = "pg-b", url = "%s", user = "drwatch", no-password = true, labels { cluster = "main" } }
          ]
          endpoints = [
            { name = "writer-dns", url = "jdbc:postgresql://%s:%d/postgres", cluster = "main", expect = writer,
              via = dns, resolver = "%s", user = "drwatch", no-password = true, write-probe = true }
            { name = "writer-proxy", url = "jdbc:postgresql://127.0.0.1:%d/postgres", cluster = "main",
              expect = writer, user = "drwatch", no-password = true, write-probe = true }
          ]
        }
        """.formatted(a.jdbcUrl(), b.jdbcUrl(), NAME, a.port(), dns.address(), proxy.port());
    return new ConfigLoader(CollectorRegistry.builtIn(), Map.<String, String>of()::get).loadString(conf, "endpoints.conf");
  }

  private static void phase(String exposition, String endpoint, String phase, double expected, double tolerance) {
    double got = value(exposition, "drwatch_endpoint_failover_phase_seconds", "endpoint", endpoint, "phase", phase);
    assertTrue(Math.abs(got - expected) <= tolerance, endpoint + " " + phase + ": " + got + " s, injected "
        + expected + " s ± " + tolerance + "\n" + endpoints(exposition));
  }

  private static double phase(String exposition, String endpoint, String phase) {
    return value(exposition, "drwatch_endpoint_failover_phase_seconds", "endpoint", endpoint, "phase", phase);
  }

  private static void both(String exposition, String endpoint, String a, String b, double expected, double tolerance) {
    double got = phase(exposition, endpoint, a) + phase(exposition, endpoint, b);
    assertTrue(Math.abs(got - expected) <= tolerance, endpoint + " " + a + " + " + b + ": " + got + " s, injected "
        + expected + " s ± " + tolerance + "\n" + endpoints(exposition));
  }

  private static double secs(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }

  private static boolean is(String exposition, String name, double v, String... labels) {
    return Series.value(exposition, name, labels).map(x -> x == v).orElse(false);
  }

  private static double value(String exposition, String name, String... labels) {
    Optional<Double> v = Series.value(exposition, name, labels);
    assertTrue(v.isPresent(), name + " " + String.join(",", labels) + " missing:\n" + endpoints(exposition));
    return v.get();
  }

  private static String endpoints(String exposition) {
    return Exposition.only(exposition, "drwatch_endpoint_", "drwatch_cluster_primaries");
  }

  private static String await(Agent agent, String what, Predicate<String> condition, Duration timeout) {
    return Await.until(what, timeout, Duration.ofMillis(100), () -> Exposition.text(agent.snapshots().collect()),
        condition, EndpointFailoverIT::endpoints);
  }

  /** What remains of a phase's delay since {@code from} (the steps before it took some of it). */
  private static Duration left(Duration phase, Instant from) {
    Duration rest = phase.minus(Duration.between(from, Instant.now()));
    return rest.isNegative() ? Duration.ZERO : rest;
  }
}
