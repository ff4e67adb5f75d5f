package io.drwatch.endpoint;

import java.time.Instant;
import java.util.List;

/**
 * What one probe of an endpoint saw, as a client would: the DNS answer, then the server that
 * answered through it. Fields past the DNS answer are null when the probe did not get that far.
 *
 * @param at when the probe started
 * @param addresses the DNS answer (or the literal address); empty when resolution failed
 * @param ttlSeconds the answer's TTL; null for a literal address or a failed resolution
 * @param up a session was opened through the endpoint and the probe query answered
 * @param writable the server accepts writes: not in recovery and the session's
 *     {@code transaction_read_only} off, and, with the write probe on, the write committed
 * @param wrote whether the opt-in write probe committed (null: no write probe)
 * @param error why the probe failed or the write was refused, without secrets; null when it did not
 */
public record ProbeResult(
    Instant at,
    List<String> addresses,
    Long ttlSeconds,
    Double resolveSeconds,
    boolean up,
    Double connectSeconds,
    Double firstQuerySeconds,
    String systemIdentifier,
    Double postmasterStartSeconds,
    String serverAddress,
    Integer serverPort,
    Boolean inRecovery,
    Boolean readOnly,
    Long timeline,
    boolean writable,
    Boolean wrote,
    String error) {

  public ProbeResult {
    addresses = List.copyOf(addresses);
  }

  /** The probe failed before or at connecting (no server identity). */
  static ProbeResult failed(Instant at, List<String> addresses, Long ttl, Double resolveSeconds,
      Double connectSeconds, String error) {
    return new ProbeResult(at, addresses, ttl, resolveSeconds, false, connectSeconds, null, null, null, null,
        null, null, null, null, false, null, error);
  }

  /** The address the session went to: the first of the DNS answer. */
  String connectedAddress() {
    return addresses.isEmpty() ? null : addresses.get(0);
  }
}
