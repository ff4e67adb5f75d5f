package io.drwatch.target;

/**
 * WAL positions as byte numbers, read by the probe in the same statement as the role, so they
 * belong to the probe's moment. The cluster view keeps the writer's and compares each standby's
 * with it, also after the writer is gone.
 *
 * @param current a primary's write position ({@code pg_current_wal_lsn()}); null on a standby
 * @param received a standby's last WAL received and flushed ({@code pg_last_wal_receive_lsn()});
 *     null on a primary, and on a standby that has streamed nothing since it started (archive
 *     recovery only)
 * @param replayed a standby's last replayed position ({@code pg_last_wal_replay_lsn()}); null on a
 *     primary
 */
public record WalPositions(Double current, Double received, Double replayed) {

  /** What a standby holds: received where it streams, else what it restored and replayed. */
  public Double held() {
    if (received == null) {
      return replayed;
    }
    return replayed == null ? received : Math.max(received, replayed);
  }
}
