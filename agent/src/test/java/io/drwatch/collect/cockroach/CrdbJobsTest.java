package io.drwatch.collect.cockroach;

import static io.drwatch.collect.cockroach.Goldens.T;
import static io.drwatch.collect.cockroach.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Row;
import io.drwatch.fixture.Exposition;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crdb_jobs collector: job counts by type and status → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class CrdbJobsTest {

  @Test
  void jobsAlwaysShowEveryWatchedTypeAndStatus() throws Exception {
    List<Row> rows = List.of(
        row("job_type", "BACKUP", "status", "succeeded", "jobs", 3L, "last_finished", T - 1800, "last_change", T - 1800,
            "oldest_created", T - 86400),
        row("job_type", "BACKUP", "status", "failed", "jobs", 1L, "last_finished", T - 3500, "last_change", T - 3500,
            "oldest_created", T - 3600),
        row("job_type", "BACKUP", "status", "revert-failed", "jobs", 1L, "last_finished", null, "last_change", T - 60,
            "oldest_created", T - 7200),
        row("job_type", "CHANGEFEED", "status", "running", "jobs", 2L, "last_finished", null, "last_change", T,
            "oldest_created", T - 432000));
    String text = expose("crdb_jobs", CrdbJobs.map(rows));
    assertEquals(30, text.lines().filter(l -> l.startsWith("crdb_jobs{")).count(), text);
    assertTrue(text.contains("crdb_jobs{job_type=\"RESTORE\",status=\"failed\",target=\"crdb-1\"} 0.0"), text);
    assertEquals("""
        # TYPE crdb_jobs_last_failure_timestamp_seconds gauge
        crdb_jobs_last_failure_timestamp_seconds{job_type="BACKUP",target="crdb-1"} 1.74179018E9
        # TYPE crdb_jobs_last_success_timestamp_seconds gauge
        crdb_jobs_last_success_timestamp_seconds{job_type="BACKUP",target="crdb-1"} 1.74178844E9
        # TYPE crdb_jobs_oldest_running_created_timestamp_seconds gauge
        crdb_jobs_oldest_running_created_timestamp_seconds{job_type="CHANGEFEED",target="crdb-1"} 1.74135824E9
        """, Exposition.only(text, "crdb_jobs_"));
  }
}
