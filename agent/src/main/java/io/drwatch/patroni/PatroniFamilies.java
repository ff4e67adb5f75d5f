package io.drwatch.patroni;

import static io.drwatch.collect.MetricFamily.counter;
import static io.drwatch.collect.MetricFamily.gauge;
import static io.drwatch.collect.MetricFamily.info;

import io.drwatch.collect.MetricFamily;
import java.util.List;

/**
 * Families from a cluster's Patroni source (sampled on its own schedule, like a collector) and
 * the cross-checks with what the databases say. They carry {@code cluster}, and {@code member}
 * (the Patroni member name) where they are per member; no {@code target}, since Patroni is not a
 * database target ({@link #MEMBER_INFO} maps members to targets).
 */
public final class PatroniFamilies {

  private PatroniFamilies() {}

  public static final MetricFamily UP = gauge("drwatch_patroni_up",
      "1 when the last poll read the DCS view (/cluster) from some Patroni member.", "cluster");
  public static final MetricFamily POLL_DURATION = gauge("drwatch_patroni_poll_duration_seconds",
      "How long the last poll of the cluster's Patroni members took.", "cluster");
  public static final MetricFamily LAST_SUCCESS = gauge("drwatch_patroni_last_success_timestamp_seconds",
      "When a poll last read the DCS view from some member (sampled on a schedule, not on scrape).", "cluster");
  public static final MetricFamily DCS_UP = gauge("drwatch_patroni_dcs_up",
      "0 when members' REST APIs answer but none can read the DCS (etcd, Consul, ...) for /cluster; "
          + "1 when one can. Absent when no member answers at all.", "cluster");
  public static final MetricFamily MEMBER_API_UP = gauge("drwatch_patroni_member_api_up",
      "1 when the member's REST API answered /patroni in the last poll.", "cluster", "member");
  public static final MetricFamily MEMBER_INFO = info("drwatch_patroni_member_info",
      "One per member known to the DCS or configured: its REST API and the drwatch target it maps "
          + "to (empty when none matches).", "cluster", "member", "api_url", "matched_target");
  public static final MetricFamily MEMBER_STATE = info("drwatch_patroni_member_state_info",
      "The member's role (leader, standby_leader, sync_standby, replica) and state (running, "
          + "starting, stopped, crashed, ...) as the DCS lists them.", "cluster", "member", "role", "state");
  public static final MetricFamily MEMBER_RUNNING = gauge("drwatch_patroni_member_running",
      "1 when the DCS lists the member's PostgreSQL as running; 0 for another state, or for a member "
          + "the agent knows (configured or discovered) that the DCS no longer lists. The DCS lists a "
          + "killed member as running until its key expires (ttl): see drwatch_patroni_member_api_up.",
      "cluster", "member");
  public static final MetricFamily MEMBER_LEADER = gauge("drwatch_patroni_member_leader",
      "1 for the member holding the leader key in the DCS.", "cluster", "member");
  public static final MetricFamily MEMBER_SYNC_STANDBY = gauge("drwatch_patroni_member_sync_standby",
      "1 for a member Patroni designates synchronous standby (synchronous_mode).", "cluster", "member");
  public static final MetricFamily MEMBER_TIMELINE = gauge("drwatch_patroni_member_timeline_id",
      "The member's timeline as the DCS lists it.", "cluster", "member");
  public static final MetricFamily MEMBER_LAG = gauge("drwatch_patroni_member_lag_bytes",
      "Bytes between the leader's last WAL position in the DCS and the member's (absent when Patroni "
          + "says unknown).", "cluster", "member");
  public static final MetricFamily MEMBER_PENDING_RESTART = gauge("drwatch_patroni_member_pending_restart",
      "1 when a changed setting waits for the member's restart.", "cluster", "member");
  public static final MetricFamily MEMBER_SCHEDULED_RESTART =
      gauge("drwatch_patroni_member_scheduled_restart_timestamp_seconds",
          "When a scheduled restart of the member is due.", "cluster", "member");
  public static final MetricFamily MEMBER_NOFAILOVER = gauge("drwatch_patroni_member_nofailover",
      "1 when the member is tagged nofailover (never promoted automatically).", "cluster", "member");
  public static final MetricFamily MEMBER_PRIMARY = gauge("drwatch_patroni_member_primary",
      "1 when the member's own /patroni reports its PostgreSQL as primary (not in recovery).",
      "cluster", "member");
  public static final MetricFamily MEMBER_FAILSAFE_ACTIVE = gauge("drwatch_patroni_member_failsafe_active",
      "1 when the member reports failsafe mode active (the DCS is lost and the leader runs on the "
          + "other members' word).", "cluster", "member");
  public static final MetricFamily MEMBER_DCS_LAST_SEEN =
      gauge("drwatch_patroni_member_dcs_last_seen_timestamp_seconds",
          "When the member last reached the DCS, by its own /patroni.", "cluster", "member");
  public static final MetricFamily PAUSED = gauge("drwatch_patroni_paused",
      "1 while the cluster is in maintenance mode (patronictl pause): no automatic failover.", "cluster");
  public static final MetricFamily PAUSED_SINCE = gauge("drwatch_patroni_paused_since_timestamp_seconds",
      "When the agent first saw the current pause (its own observation; resets when the agent restarts).",
      "cluster");
  public static final MetricFamily MAX_PAUSE = gauge("drwatch_patroni_max_pause_seconds",
      "How long maintenance mode may last before DrwatchPatroniPausedTooLong (max-pause in the config).",
      "cluster");
  public static final MetricFamily SCHEDULED_SWITCHOVER =
      gauge("drwatch_patroni_scheduled_switchover_timestamp_seconds",
          "When a scheduled switchover is due.", "cluster");
  public static final MetricFamily SYNCHRONOUS_MODE = gauge("drwatch_patroni_synchronous_mode",
      "1 when the dynamic configuration sets synchronous_mode.", "cluster");
  public static final MetricFamily SYNCHRONOUS_MODE_STRICT = gauge("drwatch_patroni_synchronous_mode_strict",
      "1 when the dynamic configuration sets synchronous_mode_strict.", "cluster");
  public static final MetricFamily FAILSAFE_MODE = gauge("drwatch_patroni_failsafe_mode",
      "1 when the dynamic configuration sets failsafe_mode (the leader stays primary through a DCS "
          + "outage while it reaches every member).", "cluster");
  public static final MetricFamily SYNC_STANDBYS = gauge("drwatch_patroni_sync_standbys",
      "Members Patroni designates synchronous standby.", "cluster");
  public static final MetricFamily LEADERS = gauge("drwatch_patroni_leaders",
      "Distinct members acting as leader: holding the leader key, or reporting their PostgreSQL as "
          + "primary on /patroni (0 none, above 1 several).", "cluster");
  public static final MetricFamily AUTOMATIC_FAILOVER = gauge("drwatch_patroni_automatic_failover",
      "1 when Patroni would fail over by itself now: not paused, the DCS readable, and a running "
          + "replica it may promote (not nofailover; the sync standby in synchronous_mode). The cluster "
          + "RTO estimate is +Inf while this is 0.", "cluster");
  public static final MetricFamily LEADER_MISMATCH = gauge("drwatch_patroni_leader_mismatch",
      "1 when Patroni's leader is not the member the databases call primary, 0 when they agree; "
          + "absent while either is unknown.", "cluster");
  public static final MetricFamily SYNC_MISMATCH = gauge("drwatch_patroni_sync_mismatch",
      "1 when the members Patroni designates synchronous standby differ from the ones the primary's "
          + "pg_stat_replication reports sync or quorum (synchronous_mode on), 0 when they match.", "cluster");
  public static final MetricFamily FAILOVERS = counter("drwatch_patroni_failovers_total",
      "Promotions in Patroni's /history (switchovers and failovers; read from the DCS, so the count "
          + "survives an agent restart).", "cluster");
  public static final MetricFamily LAST_PROMOTION = gauge("drwatch_patroni_last_promotion_timestamp_seconds",
      "When the newest promotion in Patroni's /history happened.", "cluster");
  public static final MetricFamily LAST_PROMOTION_INFO = info("drwatch_patroni_last_promotion_info",
      "The newest /history entry: the timeline that ended, the member promoted and Patroni's reason.",
      "cluster", "timeline", "new_leader", "reason");
  public static final MetricFamily LEADER_CHANGE = gauge("drwatch_patroni_last_leader_change_seconds",
      "The last leader change, measured three ways: patroni_api (last poll with the old leader "
          + "running to first poll with the new one), patroni_history (last poll with the old leader "
          + "running to the promotion time /history records) and probes (last probe of the old "
          + "primary as primary to the first probe of the new one).", "cluster", "measured_by");

  public static List<MetricFamily> all() {
    return List.of(UP, POLL_DURATION, LAST_SUCCESS, DCS_UP, MEMBER_API_UP, MEMBER_INFO, MEMBER_STATE,
        MEMBER_RUNNING, MEMBER_LEADER, MEMBER_SYNC_STANDBY, MEMBER_TIMELINE, MEMBER_LAG,
        MEMBER_PENDING_RESTART, MEMBER_SCHEDULED_RESTART, MEMBER_NOFAILOVER, MEMBER_PRIMARY,
        MEMBER_FAILSAFE_ACTIVE, MEMBER_DCS_LAST_SEEN, PAUSED, PAUSED_SINCE, MAX_PAUSE, SCHEDULED_SWITCHOVER,
        SYNCHRONOUS_MODE, SYNCHRONOUS_MODE_STRICT, FAILSAFE_MODE, SYNC_STANDBYS, LEADERS, AUTOMATIC_FAILOVER,
        LEADER_MISMATCH, SYNC_MISMATCH, FAILOVERS, LAST_PROMOTION, LAST_PROMOTION_INFO, LEADER_CHANGE);
  }
}
