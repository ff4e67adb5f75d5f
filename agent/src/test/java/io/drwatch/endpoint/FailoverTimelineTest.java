package io.drwatch.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FailoverTimelineTest {

  private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

  private static Instant at(double seconds) {
    return T0.plusMillis((long) (seconds * 1000));
  }

  /** A probe that reached a server: its start time stands for the server's identity. */
  private static ProbeResult reached(double t, String address, double started, long timeline, boolean inRecovery,
      boolean writable) {
    return new ProbeResult(at(t), List.of(address), 1L, 0.001, true, 0.01, 0.001, "7001", started, address, 5432,
        inRecovery, !writable, timeline, writable, null, null);
  }

  private static ProbeResult down(double t, String address) {
    return ProbeResult.failed(at(t), List.of(address), 1L, 0.001, 0.01, "connection refused");
  }

  @Test
  void phasesOfAFailoverThroughAMovedDnsName() {
    FailoverTimeline tl = new FailoverTimeline();
    Instant promotedAt = at(13.5);
    assertNull(tl.observe(reached(0, "10.0.0.1", 100, 1, false, true), null));
    assertNull(tl.observe(reached(10, "10.0.0.1", 100, 1, false, true), null)); // last write
    assertNull(tl.observe(down(11, "10.0.0.1"), null));                           // detection: 1 s
    assertNull(tl.observe(down(12, "10.0.0.1"), null));
    assertNull(tl.observe(reached(14, "10.0.0.1", 200, 2, true, false), promotedAt)); // old primary back as a standby
    assertNull(tl.observe(reached(16, "10.0.0.2", 300, 2, false, false), promotedAt)); // new primary, read-only
    FailoverTimeline.Failover f = tl.observe(reached(19, "10.0.0.2", 300, 2, false, true), promotedAt);
    assertEquals(1.0, f.phases().get("detection"));
    assertEquals(2.5, f.phases().get("promotion"));
    assertEquals(2.5, f.phases().get("propagation"));
    assertEquals(3.0, f.phases().get("first_write"));
    assertEquals(9.0, f.phases().get("total"));
    assertEquals(27.0, f.phases().get("jvm_dns_cache_extra"), "reached at 16 s + 30 s cache - first write at 19 s");
    assertEquals("member", f.promotionSeenBy());
    assertTrue(f.addressMoved());
    assertEquals("10.0.0.1", f.oldAddress());
    assertEquals("10.0.0.2", f.newAddress());
  }

  @Test
  void aProxyFailoverSeenOnlyByTheEndpoint() {
    FailoverTimeline tl = new FailoverTimeline();
    tl.observe(reached(0, "10.0.9.9", 100, 4, false, true), null);
    tl.observe(down(2, "10.0.9.9"), null);
    // No member showed the promotion (the standby is no target, as on RDS Multi-AZ).
    FailoverTimeline.Failover f = tl.observe(reached(6, "10.0.9.9", 300, 5, false, true), null);
    assertEquals("endpoint", f.promotionSeenBy());
    assertEquals(2.0, f.phases().get("detection"));
    assertEquals(4.0, f.phases().get("promotion"), "promotion known only when the endpoint reached it");
    assertEquals(0.0, f.phases().get("propagation"));
    assertEquals(0.0, f.phases().get("first_write"));
    assertFalse(f.phases().containsKey("jvm_dns_cache_extra"), "the address did not move");
  }

  @Test
  void anOutageOnTheSameServerAndTimelineIsNoFailover() {
    FailoverTimeline tl = new FailoverTimeline();
    tl.observe(reached(0, "10.0.0.1", 100, 1, false, true), null);
    tl.observe(down(1, "10.0.0.1"), null);
    assertNull(tl.observe(reached(5, "10.0.0.1", 150, 1, false, true), null), "restarted, same timeline");
    // A promotion seen before the endpoint failed, and a failover after the outage, still time from the last write.
    tl.observe(down(6, "10.0.0.1"), null);
    FailoverTimeline.Failover f = tl.observe(reached(8, "10.0.0.2", 300, 2, false, true), at(2));
    assertEquals("endpoint", f.promotionSeenBy(), "a promotion before the last write is not this failover's");
    assertEquals(1.0, f.phases().get("detection"));
  }

  @Test
  void anotherDatabaseIsNoFailover() {
    FailoverTimeline tl = new FailoverTimeline();
    tl.observe(reached(0, "10.0.0.1", 100, 1, false, true), null);
    tl.observe(down(1, "10.0.0.1"), null);
    ProbeResult other = new ProbeResult(at(3), List.of("10.0.0.7"), 1L, 0.001, true, 0.01, 0.001, "9999", 1.0,
        "10.0.0.7", 5432, false, false, 3L, true, null, null);
    assertNull(tl.observe(other, null));
  }
}
