package io.drwatch.cluster;

import static io.drwatch.cluster.Fixture.NOW;
import static io.drwatch.cluster.Fixture.readings;
import static io.drwatch.cluster.Fixture.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ArchiveLayerTest {

  private static final double MAX_READY_AGE = 120;

  @Test
  void absentWithoutArchiverSamples() {
    assertNull(ArchiveLayer.estimate(Readings.NONE, NOW, MAX_READY_AGE));
  }

  @Test
  void withTheWriterGoneTheArchiveLosesWhatItWroteBeyondTheArchivedPosition() {
    Readings writer = readings(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 0),
        s("pg_archiver_unarchived_bytes", 3_000_000), s("pg_archiver_archived_lsn_bytes", 50_000_000),
        s("pg_archiver_ready_files", 0), s("pg_archiver_last_archived_timestamp_seconds", NOW - 42));
    ArchiveLayer.Archived a = ArchiveLayer.archived(writer, ArchiveLayer.estimate(writer, NOW, MAX_READY_AGE));
    assertEquals(new ArchiveLayer.Archived(50_000_000, true), a);
    // Last seen at 54 MB, 1 MB/s before that: it passed 50 MB four seconds before it was last seen.
    Layer after = ArchiveLayer.afterWriter(a, 54_000_000, NOW, lsn -> NOW - (54_000_000 - lsn) / 1_000_000);
    assertEquals(new Layer("archive", true, 4.0, 4_000_000.0), after);
    assertEquals(new Layer("archive", true, 0.0, 0.0), ArchiveLayer.afterWriter(a, 50_000_000, NOW, lsn -> null),
        "everything it wrote was archived");
    assertEquals(new Layer("archive", true, null, 4_000_000.0), ArchiveLayer.afterWriter(a, 54_000_000, NOW, lsn -> null),
        "no history to place the position: seconds unknown");
    Readings failing = readings(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 1),
        s("pg_archiver_unarchived_bytes", 3_000_000), s("pg_archiver_archived_lsn_bytes", 50_000_000));
    assertEquals(false, ArchiveLayer.archived(failing, ArchiveLayer.estimate(failing, NOW, MAX_READY_AGE)).healthy());
    Readings off = readings(s("pg_archiver_enabled", 0), s("pg_archiver_failing", 0));
    assertNull(ArchiveLayer.archived(off, ArchiveLayer.estimate(off, NOW, MAX_READY_AGE)), "archiving off: nothing to carry");
  }

  @Test
  void archivingOffIsAnUnhealthyLayerWithoutEstimate() {
    Layer l = ArchiveLayer.estimate(readings(s("pg_archiver_enabled", 0), s("pg_archiver_failing", 0)), NOW, MAX_READY_AGE);
    assertEquals(new Layer("archive", false, null, null), l);
  }

  @Test
  void keepingUpTheSegmentInProgressIsAtRiskSinceTheLastArchive() {
    Layer l = ArchiveLayer.estimate(readings(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 0),
        s("pg_archiver_unarchived_bytes", 3_000_000), s("pg_archiver_ready_files", 0),
        s("pg_archiver_last_archived_timestamp_seconds", NOW - 42)), NOW, MAX_READY_AGE);
    assertEquals(new Layer("archive", true, 42.0, 3_000_000.0), l);
  }

  @Test
  void nothingUnarchivedIsNoLoss() {
    Layer l = ArchiveLayer.estimate(readings(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 0),
        s("pg_archiver_unarchived_bytes", 0), s("pg_archiver_last_archived_timestamp_seconds", NOW - 9000)), NOW, MAX_READY_AGE);
    assertEquals(new Layer("archive", true, 0.0, 0.0), l);
  }

  @Test
  void failingArchiverIsUnhealthyAndItsLossGrows() {
    Readings r = readings(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 1),
        s("pg_archiver_unarchived_bytes", 3 * 16777216.0), s("pg_archiver_ready_files", 3),
        s("pg_archiver_oldest_ready_timestamp_seconds", NOW - 100),
        s("pg_archiver_last_archived_timestamp_seconds", NOW - 300));
    assertEquals(new Layer("archive", false, 300.0, 3 * 16777216.0), ArchiveLayer.estimate(r, NOW, MAX_READY_AGE));
    assertEquals(360.0, ArchiveLayer.estimate(r, NOW + 60, MAX_READY_AGE).seconds());
  }

  @Test
  void aHungArchiveCommandCountsNoFailureButItsReadyFileAges() {
    Readings young = readings(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 0),
        s("pg_archiver_unarchived_bytes", 2 * 16777216.0), s("pg_archiver_ready_files", 1),
        s("pg_archiver_oldest_ready_timestamp_seconds", NOW - 100),
        s("pg_archiver_last_archived_timestamp_seconds", NOW - 130));
    assertEquals(true, ArchiveLayer.estimate(young, NOW, MAX_READY_AGE).healthy());
    assertEquals(new Layer("archive", false, 150.5, 2 * 16777216.0), ArchiveLayer.estimate(young, NOW + 20.5, MAX_READY_AGE),
        "a .ready file older than the bound: archiving is stuck");
  }

  @Test
  void anIdlePrimarysUnarchivedSpanStopsGrowingWhenItsWritesStop() {
    // last archive 9000 s ago, then 512 B written within 15 s of it, then nothing
    Readings r = readings(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 0),
        s("pg_archiver_unarchived_bytes", 512), s("pg_archiver_ready_files", 0),
        s("pg_archiver_last_archived_timestamp_seconds", NOW - 9000),
        s("pg_archiver_current_segment_modified_timestamp_seconds", NOW - 8985));
    assertEquals(new Layer("archive", true, 15.0, 512.0), ArchiveLayer.estimate(r, NOW, MAX_READY_AGE));
    assertEquals(15.0, ArchiveLayer.estimate(r, NOW + 3600, MAX_READY_AGE).seconds());
  }

  @Test
  void neverArchivedUsesTheOldestReadyFile() {
    Layer l = ArchiveLayer.estimate(readings(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 1),
        s("pg_archiver_unarchived_bytes", 20_000_000), s("pg_archiver_oldest_ready_timestamp_seconds", NOW - 77)), NOW, MAX_READY_AGE);
    assertEquals(new Layer("archive", false, 77.0, 20_000_000.0), l);
  }

  @Test
  void withoutPgMonitorThereAreNoBytesAndTheAgeStillCounts() {
    // no .ready backlog visible: unarchived bytes and oldest ready are absent
    Layer l = ArchiveLayer.estimate(readings(s("pg_archiver_enabled", 1), s("pg_archiver_failing", 0),
        s("pg_archiver_last_archived_timestamp_seconds", NOW - 5)), NOW, MAX_READY_AGE);
    assertEquals(new Layer("archive", true, 5.0, null), l);
  }

  @Test
  void noTimestampsNoSeconds() {
    Layer l = ArchiveLayer.estimate(readings(s("pg_archiver_enabled", 1), s("pg_archiver_unarchived_bytes", 100)), NOW, MAX_READY_AGE);
    assertEquals(new Layer("archive", true, null, 100.0), l, "failing absent is not failing");
  }

  @Test
  void aClockAheadOfTheAgentIsNoNegativeAge() {
    Layer l = ArchiveLayer.estimate(readings(s("pg_archiver_enabled", 1), s("pg_archiver_unarchived_bytes", 100),
        s("pg_archiver_last_archived_timestamp_seconds", NOW + 3)), NOW, MAX_READY_AGE);
    assertEquals(0.0, l.seconds());
  }
}
