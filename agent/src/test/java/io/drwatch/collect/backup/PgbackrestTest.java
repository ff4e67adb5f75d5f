package io.drwatch.collect.backup;

import static io.drwatch.collect.backup.PgBackRestInfoJsonTest.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.drwatch.collect.Db;
import io.drwatch.collect.Sample;
import io.drwatch.collect.Samples;
import io.drwatch.collect.backup.Pgbackrest.PgBackRestException;
import io.drwatch.collect.backup.PgBackRestInfoJson.Stanza;
import io.drwatch.fixture.Exposition;
import io.drwatch.fixture.Promtool;
import io.drwatch.fixture.TestClock;
import io.drwatch.http.CacheSnapshots;
import io.drwatch.sample.CollectorResult;
import io.drwatch.sample.SampleCache;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pgbackrest collector's mapping (info JSON → samples) on captured pgBackRest output, as
 * exposition text checked by promtool; json-file mode end to end; and the masking of secrets in
 * what pgBackRest prints.
 */
class PgbackrestTest {

  private static final Instant NOW = Instant.parse("2026-12-01T19:00:00Z");
  private static final long MIB = 1024 * 1024;
  private static final String LAB_SYSTEM_ID = "7711460660270434903";

  private final List<String> warnings = new ArrayList<>();

  private List<Sample> map(String json, String targetSystemId, long segmentSize) throws Exception {
    Samples out = new Samples();
    Pgbackrest.map(PgBackRestInfoJson.parse(json), targetSystemId, segmentSize, out, warnings::add);
    return out.toList();
  }

  private static String expose(List<Sample> samples) throws Exception {
    TestClock clock = new TestClock(NOW);
    SampleCache cache = new SampleCache(clock);
    cache.putResult(new CollectorResult("pg-a", "pgbackrest", true, samples, NOW, 0.02, null, NOW, 0,
        Duration.ofMinutes(3)));
    String full = Exposition.text(new CacheSnapshots(cache, clock).collect());
    assertEquals("", Promtool.checkMetrics(full), full);
    return Exposition.withoutAgentFamilies(full);
  }

  private static Optional<Double> value(List<Sample> samples, String family, String... labels) {
    for (Sample s : samples) {
      if (!s.family().name().equals(family)) {
        continue;
      }
      boolean match = true;
      for (int i = 0; i + 1 < labels.length; i += 2) {
        int at = s.family().labelNames().indexOf(labels[i]);
        match &= at >= 0 && s.labelValues().get(at).equals(labels[i + 1]);
      }
      if (match) {
        return Optional.of(s.value());
      }
    }
    return Optional.empty();
  }

  private static double require(List<Sample> samples, String family, String... labels) {
    return value(samples, family, labels).orElseThrow(() ->
        new AssertionError("no " + family + Arrays.toString(labels) + " in " + samples));
  }

  /**
   * The shared reference sample (pgBackRest 2.45, PG 15.18): one full and one diff. Expected values
   * from pgbackrest.md §2.2: full 1795464351→1795464353, size = delta 36772016, repo 13233079;
   * diff 1795464354→1795464355, size 37107887, delta 1016073, repo size 13321201, repo delta
   * 181708; WAL 0…01 (starts at 16 MiB) to 0…06 (ends at 7 × 16 MiB = 117440512).
   */
  @Test
  void theReferenceSampleAsExposition() throws Exception {
    assertEquals("""
        # TYPE pgbackrest_archive_wal_lsn_bytes gauge
        pgbackrest_archive_wal_lsn_bytes{archive_id="15-1",bound="max",repo="1",stanza="lab",target="pg-a"} 1.17440512E8
        pgbackrest_archive_wal_lsn_bytes{archive_id="15-1",bound="min",repo="1",stanza="lab",target="pg-a"} 1.6777216E7
        # TYPE pgbackrest_archive_wal_timeline gauge
        pgbackrest_archive_wal_timeline{archive_id="15-1",bound="max",repo="1",stanza="lab",target="pg-a"} 1.0
        pgbackrest_archive_wal_timeline{archive_id="15-1",bound="min",repo="1",stanza="lab",target="pg-a"} 1.0
        # TYPE pgbackrest_backup_last_completion_timestamp_seconds gauge
        pgbackrest_backup_last_completion_timestamp_seconds{stanza="lab",target="pg-a",type="diff"} 1.795464355E9
        pgbackrest_backup_last_completion_timestamp_seconds{stanza="lab",target="pg-a",type="full"} 1.795464353E9
        # TYPE pgbackrest_backup_last_delta_bytes gauge
        pgbackrest_backup_last_delta_bytes{stanza="lab",target="pg-a",type="diff"} 1016073.0
        pgbackrest_backup_last_delta_bytes{stanza="lab",target="pg-a",type="full"} 3.6772016E7
        # TYPE pgbackrest_backup_last_duration_seconds gauge
        pgbackrest_backup_last_duration_seconds{stanza="lab",target="pg-a",type="diff"} 1.0
        pgbackrest_backup_last_duration_seconds{stanza="lab",target="pg-a",type="full"} 2.0
        # TYPE pgbackrest_backup_last_repo_delta_bytes gauge
        pgbackrest_backup_last_repo_delta_bytes{stanza="lab",target="pg-a",type="diff"} 181708.0
        pgbackrest_backup_last_repo_delta_bytes{stanza="lab",target="pg-a",type="full"} 1.3233079E7
        # TYPE pgbackrest_backup_last_repo_size_bytes gauge
        pgbackrest_backup_last_repo_size_bytes{stanza="lab",target="pg-a",type="diff"} 1.3321201E7
        pgbackrest_backup_last_repo_size_bytes{stanza="lab",target="pg-a",type="full"} 1.3233079E7
        # TYPE pgbackrest_backup_last_size_bytes gauge
        pgbackrest_backup_last_size_bytes{stanza="lab",target="pg-a",type="diff"} 3.7107887E7
        pgbackrest_backup_last_size_bytes{stanza="lab",target="pg-a",type="full"} 3.6772016E7
        # TYPE pgbackrest_backup_newest_has_errors gauge
        pgbackrest_backup_newest_has_errors{stanza="lab",target="pg-a"} 0.0
        # TYPE pgbackrest_backup_oldest_completion_timestamp_seconds gauge
        pgbackrest_backup_oldest_completion_timestamp_seconds{stanza="lab",target="pg-a"} 1.795464353E9
        # TYPE pgbackrest_backups gauge
        pgbackrest_backups{stanza="lab",target="pg-a",type="diff"} 1.0
        pgbackrest_backups{stanza="lab",target="pg-a",type="full"} 1.0
        pgbackrest_backups{stanza="lab",target="pg-a",type="incr"} 0.0
        # TYPE pgbackrest_repo_backup_last_completion_timestamp_seconds gauge
        pgbackrest_repo_backup_last_completion_timestamp_seconds{repo="1",stanza="lab",target="pg-a",type="diff"} 1.795464355E9
        pgbackrest_repo_backup_last_completion_timestamp_seconds{repo="1",stanza="lab",target="pg-a",type="full"} 1.795464353E9
        # TYPE pgbackrest_repo_status gauge
        pgbackrest_repo_status{repo="1",stanza="lab",target="pg-a"} 0.0
        # TYPE pgbackrest_repo_status_message_info gauge
        pgbackrest_repo_status_message_info{message="ok",repo="1",stanza="lab",target="pg-a"} 1
        # TYPE pgbackrest_stanza_info gauge
        pgbackrest_stanza_info{cipher="none",pg_version="15",stanza="lab",system_identifier="7711460660270434903",target="pg-a"} 1
        # TYPE pgbackrest_stanza_backup_lock_held gauge
        pgbackrest_stanza_backup_lock_held{stanza="lab",target="pg-a"} 0.0
        # TYPE pgbackrest_stanza_matches_target gauge
        pgbackrest_stanza_matches_target{stanza="lab",target="pg-a"} 1.0
        # TYPE pgbackrest_stanza_status gauge
        pgbackrest_stanza_status{stanza="lab",target="pg-a"} 0.0
        # TYPE pgbackrest_stanza_status_message_info gauge
        pgbackrest_stanza_status_message_info{message="ok",stanza="lab",target="pg-a"} 1
        """, expose(map(fixture("info-2.45-pg15-reference-sample.json"), LAB_SYSTEM_ID, 16 * MIB)));
    assertEquals(List.of(), warnings);
  }

  @Test
  void aBackupRecordedWithErrorsIsNotTheLastGoodOneButFlagsTheStanza() throws Exception {
    List<Sample> s = map(fixture("info-2.45-pg15-three-stanzas.json"), null, 16 * MIB);
    // corrupt: a full, then an incremental that found an invalid page checksum
    assertEquals(1, require(s, "pgbackrest_backup_newest_has_errors", "stanza", "corrupt"));
    assertEquals(1796150605, require(s, "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", "corrupt", "type", "full"));
    assertFalse(value(s, "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", "corrupt", "type", "incr").isPresent());
    assertFalse(value(s, "pgbackrest_repo_backup_last_completion_timestamp_seconds", "stanza", "corrupt", "type", "incr").isPresent());
    assertEquals(1, require(s, "pgbackrest_backups", "stanza", "corrupt", "type", "incr"), "still counted");
    assertEquals(0, require(s, "pgbackrest_stanza_status", "stanza", "corrupt"), "pgBackRest's status stays ok");
    // main: full, diff, incr, each newer
    double full = require(s, "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", "main", "type", "full");
    double diff = require(s, "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", "main", "type", "diff");
    double incr = require(s, "pgbackrest_backup_last_completion_timestamp_seconds", "stanza", "main", "type", "incr");
    assertEquals(List.of(1796150556.0, 1796150585.0, 1796150587.0), List.of(full, diff, incr));
    assertEquals(0, require(s, "pgbackrest_backup_newest_has_errors", "stanza", "main"));
    assertEquals(1, require(s, "pgbackrest_backup_last_duration_seconds", "stanza", "main", "type", "incr"));
    assertEquals(10854666, require(s, "pgbackrest_backup_last_delta_bytes", "stanza", "main", "type", "incr"));
    assertEquals(11020397, require(s, "pgbackrest_backup_last_repo_size_bytes", "stanza", "main", "type", "incr"));
    assertFalse(value(s, "pgbackrest_stanza_matches_target").isPresent(), "no target system id known");
  }

  @Test
  void aStanzaWithNoBackupsYetHasCountsButNoTimes() throws Exception {
    List<Sample> s = map(fixture("info-2.45-pg15-three-stanzas.json"), "7714407875392709415", 16 * MIB);
    assertEquals(2, require(s, "pgbackrest_stanza_status", "stanza", "empty"));
    assertEquals(1, require(s, "pgbackrest_stanza_status_message_info", "stanza", "empty", "message", "no valid backups"));
    assertEquals(2, require(s, "pgbackrest_repo_status", "stanza", "empty", "repo", "1"));
    for (String type : List.of("full", "diff", "incr")) {
      assertEquals(0, require(s, "pgbackrest_backups", "stanza", "empty", "type", type));
    }
    for (String family : List.of("pgbackrest_backup_last_completion_timestamp_seconds",
        "pgbackrest_backup_oldest_completion_timestamp_seconds", "pgbackrest_backup_newest_has_errors",
        "pgbackrest_archive_wal_lsn_bytes")) {
      assertFalse(value(s, family, "stanza", "empty").isPresent(), family);
    }
    assertEquals(1, require(s, "pgbackrest_stanza_matches_target", "stanza", "empty"));
    assertEquals(0, require(s, "pgbackrest_stanza_matches_target", "stanza", "corrupt"), "another cluster");
    expose(s);
  }

  @Test
  void statusErrorsCarryTheirMessagesPerStanzaAndRepo() throws Exception {
    List<Sample> denied = map(fixture("info-2.45-repo-permission-denied.json"), LAB_SYSTEM_ID, 16 * MIB);
    assertEquals(99, require(denied, "pgbackrest_stanza_status", "stanza", "[invalid]"));
    assertEquals(1, require(denied, "pgbackrest_stanza_status_message_info", "stanza", "[invalid]", "message", "other"));
    assertEquals(1, require(denied, "pgbackrest_repo_status_message_info", "stanza", "[invalid]", "repo", "1",
        "message", "[PathOpenError] unable to list file info for path '/tmp/pgbrx/repo/backup': [13] Permission denied"));
    assertEquals(1, require(denied, "pgbackrest_stanza_info", "stanza", "[invalid]", "pg_version", "", "system_identifier", ""));
    assertFalse(value(denied, "pgbackrest_stanza_matches_target").isPresent());

    String multiline = expose(map(fixture("info-2.45-cipher-mismatch.json"), null, 16 * MIB));
    assertTrue(multiline.contains("pgbackrest_repo_status{repo=\"1\",stanza=\"main\",target=\"pg-a\"} 99.0"), multiline);
    assertTrue(multiline.contains("CryptoError: cipher header invalid\\nHINT: is or was the repo encrypted?"), multiline);
  }

  @Test
  void twoReposEachGetTheirNewestBackupAndTheStanzaTheNewestOfAll() throws Exception {
    List<Sample> s = map(fixture("info-2.45-pg15-two-repos.json"), null, 16 * MIB);
    assertEquals(1796150556, require(s, "pgbackrest_repo_backup_last_completion_timestamp_seconds", "repo", "1", "type", "full"));
    assertEquals(1796150623, require(s, "pgbackrest_repo_backup_last_completion_timestamp_seconds", "repo", "2", "type", "full"));
    assertFalse(value(s, "pgbackrest_repo_backup_last_completion_timestamp_seconds", "repo", "2", "type", "incr").isPresent());
    assertEquals(1796150623, require(s, "pgbackrest_backup_last_completion_timestamp_seconds", "type", "full"));
    assertEquals(2, require(s, "pgbackrest_backups", "type", "full"), "merged across repos");
    assertEquals(0, require(s, "pgbackrest_repo_status", "repo", "2"));
    // repo 2 holds a single segment: 0…08 covers [8, 9) × 16 MiB
    assertEquals(8 * 16 * MIB, require(s, "pgbackrest_archive_wal_lsn_bytes", "repo", "2", "bound", "min"));
    assertEquals(9 * 16 * MIB, require(s, "pgbackrest_archive_wal_lsn_bytes", "repo", "2", "bound", "max"));
    assertEquals(1796150556, require(s, "pgbackrest_backup_oldest_completion_timestamp_seconds"));
    expose(s);
  }

  @Test
  void walSegmentNamesBecomeBytePositionsForTheSegmentSize() {
    Stanza s = new Stanza("s", null, null, null, null, List.of(), List.of(), List.of(), List.of());
    // log 0x2A, segment 3: 0x2A × 2^32 + 3 × segment size
    assertEquals(new Pgbackrest.Segment(2, 0x2AL * 0x1_0000_0000L + 3 * 16 * MIB),
        Pgbackrest.segment("000000020000002A00000003", 16 * MIB, s, warnings::add));
    assertEquals(new Pgbackrest.Segment(2, 0x2AL * 0x1_0000_0000L + 3 * 64 * MIB),
        Pgbackrest.segment("000000020000002A00000003", 64 * MIB, s, warnings::add));
    assertEquals(new Pgbackrest.Segment(1, 0xFFL * 16 * MIB),
        Pgbackrest.segment("0000000100000000000000FF", 16 * MIB, s, warnings::add));
    assertEquals(List.of(), warnings);
    // 0x100 segments of 16 MiB fill a log file: segment 0x100 cannot exist with 16 MiB segments
    assertEquals(null, Pgbackrest.segment("000000010000000000000100", 16 * MIB, s, warnings::add));
    assertEquals(null, Pgbackrest.segment("00000001.history", 16 * MIB, s, warnings::add));
    assertEquals(2, warnings.size());
    assertTrue(warnings.get(0).contains("set wal-segment-size"), warnings.get(0));
  }

  @Test
  void absentOptionalFieldsGiveNoSampleNotZero() throws Exception {
    // a pgBackRest older than 2.36 writes no error field; block incremental drops repository.size
    List<Sample> s = map("[{\"name\":\"old\",\"status\":{\"code\":0,\"message\":\"ok\"},"
        + "\"backup\":[{\"type\":\"full\",\"timestamp\":{\"start\":10,\"stop\":70},"
        + "\"info\":{\"size\":100,\"delta\":100,\"repository\":{\"delta\":40,\"size-map\":5}}}]}]", null, 16 * MIB);
    assertFalse(value(s, "pgbackrest_backup_newest_has_errors").isPresent());
    assertFalse(value(s, "pgbackrest_backup_last_repo_size_bytes").isPresent());
    assertFalse(value(s, "pgbackrest_stanza_backup_lock_held").isPresent());
    assertFalse(value(s, "pgbackrest_repo_backup_last_completion_timestamp_seconds").isPresent(), "no repo key");
    assertEquals(60, require(s, "pgbackrest_backup_last_duration_seconds", "type", "full"));
    assertEquals(40, require(s, "pgbackrest_backup_last_repo_delta_bytes", "type", "full"));
    expose(s);
  }

  // ---- json-file mode, end to end through collect()

  private static final ServerInfo LAB = new ServerInfo(Flavor.POSTGRESQL, 150018, "15.18", false, 1L,
      LAB_SYSTEM_ID, 1.0, true, Set.of());

  private static Pgbackrest fileCollector(Path file, String... stanzas) {
    return new Pgbackrest(new PgBackRestOptions(List.of("pgbackrest"), null, List.of(stanzas),
        List.of(), file, 16 * MIB));
  }

  @Test
  void jsonFileModeReadsTheFileAndReportsItsAge(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("info.json");
    Files.writeString(file, fixture("info-2.45-pg15-reference-sample.json"));
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-23T20:06:00Z")));
    Db db = new Db(null, Duration.ofSeconds(5));
    List<Sample> s = fileCollector(file).collect(db, LAB);
    assertEquals(Instant.parse("2026-11-23T20:06:00Z").getEpochSecond(),
        require(s, "pgbackrest_info_file_modified_timestamp_seconds"));
    assertEquals(1795464353, require(s, "pgbackrest_backup_last_completion_timestamp_seconds", "type", "full"));
    assertEquals(1, require(s, "pgbackrest_stanza_matches_target", "stanza", "lab"));
    assertEquals(List.of(), db.warnings());
  }

  @Test
  void jsonFileModeFailsClearly(@TempDir Path dir) throws Exception {
    Db db = new Db(null, Duration.ofSeconds(5));
    Path missing = dir.resolve("none.json");
    assertEquals("json-file " + missing + " does not exist",
        assertThrows(PgBackRestException.class, () -> fileCollector(missing).collect(db, LAB)).getMessage());
    Path file = dir.resolve("info.json");
    Files.writeString(file, fixture("info-2.45-pg15-three-stanzas.json"));
    assertEquals("json-file " + file + " has no stanza 'lab' (it lists: corrupt, empty, main)",
        assertThrows(PgBackRestException.class, () -> fileCollector(file, "lab").collect(db, LAB)).getMessage());
    List<Sample> two = fileCollector(file, "main", "empty").collect(db, LAB);
    assertTrue(value(two, "pgbackrest_stanza_status", "stanza", "main").isPresent());
    assertFalse(value(two, "pgbackrest_stanza_status", "stanza", "corrupt").isPresent(), "filtered out");
    Files.writeString(file, "[global]\nrepo1-cipher-pass=hunter2\n");
    String garbage = assertThrows(PgBackRestException.class, () -> fileCollector(file).collect(db, LAB)).getMessage();
    assertTrue(garbage.startsWith("json-file " + file + " is not pgbackrest info JSON: "), garbage);
  }

  // ---- messages

  @Test
  void secretsPgBackRestEchoesAreMasked() {
    assertEquals("ERROR: [029]: missing '=' in key/value at line 3: <redacted>",
        Pgbackrest.redact("ERROR: [029]: missing '=' in key/value at line 3: repo1-cipher-pass supersecret"));
    assertEquals("option repo1-cipher-pass=<redacted> and --repo1-s3-key-secret=<redacted> and repo2-s3-key: <redacted>",
        Pgbackrest.redact("option repo1-cipher-pass=abc and --repo1-s3-key-secret=\"x y\" and repo2-s3-key: AKIA1"));
    // a value runs to the next blank, punctuation included: better too much masked than a secret's tail
    assertEquals("repo1-s3-token=<redacted> repo1-sftp-private-key-passphrase=<redacted>",
        Pgbackrest.redact("repo1-s3-token=t0k, repo1-sftp-private-key-passphrase=p"));
    String ordinary = "ERROR: [055]: unable to open missing file '/etc/pgbackrest/pgbackrest.conf' for read";
    assertEquals(ordinary, Pgbackrest.redact(ordinary));
    // a quoted config line is masked to its own end, not beyond
    assertEquals("ERROR: [029]: missing '=' in key/value at line 3: <redacted> HINT: check the file",
        Pgbackrest.firstLines("ERROR: [029]: missing '=' in key/value at line 3: repo1-cipher-pass s3cret\n"
            + "       HINT: check the file\n"));
  }

  @Test
  void theCollectorDeclaresItselfOffThePoolAndSlow() {
    Pgbackrest c = new Pgbackrest();
    assertEquals("pgbackrest", c.name());
    assertFalse(c.needsConnection());
    assertEquals(Duration.ofMinutes(1), c.defaultInterval());
    assertTrue(c.appliesTo(LAB));
    assertFalse(c.appliesTo(new ServerInfo(Flavor.COCKROACHDB, 250100, "25.1", false, null, null, null, true, Set.of())));
  }
}
