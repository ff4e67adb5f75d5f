package io.drwatch.sample;

import io.drwatch.config.TargetSettings;
import io.drwatch.target.ServerInfo;
import java.time.Instant;

/**
 * Told the outcome of every probe, so that state which lives between samples (failovers, outages)
 * is built from the transitions the probe observes rather than from a second detection path.
 */
@FunctionalInterface
public interface ProbeListener {

  ProbeListener NONE = (target, server, at) -> { };

  /**
   * @param server what the probe detected, or null when the target did not answer
   * @param at when the probe started
   */
  void probed(TargetSettings target, ServerInfo server, Instant at);

  /** Tells {@code first}, then {@code next}. */
  static ProbeListener both(ProbeListener first, ProbeListener next) {
    return (target, server, at) -> {
      first.probed(target, server, at);
      next.probed(target, server, at);
    };
  }
}
