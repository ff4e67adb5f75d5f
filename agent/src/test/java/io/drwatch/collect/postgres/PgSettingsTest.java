package io.drwatch.collect.postgres;

import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.drwatch.collect.Row;
import io.drwatch.collect.Sample;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PgSettingsTest {

  private static Row setting(String name, String setting, String unit) {
    return row("name", name, "setting", setting, "unit", unit);
  }

  private static Double base(String setting, String unit) {
    return PgSettings.base(setting("x", setting, unit));
  }

  @Test
  void timeUnitsBecomeSeconds() {
    assertEquals(1.5, base("1500", "ms"));
    assertEquals(60.0, base("60", "s"));
    assertEquals(300.0, base("5", "min"));
    assertEquals(7200.0, base("2", "h"));
    assertEquals(172_800.0, base("2", "d"));
  }

  @Test
  void sizeUnitsBecomeBytes() {
    assertEquals(100.0, base("100", "B"));
    assertEquals(65_536.0, base("64", "kB"));
    assertEquals(16_384.0, base("2", "8kB")); // pg_settings reports e.g. shared_buffers in 8kB pages
    assertEquals(32_768.0, base("2", "16kB"));
    assertEquals(1_073_741_824.0, base("1024", "MB"));
    assertEquals(2_147_483_648.0, base("2", "GB"));
  }

  @Test
  void minusOneMeansUnlimitedAndStaysMinusOne() {
    assertEquals(-1.0, base("-1", "MB"));
    assertEquals(-1.0, base("-1", "ms"));
  }

  @Test
  void noUnitIsTakenAsIs() {
    assertEquals(10.0, base("10", null));
    assertEquals(0.0, base("0", "s"));
  }

  @Test
  void missingRowOrNullSettingIsNoValue() {
    assertNull(PgSettings.base(null));
    assertNull(base(null, "s"));
  }

  @Test
  void unknownUnitIsAnError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PgSettings.base(setting("odd_setting", "1", "furlong")));
    assertEquals("unknown unit furlong for odd_setting", e.getMessage());
  }

  /** The pg_settings rows of a PostgreSQL 17 primary with archiving and one sync standby. */
  private static List<Row> primaryRows() {
    return List.of(
        setting("archive_mode", "on", null),
        setting("archive_timeout", "60", "s"),
        setting("autovacuum_freeze_max_age", "200000000", null),
        setting("hot_standby_feedback", "off", null),
        setting("max_replication_slots", "10", null),
        setting("max_slot_wal_keep_size", "-1", "MB"),
        setting("max_wal_senders", "10", null),
        setting("recovery_min_apply_delay", "0", "ms"),
        setting("synchronous_commit", "on", null),
        setting("synchronous_standby_names", "FIRST 1 (s1)", null),
        setting("wal_keep_size", "512", "MB"),
        setting("wal_level", "replica", null));
  }

  private static Map<String, Object> byFamily(List<Sample> samples) {
    Map<String, Object> m = new TreeMap<>();
    for (Sample s : samples) {
      m.put(s.family().name(), s.family().labelNames().isEmpty() ? s.value() : s.labelValues() + "=" + s.value());
    }
    return m;
  }

  @Test
  void mapsEverySettingInBaseUnits() {
    Map<String, Object> expected = new TreeMap<>(Map.of(
        "pg_dr_settings_info", "[replica, on, on, FIRST 1 (s1)]=1.0",
        "pg_settings_archive_timeout_seconds", 60.0,
        "pg_settings_wal_keep_size_bytes", 536_870_912.0,
        "pg_settings_max_slot_wal_keep_size_bytes", -1.0,
        "pg_settings_hot_standby_feedback", 0.0,
        "pg_settings_max_wal_senders", 10.0,
        "pg_settings_max_replication_slots", 10.0,
        "pg_settings_recovery_min_apply_delay_seconds", 0.0,
        "pg_settings_autovacuum_freeze_max_age", 200_000_000.0));
    assertEquals(expected, byFamily(PgSettings.map(primaryRows())));
  }

  @Test
  void delayedStandbyWithFeedback() {
    List<Row> rows = List.of(
        setting("hot_standby_feedback", "on", null),
        setting("recovery_min_apply_delay", "3600000", "ms"),
        setting("wal_level", "logical", null));
    Map<String, Object> m = byFamily(PgSettings.map(rows));
    assertEquals(1.0, m.get("pg_settings_hot_standby_feedback"));
    assertEquals(3600.0, m.get("pg_settings_recovery_min_apply_delay_seconds"));
    // Settings not returned (hidden or unknown to the version) are empty text in the info series
    // and absent as numbers.
    assertEquals("[logical, , , ]=1.0", m.get("pg_dr_settings_info"));
    assertEquals(3, m.size());
  }

  @Test
  void sqlNullSettingIsNoSample() {
    List<Row> rows = List.of(setting("archive_timeout", null, "s"), setting("wal_level", "replica", null));
    Map<String, Object> m = byFamily(PgSettings.map(rows));
    assertEquals(Map.of("pg_dr_settings_info", "[replica, , , ]=1.0"), m);
  }
}
