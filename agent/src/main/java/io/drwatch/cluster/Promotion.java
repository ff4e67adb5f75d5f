package io.drwatch.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What promoting each standby would cost now, and which one to promote. Pure: the writer's
 * position (live, or last seen) and each standby's probe positions in, answers out.
 *
 * <p>Loss is WAL the writer had that the standby does not hold; the writer's position is the
 * larger of what the agent last saw on it and what any standby received (a standby can only hold
 * WAL the writer wrote). Without a reachable writer it is a lower bound: whatever the writer wrote
 * after the agent last saw it is unknown. Catch-up is the time to replay what the standby holds,
 * at its measured replay rate: what promotion waits for. A standby whose receiver stalled holds
 * little to replay but has a loss that grows while the writer writes; that, not its catch-up,
 * says it is behind.
 *
 * <p>The best candidate is a synchronous standby when there is one: a standby the writer last
 * showed as {@code sync} under {@code FIRST n} with commits waiting for it holds every
 * acknowledged commit, whatever its WAL position was at its last probe (positions on different
 * servers are read at different moments, so an asynchronous standby can look a little ahead).
 * Then the least loss, then the shortest known catch-up, then the first target name. Never a
 * delayed standby (recovery_min_apply_delay above 0): it lags on purpose, to survive a mistake
 * that replicates, and promoting it replays away the protection.
 */
final class Promotion {

  private Promotion() {}

  /**
   * One standby as the probes and the standby collector see it.
   *
   * @param held WAL it holds (received, or restored where it streams nothing), byte number
   * @param replayed its replay position
   * @param replayRate measured replay rate in bytes/s, null while unknown
   * @param delayed whether recovery_min_apply_delay is above 0
   * @param synchronous whether the writer, when last seen, waited for it to flush each commit
   */
  record Standby(String target, double held, double replayed, Double replayRate, boolean delayed,
      boolean synchronous) {}

  /** The answer for one standby. */
  record Answer(String target, double lossBytes, Double lossSeconds, Double catchupSeconds, boolean eligible,
      boolean synchronous) {}

  /**
   * @param writerLsn the writer's position: live while it answers, last seen after
   * @param writerSeenAt when that position was read (epoch seconds)
   * @param passedAt maps a WAL position to when the writer passed it (null when unknown)
   */
  record Writer(double writerLsn, double writerSeenAt, java.util.function.DoubleFunction<Double> passedAt) {}

  /** Answers for every standby, in target order. */
  static List<Answer> answers(Writer writer, List<Standby> standbys) {
    double known = writer.writerLsn();
    for (Standby s : standbys) {
      known = Math.max(known, s.held());
    }
    List<Answer> out = new ArrayList<>();
    for (Standby s : standbys) {
      double loss = Math.max(0, known - s.held());
      Double seconds = 0.0;
      if (loss > 0) {
        Double passed = writer.passedAt().apply(s.held());
        seconds = passed == null ? null : Math.max(0, writer.writerSeenAt() - passed);
      }
      out.add(new Answer(s.target(), loss, seconds,
          Rto.catchup(Math.max(0, s.held() - s.replayed()), s.replayRate()), !s.delayed(), s.synchronous()));
    }
    out.sort(Comparator.comparing(Answer::target));
    return out;
  }

  /**
   * The standby to promote: a synchronous one, then least loss, then fastest known catch-up, then
   * name; null if none may be.
   */
  static Answer best(List<Answer> answers) {
    return answers.stream().filter(Answer::eligible)
        .min(Comparator.comparing((Answer a) -> !a.synchronous())
            .thenComparingDouble(Answer::lossBytes)
            .thenComparing(a -> a.catchupSeconds() == null ? Double.POSITIVE_INFINITY : a.catchupSeconds())
            .thenComparing(Answer::target))
        .orElse(null);
  }
}
