package io.drwatch.collect.cockroach;

import static io.drwatch.collect.MetricFamily.gauge;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Backup, restore and changefeed jobs from {@code crdb_internal.jobs}, aggregated on the server:
 * counts per type and status, and per type the newest success, the newest failure and the oldest
 * job still running. The view decodes every retained job (KV scan), hence the 60s default; it
 * keeps finished jobs for {@code jobs.retention_time} (14 days by default). Only the columns all
 * layouts share are read: 23.2–25.1 have the 22/19-column virtual table, 25.3+ a 14-column view
 * (no {@code started}); timestamps are TIMESTAMP or TIMESTAMPTZ depending on the version, which
 * {@code extract(epoch …)} reads alike. Job descriptions and errors (which may hold storage URIs
 * with credentials) are never read.
 */
@AutoService(Collector.class)
public final class CrdbJobs implements CockroachCollector {

  static final List<String> TYPES = List.of("BACKUP", "RESTORE", "CHANGEFEED");
  /** pkg/jobs/jobs.go; terminal: succeeded, failed, canceled, revert-failed. */
  static final List<String> STATUSES = List.of("pending", "running", "paused", "pause-requested",
      "reverting", "cancel-requested", "succeeded", "failed", "canceled", "revert-failed");

  static final MetricFamily JOBS = gauge("crdb_jobs",
      "Jobs of the type in each status that the monitoring role can see (finished ones stay for "
          + "jobs.retention_time).", "job_type", "status");
  static final MetricFamily LAST_SUCCESS = gauge("crdb_jobs_last_success_timestamp_seconds",
      "When the newest succeeded job of the type finished (BACKUP: the freshest backup, scheduled or not).",
      "job_type");
  static final MetricFamily LAST_FAILURE = gauge("crdb_jobs_last_failure_timestamp_seconds",
      "When the newest failed (or revert-failed) job of the type finished.", "job_type");
  static final MetricFamily OLDEST_RUNNING = gauge("crdb_jobs_oldest_running_created_timestamp_seconds",
      "When the oldest job of the type that is still running was created.", "job_type");

  static final String SQL = """
      SELECT job_type, status, count(*) AS jobs,
             max(extract(epoch FROM finished))::FLOAT8 AS last_finished,
             max(extract(epoch FROM coalesce(finished, modified)))::FLOAT8 AS last_change,
             min(extract(epoch FROM created))::FLOAT8 AS oldest_created
      FROM crdb_internal.jobs
      WHERE job_type IN ('BACKUP', 'RESTORE', 'CHANGEFEED')
      GROUP BY job_type, status
      ORDER BY job_type, status""";

  @Override
  public String name() {
    return "crdb_jobs";
  }

  @Override
  public Duration defaultInterval() {
    return Duration.ofSeconds(60);
  }

  @Override
  public List<MetricFamily> families() {
    return List.of(JOBS, LAST_SUCCESS, LAST_FAILURE, OLDEST_RUNNING);
  }

  @Override
  public List<Sample> collect(Db db, ServerInfo server) throws SQLException {
    return map(Crdb.query(db, server, "VIEWJOB", "crdb_internal.jobs", SQL));
  }

  static List<Sample> map(List<Row> rows) {
    Map<String, Row> byKey = new HashMap<>();
    for (Row r : rows) {
      byKey.put(r.string("job_type") + "\u0000" + r.string("status"), r);
    }
    Samples out = new Samples();
    for (String type : TYPES) {
      Double success = null;
      Double failure = null;
      Double oldestRunning = null;
      for (String status : STATUSES) {
        Row r = byKey.get(type + "\u0000" + status);
        out.add(JOBS, r == null ? 0 : r.dbl("jobs"), type, status);
        if (r == null) {
          continue;
        }
        switch (status) {
          case "succeeded" -> success = r.dbl("last_finished");
          case "failed", "revert-failed" -> failure = max(failure, r.dbl("last_change"));
          case "running" -> oldestRunning = r.dbl("oldest_created");
          default -> { }
        }
      }
      out.add(LAST_SUCCESS, success, type);
      out.add(LAST_FAILURE, failure, type);
      out.add(OLDEST_RUNNING, oldestRunning, type);
    }
    return out.toList();
  }

  private static Double max(Double a, Double b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Math.max(a, b);
  }
}
