package io.drwatch.collect.cockroach;

import static io.drwatch.collect.MetricFamily.gauge;
import static io.drwatch.collect.MetricFamily.info;

import com.google.auto.service.AutoService;
import io.drwatch.collect.Collector;
import io.drwatch.collect.Db;
import io.drwatch.collect.MetricFamily;
import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.target.ServerInfo;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Backup schedules from {@code system.scheduled_jobs} (executor {@code scheduled-backup-executor};
 * a {@code CREATE SCHEDULE FOR BACKUP} makes a FULL and an INCREMENTAL schedule with the same
 * name), with the jobs each one created ({@code crdb_internal.system_jobs.created_by_id} joined to
 * {@code crdb_internal.jobs}): the newest successful backup per schedule, the newest failure,
 * unfinished runs, whether it is paused (no {@code next_run}) and whether it missed its cadence —
 * no success since the fire time before the latest one of its recurrence, so the run that should
 * have finished by now did not. This works whether or not the schedule updates CockroachDB's own
 * {@code schedules.BACKUP.last-completed-time} metric. Without VIEWJOB the schedules still show,
 * without their jobs (said once).
 */
@AutoService(Collector.class)
public final class CrdbSchedules implements CockroachCollector {

  public static final MetricFamily SCHEDULE_INFO = info("crdb_backup_schedule_info",
      "1 per backup schedule, with its recurrence (cron expression or descriptor).",
      "schedule_id", "schedule_name", "recurrence");
  public static final MetricFamily PAUSED = gauge("crdb_backup_schedule_paused",
      "1 when the schedule is paused (next_run is NULL): no backups start until it is resumed.",
      "schedule_id", "schedule_name");
  static final MetricFamily NEXT_RUN = gauge("crdb_backup_schedule_next_run_timestamp_seconds",
      "When the schedule runs next; a time in the past means the scheduler has not picked it up.",
      "schedule_id", "schedule_name");
  public static final MetricFamily LAST_SUCCESS = gauge("crdb_backup_schedule_last_success_timestamp_seconds",
      "When the newest successful backup job of the schedule finished (within jobs.retention_time).",
      "schedule_id", "schedule_name");
  public static final MetricFamily LAST_FAILURE = gauge("crdb_backup_schedule_last_failure_timestamp_seconds",
      "When the newest failed backup job of the schedule finished.", "schedule_id", "schedule_name");
  static final MetricFamily RUNNING = gauge("crdb_backup_schedule_unfinished_jobs",
      "Backup jobs of the schedule not in a terminal status (pending, running, paused, reverting, …).",
      "schedule_id", "schedule_name");
  static final MetricFamily EXPECTED_INTERVAL = gauge("crdb_backup_schedule_expected_interval_seconds",
      "Time between the schedule's last two fire times (UTC), i.e. its current cadence.",
      "schedule_id", "schedule_name");
  public static final MetricFamily MISSED = gauge("crdb_backup_schedule_missed_cadence",
      "1 when no backup of the schedule succeeded since the fire time before its latest one (so the "
          + "run that should have finished did not), for a schedule older than that fire time.",
      "schedule_id", "schedule_name");

  static final String SCHEDULES_SQL = """
      SELECT schedule_id, schedule_name, schedule_expr,
             extract(epoch FROM created)::FLOAT8 AS created,
             extract(epoch FROM next_run)::FLOAT8 AS next_run,
             extract(epoch FROM now())::FLOAT8 AS now
      FROM system.scheduled_jobs
      WHERE executor_type = 'scheduled-backup-executor'
      ORDER BY schedule_id""";
  static final String JOBS_SQL = """
      SELECT s.created_by_id AS schedule_id,
             max(CASE WHEN j.status = 'succeeded' THEN extract(epoch FROM j.finished) END)::FLOAT8
               AS last_success,
             max(CASE WHEN j.status IN ('failed', 'revert-failed')
                      THEN extract(epoch FROM coalesce(j.finished, j.modified)) END)::FLOAT8 AS last_failure,
             count(CASE WHEN j.status NOT IN ('succeeded', 'failed', 'canceled', 'revert-failed')
                        THEN 1 END) AS unfinished
      FROM crdb_internal.system_jobs s
      JOIN crdb_internal.jobs j ON j.job_id = s.id
      WHERE s.created_by_type = 'crdb_schedule' AND j.job_type = 'BACKUP'
      GROUP BY s.created_by_id""";

  @Override
  public String name() {
    return "crdb_schedules";
  }

  @Override
  public Duration defaultInterval() {
    return Duration.ofSeconds(60);
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(SCHEDULE_INFO, PAUSED, NEXT_RUN, LAST_SUCCESS, LAST_FAILURE, RUNNING,
        EXPECTED_INTERVAL, MISSED);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    List<Row> schedules = Crdb.query(db, server, "VIEWSYSTEMTABLE", "system.scheduled_jobs", SCHEDULES_SQL);
    List<Row> jobs = null;
    if (!schedules.isEmpty()) {
      try {
        jobs = Crdb.query(db, server, "VIEWJOB",
            List.of("crdb_internal.system_jobs", "crdb_internal.jobs"), JOBS_SQL);
        if (jobs.isEmpty()) {
          // crdb_internal.jobs filters rows instead of failing: without VIEWJOB only the role's own
          // jobs show, and scheduled backups run as their owner.
          db.warn("no backup job of the " + schedules.size() + " backup schedule(s) is visible to the"
              + " monitoring role; if backups did run, it lacks VIEWJOB (it then sees only its own jobs)"
              + " and last success / missed cadence are wrong: GRANT SYSTEM VIEWJOB TO <monitoring role>");
        }
      } catch (SQLException e) {
        if (!Crdb.PERMISSION_DENIED.equals(e.getSQLState())) {
          throw e;
        }
        db.warn("backup schedules are shown without their jobs: " + e.getMessage());
      }
    }
    return map(schedules, jobs, db);
  }

  /** {@code jobs} null: the jobs were not readable, so success, failure and cadence stay unknown. */
  static List<Sample> map(List<Row> schedules, List<Row> jobs, Db warnings) {
    Map<String, Row> bySchedule = new HashMap<>();
    if (jobs != null) {
      jobs.forEach(j -> bySchedule.put(j.string("schedule_id"), j));
    }
    Samples out = new Samples();
    for (Row s : schedules) {
      String id = s.string("schedule_id");
      String name = Crdb.truncate(s.string("schedule_name"), 64);
      String expr = s.string("schedule_expr");
      out.info(SCHEDULE_INFO, id, name, expr == null ? "" : Crdb.truncate(expr, 64));
      Double next = s.dbl("next_run");
      out.flag(PAUSED, next == null, id, name);
      out.add(NEXT_RUN, next, id, name);
      Double now = s.dbl("now");
      Instant[] fires = null;
      if (expr != null && now != null) {
        try {
          fires = Cron.parse(expr).lastTwo(Instant.ofEpochMilli(Math.round(now * 1000)));
        } catch (IllegalArgumentException e) {
          if (warnings != null) {
            warnings.warn("backup schedule " + id + ": cannot read its recurrence (" + e.getMessage()
                + "); its cadence is not checked");
          }
        }
      }
      if (fires != null) {
        out.add(EXPECTED_INTERVAL, seconds(fires[1]) - seconds(fires[0]), id, name);
      }
      if (jobs == null) {
        continue;
      }
      Row j = bySchedule.get(id);
      Double success = j == null ? null : j.dbl("last_success");
      out.add(LAST_SUCCESS, success, id, name);
      out.add(LAST_FAILURE, j == null ? null : j.dbl("last_failure"), id, name);
      out.add(RUNNING, j == null ? 0 : j.dbl("unfinished"), id, name);
      Double created = s.dbl("created");
      if (fires != null && created != null) {
        double due = seconds(fires[0]);
        out.flag(MISSED, created <= due && (success == null || success < due), id, name);
      }
    }
    return out.toList();
  }

  private static double seconds(Instant i) {
    return i.toEpochMilli() / 1000.0;
  }
}
