package io.drwatch.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Each standby's replay rate, measured from successive samples of its replay position. Only
 * movement says anything: a standby that kept a backlog through an interval was replaying as fast
 * as it could, so that rate is a measurement (smoothed); one that caught up during the interval
 * could have gone faster, so that rate only raises the estimate. Idle or paused intervals leave it
 * as it was, so the rate stands for what the standby does when it replays, not what it is asked to.
 *
 * <p>A delayed standby (recovery_min_apply_delay) replays each commit only once it is that old, so
 * its movement is the primary's write rate, not its replay speed; promotion skips the delay and
 * replays at full speed. Its samples are therefore throttled: they keep its position but measure
 * nothing, and its catch-up uses the fastest rate measured on a peer ({@link #unthrottled}).
 */
final class ReplayRates {

  private static final double SMOOTHING = 0.5;

  private record Position(double at, double replayBytes, double backlogBytes) {}

  private final Map<String, Position> last = new HashMap<>();
  private final Map<String, Double> rates = new HashMap<>();

  /**
   * One sample of a standby: when it was taken, its replay position and its backlog (received,
   * not replayed). Samples already seen (same time) change nothing. Returns the rate in bytes per
   * second, or null while unknown.
   */
  synchronized Double update(String target, double atSeconds, double replayBytes, double backlogBytes) {
    return update(target, atSeconds, replayBytes, backlogBytes, false);
  }

  /** @param throttled the standby replays on a delay: its movement says nothing about its speed */
  synchronized Double update(String target, double atSeconds, double replayBytes, double backlogBytes,
      boolean throttled) {
    Position p = last.get(target);
    if (p != null && atSeconds <= p.at()) {
      return rates.get(target);
    }
    last.put(target, new Position(atSeconds, replayBytes, backlogBytes));
    if (p == null || throttled) {
      return rates.get(target);
    }
    double moved = replayBytes - p.replayBytes();
    if (moved < 0) {
      rates.remove(target); // another server, or a restore: nothing carries over
      return null;
    }
    if (moved == 0) {
      return rates.get(target);
    }
    double rate = moved / (atSeconds - p.at());
    Double known = rates.get(target);
    if (p.backlogBytes() > 0 && backlogBytes > 0) {
      rates.put(target, known == null ? rate : SMOOTHING * rate + (1 - SMOOTHING) * known);
    } else if (known == null || rate > known) {
      rates.put(target, rate);
    }
    return rates.get(target);
  }

  synchronized Double rate(String target) {
    return rates.get(target);
  }

  /**
   * The replay speed a delayed standby would show once promotion lifts the delay: its own rate if
   * one was ever measured without the delay, else the fastest measured on any of the peers (same
   * cluster, likely alike); null when neither is known.
   */
  synchronized Double unthrottled(String target, java.util.Collection<String> peers) {
    Double best = rates.get(target);
    for (String p : peers) {
      Double r = rates.get(p);
      if (r != null && (best == null || r > best)) {
        best = r;
      }
    }
    return best;
  }

  /** Forgets targets that are no longer reachable standbys (promoted, down, removed). */
  synchronized void retain(Set<String> standbys) {
    last.keySet().retainAll(standbys);
    rates.keySet().retainAll(standbys);
  }
}
