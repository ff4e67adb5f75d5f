package io.drwatch.sample;

import io.drwatch.target.ServerInfo;
import java.time.Instant;
import java.util.Map;

/**
 * What the last probe of a target found. {@code server} is the last successful detection, kept
 * while the target is down so /api/targets can say what it was; exposition uses it only while up.
 */
public record TargetStatus(
    String name,
    String cluster,
    Map<String, String> labels,
    String url,
    boolean up,
    ServerInfo server,
    String lastError,
    Instant lastProbeAt,
    Instant lastUpAt,
    int openConnections) {

  public TargetStatus {
    labels = Map.copyOf(labels);
  }
}
