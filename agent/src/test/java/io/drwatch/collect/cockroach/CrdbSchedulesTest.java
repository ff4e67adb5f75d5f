package io.drwatch.collect.cockroach;

import static io.drwatch.collect.cockroach.Goldens.T;
import static io.drwatch.collect.cockroach.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Row;
import io.drwatch.fixture.Exposition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crdb_schedules collector: backup schedules and their jobs → cadence samples.
 * Golden exposition text (see {@link Goldens}).
 */
class CrdbSchedulesTest {

  private static Row schedule(long id, String name, String expr, double createdAgo, Double nextIn) {
    return row("schedule_id", id, "schedule_name", name, "schedule_expr", expr, "created", T - createdAgo,
        "next_run", nextIn == null ? null : T + nextIn, "now", T);
  }

  @Test
  void schedulesMissTheirCadenceWhenTheRunThatShouldHaveFinishedDidNot() throws Exception {
    double h14 = Instant.parse("2025-03-12T14:00:00Z").getEpochSecond();
    List<Row> schedules = List.of(
        schedule(1, "hourly_ok", "@hourly", 86400, 1360.0),
        schedule(2, "hourly_late", "@hourly", 86400, 1360.0),
        schedule(3, "paused", "0 3 * * SUN", 86400 * 30, null),
        schedule(4, "brand_new", "@hourly", 600, 1360.0),
        schedule(5, "weird", "every tuesday", 86400, 60.0));
    List<Row> jobs = List.of(
        row("schedule_id", 1L, "last_success", h14 - 3600 + 300, "last_failure", null, "unfinished", 1L),
        row("schedule_id", 2L, "last_success", h14 - 3600 - 1, "last_failure", h14 - 3000, "unfinished", 0L));
    String text = expose("crdb_schedules", CrdbSchedules.map(schedules, jobs, null));
    assertEquals("""
        # TYPE crdb_backup_schedule_missed_cadence gauge
        crdb_backup_schedule_missed_cadence{schedule_id="1",schedule_name="hourly_ok",target="crdb-1"} 0.0
        crdb_backup_schedule_missed_cadence{schedule_id="2",schedule_name="hourly_late",target="crdb-1"} 1.0
        crdb_backup_schedule_missed_cadence{schedule_id="3",schedule_name="paused",target="crdb-1"} 1.0
        crdb_backup_schedule_missed_cadence{schedule_id="4",schedule_name="brand_new",target="crdb-1"} 0.0
        """, Exposition.only(text, "crdb_backup_schedule_missed"));
    assertEquals("""
        # TYPE crdb_backup_schedule_info gauge
        crdb_backup_schedule_info{recurrence="0 3 * * SUN",schedule_id="3",schedule_name="paused",target="crdb-1"} 1
        crdb_backup_schedule_info{recurrence="@hourly",schedule_id="1",schedule_name="hourly_ok",target="crdb-1"} 1
        crdb_backup_schedule_info{recurrence="@hourly",schedule_id="2",schedule_name="hourly_late",target="crdb-1"} 1
        crdb_backup_schedule_info{recurrence="@hourly",schedule_id="4",schedule_name="brand_new",target="crdb-1"} 1
        crdb_backup_schedule_info{recurrence="every tuesday",schedule_id="5",schedule_name="weird",target="crdb-1"} 1
        # TYPE crdb_backup_schedule_expected_interval_seconds gauge
        crdb_backup_schedule_expected_interval_seconds{schedule_id="1",schedule_name="hourly_ok",target="crdb-1"} 3600.0
        crdb_backup_schedule_expected_interval_seconds{schedule_id="2",schedule_name="hourly_late",target="crdb-1"} 3600.0
        crdb_backup_schedule_expected_interval_seconds{schedule_id="3",schedule_name="paused",target="crdb-1"} 604800.0
        crdb_backup_schedule_expected_interval_seconds{schedule_id="4",schedule_name="brand_new",target="crdb-1"} 3600.0
        """, Exposition.only(text, "crdb_backup_schedule_expected", "crdb_backup_schedule_info"));
    assertTrue(text.contains("crdb_backup_schedule_paused{schedule_id=\"3\",schedule_name=\"paused\",target=\"crdb-1\"} 1.0")
        && !text.contains("crdb_backup_schedule_next_run_timestamp_seconds{schedule_id=\"3\""), text);
    assertTrue(text.contains("crdb_backup_schedule_unfinished_jobs{schedule_id=\"1\",schedule_name=\"hourly_ok\",target=\"crdb-1\"} 1.0"), text);
    assertTrue(text.contains("crdb_backup_schedule_unfinished_jobs{schedule_id=\"3\",schedule_name=\"paused\",target=\"crdb-1\"} 0.0"), text);
    // jobs not readable: the schedules stand, success and cadence stay unknown
    String blind = expose("crdb_schedules", CrdbSchedules.map(schedules, null, null));
    assertTrue(!blind.contains("missed_cadence") && !blind.contains("last_success") && blind.contains("crdb_backup_schedule_paused"),
        blind);
  }
}
