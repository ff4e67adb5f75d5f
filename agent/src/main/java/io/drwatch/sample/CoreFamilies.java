package io.drwatch.sample;

import static io.drwatch.collect.MetricFamily.counter;
import static io.drwatch.collect.MetricFamily.gauge;
import static io.drwatch.collect.MetricFamily.info;

import io.drwatch.collect.MetricFamily;
import java.util.List;

/**
 * Families the agent emits from its own state (probes, collector runs) rather than from a
 * collector's SQL. Values are sampled on the schedule; a scrape only reads them.
 */
public final class CoreFamilies {

  private CoreFamilies() {}

  public static final MetricFamily BUILD_INFO = info("drwatch_build_info",
      "drwatch version and the Java runtime it runs on.", "version", "java_version");
  public static final MetricFamily TARGET_UP = gauge("drwatch_target_up",
      "1 when the last connection attempt to the target succeeded (sampled on a schedule, not per scrape).",
      "cluster");
  /** Also carries the target's configured free-form labels (region, …) beyond those declared. */
  public static final MetricFamily TARGET_INFO = info("drwatch_target_info",
      "Cluster, detected flavor, version, role, system identifier and managed service (none, rds, "
          + "aurora, cloudsql, azure_flexible) of the target, plus its configured free-form labels.",
      "cluster", "flavor", "version", "role", "system_identifier", "service");
  public static final MetricFamily TARGET_LAST_UP = gauge("drwatch_target_last_up_timestamp_seconds",
      "When the target last answered a probe.", "cluster");
  public static final MetricFamily COLLECTOR_SUCCESS = gauge("drwatch_collector_success",
      "1 when the collector's last run against the target succeeded.", "collector");
  public static final MetricFamily COLLECTOR_DURATION = gauge("drwatch_collector_duration_seconds",
      "How long the collector's last run took.", "collector");
  public static final MetricFamily COLLECTOR_LAST_SUCCESS = gauge(
      "drwatch_collector_last_success_timestamp_seconds",
      "When the collector last succeeded against the target; its samples are that old at most.",
      "collector");
  public static final MetricFamily COLLECTOR_ERRORS = counter("drwatch_collector_errors_total",
      "Failed runs of the collector against the target since the agent started.", "collector");
  public static final MetricFamily COLLECTOR_DROPPED_SERIES = counter(
      "drwatch_collector_dropped_series_total",
      "Series the collector produced beyond its series limit and that were not exposed, since the agent started.",
      "collector");
  public static final MetricFamily IN_RECOVERY = gauge("pg_in_recovery",
      "1 on a standby (pg_is_in_recovery()).");
  public static final MetricFamily TIMELINE = gauge("pg_timeline_id",
      "Current timeline: from the WAL file name on a primary, received_tli on a streaming standby, "
          + "else the last restartpoint's.");
  public static final MetricFamily POSTMASTER_START = gauge("pg_postmaster_start_time_seconds",
      "When the server started (pg_postmaster_start_time()).");

  public static List<MetricFamily> all() {
    return List.of(BUILD_INFO, TARGET_UP, TARGET_INFO, TARGET_LAST_UP, COLLECTOR_SUCCESS,
        COLLECTOR_DURATION, COLLECTOR_LAST_SUCCESS, COLLECTOR_ERRORS, COLLECTOR_DROPPED_SERIES,
        IN_RECOVERY, TIMELINE,
        POSTMASTER_START);
  }
}
