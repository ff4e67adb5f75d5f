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
    Position p = last.get(target);
    if (p != null && atSeconds <= p.at()) {
      return rates.get(target);
    }
    last.put(target, new Position(atSeconds, replayBytes, backlogBytes));
    if (p == null) {
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

  /** Forgets targets that are no longer reachable standbys (promoted, down, removed). */
  synchronized void retain(Set<String> standbys) {
    last.keySet().retainAll(standbys);
    rates.keySet().retainAll(standbys);
  }
}
