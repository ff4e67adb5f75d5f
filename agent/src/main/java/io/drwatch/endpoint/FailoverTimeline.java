package io.drwatch.endpoint;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A writer endpoint's failover as its clients saw it, from its successive probes: the last
 * successful write, the first failed probe (detection), the promotion seen on a member (a new
 * timeline), the endpoint first reaching the new primary (DNS or proxy propagation) and the first
 * successful write through it. Pure: fed probe results and the cluster's last promotion time.
 *
 * <p>A failure that ends on the same server and timeline is an outage, not a failover: nothing is
 * recorded. Each phase is the time from the previous milestone to its own; a milestone that came
 * before its predecessor (a promotion seen before the endpoint failed) gives that phase 0.
 */
final class FailoverTimeline {

  static final String DETECTION = "detection";
  static final String PROMOTION = "promotion";
  static final String PROPAGATION = "propagation";
  static final String FIRST_WRITE = "first_write";
  static final String TOTAL = "total";
  static final String JVM_DNS_CACHE = "jvm_dns_cache_extra";

  /**
   * The JVM's positive DNS cache when no security manager is installed and
   * {@code networkaddress.cache.ttl} is not set: 30 s, whatever the record's TTL.
   */
  static final Duration JVM_DEFAULT_DNS_CACHE = Duration.ofSeconds(30);

  /**
   * One failover.
   *
   * @param promotionSeenBy "member" when a member's probe showed it, "endpoint" when only the
   *     endpoint's new timeline did (the new primary is no configured target, e.g. RDS Multi-AZ)
   * @param addressMoved whether the endpoint's DNS answer changed during the failover
   * @param phases seconds per phase, in timeline order
   */
  record Failover(Instant lastWrite, Instant firstFailure, Instant promotionSeen, String promotionSeenBy,
      Instant reachedNewPrimary, Instant firstWrite, String oldAddress, String newAddress, boolean addressMoved,
      Map<String, Double> phases) {}

  /** Who answered a probe: enough to tell the same server on the same timeline from a new primary. */
  private record Server(String systemIdentifier, Double started, Long timeline) {}

  private Instant lastWrite;
  private Server lastWriter;
  private String lastWriteAddress;
  private Instant firstFailure;
  private Instant reached;
  private String reachedAddress;
  private final Duration jvmCache;

  FailoverTimeline() {
    this(JVM_DEFAULT_DNS_CACHE);
  }

  FailoverTimeline(Duration jvmCache) {
    this.jvmCache = jvmCache;
  }

  /**
   * @param lastPromotionAt when a member of the endpoint's cluster last showed a promotion, or null
   * @return the failover this probe completed, or null
   */
  Failover observe(ProbeResult p, Instant lastPromotionAt) {
    Server server = p.up() ? new Server(p.systemIdentifier(), p.postmasterStartSeconds(), p.timeline()) : null;
    boolean ok = p.writable();
    if (!ok) {
      if (lastWrite != null && firstFailure == null) {
        firstFailure = p.at();
      }
      if (firstFailure != null && reached == null && server != null && isNewPrimary(server, p)) {
        reached = p.at(); // reached the new primary, which does not take writes yet
        reachedAddress = p.connectedAddress();
      }
      return null;
    }
    Failover done = null;
    if (firstFailure != null && isNewPrimary(server, p)) {
      done = failover(p, lastPromotionAt);
    }
    lastWrite = p.at();
    lastWriter = server;
    lastWriteAddress = p.connectedAddress();
    firstFailure = null;
    reached = null;
    reachedAddress = null;
    return done;
  }

  /** Not in recovery, and a later timeline of the same database than the last write went to. */
  private boolean isNewPrimary(Server now, ProbeResult p) {
    if (lastWriter == null || Boolean.TRUE.equals(p.inRecovery())) {
      return false;
    }
    if (!Objects.equals(now.systemIdentifier(), lastWriter.systemIdentifier())) {
      return false; // another database altogether: not this cluster's failover
    }
    return now.timeline() != null && lastWriter.timeline() != null && now.timeline() > lastWriter.timeline();
  }

  private Failover failover(ProbeResult p, Instant lastPromotionAt) {
    Instant reach = reached != null ? reached : p.at();
    String newAddress = reached != null ? reachedAddress : p.connectedAddress();
    boolean byMember = lastPromotionAt != null && lastPromotionAt.isAfter(lastWrite) && !lastPromotionAt.isAfter(reach);
    Instant promotion = byMember ? lastPromotionAt : reach;
    Map<String, Double> phases = new LinkedHashMap<>();
    phases.put(DETECTION, seconds(lastWrite, firstFailure));
    phases.put(PROMOTION, seconds(firstFailure, promotion));
    phases.put(PROPAGATION, seconds(max(firstFailure, promotion), reach));
    phases.put(FIRST_WRITE, seconds(reach, p.at()));
    phases.put(TOTAL, seconds(lastWrite, p.at()));
    boolean moved = lastWriteAddress != null && newAddress != null && !lastWriteAddress.equals(newAddress);
    if (moved) {
      // An application that resolved the name just before the record moved keeps the old address
      // for the JVM's cache time, whatever the TTL: the first probe that saw the new address bounds
      // when the record moved, so this is the most it could have waited beyond the first write.
      phases.put(JVM_DNS_CACHE, Math.max(0, seconds(p.at(), reach.plus(jvmCache))));
    }
    return new Failover(lastWrite, firstFailure, promotion, byMember ? "member" : "endpoint", reach, p.at(),
        lastWriteAddress, newAddress, moved, phases);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /** Seconds from a to b, 0 when b is not after a. */
  private static double seconds(Instant a, Instant b) {
    return Math.max(0, Duration.between(a, b).toMillis() / 1000.0);
  }
}
