package io.drwatch.collect.cockroach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** CockroachDB's value formats: Go durations, IEC byte sizes, HLC timestamps, versions. */
class CrdbValuesTest {

  @Test
  void goDurations() {
    assertEquals(300.0, Crdb.goDurationSeconds("5m0s"));
    assertEquals(900.0, Crdb.goDurationSeconds("15m0s"));
    assertEquals(1209600.0, Crdb.goDurationSeconds("336h0m0s"));
    assertEquals(5400.0, Crdb.goDurationSeconds("1h30m"));
    assertEquals(0.3, Crdb.goDurationSeconds("300ms"), 1e-12);
    assertEquals(1.5e-6, Crdb.goDurationSeconds("1.5µs"), 1e-15);
    assertEquals(2e-9, Crdb.goDurationSeconds("2ns"), 1e-18);
    assertEquals(0.0, Crdb.goDurationSeconds("0s"));
    assertEquals(0.0, Crdb.goDurationSeconds("0"));
    assertEquals(-3.0, Crdb.goDurationSeconds("-3s"));
    assertEquals(2.5, Crdb.goDurationSeconds("2.5s"));
    assertNull(Crdb.goDurationSeconds("5 minutes"));
    assertNull(Crdb.goDurationSeconds("5"));
    assertNull(Crdb.goDurationSeconds("m5"));
    assertNull(Crdb.goDurationSeconds(""));
    assertNull(Crdb.goDurationSeconds(null));
  }

  @Test
  void byteSizes() {
    assertEquals(32.0 * 1024 * 1024, Crdb.byteSize("32 MiB"));
    assertEquals(512.0 * 1024, Crdb.byteSize("512 KiB"));
    assertEquals(100.0, Crdb.byteSize("100 B"));
    assertEquals(100.0, Crdb.byteSize("100"));
    assertEquals(1.5 * 1024 * 1024 * 1024, Crdb.byteSize("1.5 GiB"));
    assertEquals(2e6, Crdb.byteSize("2 MB"));
    assertNull(Crdb.byteSize("lots"));
  }

  @Test
  void hlcTimestamps() {
    assertEquals(1683655799.845426, Crdb.hlcSeconds("1683655799.845426000,0"), 1e-6);
    assertEquals(1683655799.0, Crdb.hlcSeconds("1683655799.000000000,3"), 1e-9);
    assertEquals(1683655799.5, Crdb.hlcSeconds("1683655799.5"), 1e-9);
    assertNull(Crdb.hlcSeconds(""));
    assertNull(Crdb.hlcSeconds("never"));
    assertNull(Crdb.hlcSeconds(null));
  }

  @Test
  void majorMinor() {
    assertEquals(2403, Crdb.majorMinor("24.3"));
    assertEquals(2403, Crdb.majorMinor("v24.3.5"));
    assertEquals(2302, Crdb.majorMinor("23.2-upgrading-to-24.1-step-022"));
    assertEquals(2501, Crdb.majorMinor("v25.1.0-alpha.2"));
    assertEquals(-1, Crdb.majorMinor("unknown"));
    assertEquals(-1, Crdb.majorMinor(null));
  }

  @Test
  void truncation() {
    assertEquals("abc", Crdb.truncate("abc", 5));
    assertEquals("abcd…", Crdb.truncate("abcdefgh", 5));
    assertEquals("a b c", Crdb.truncate("a\n  b\tc ", 10));
    assertEquals("", Crdb.truncate(null, 5));
  }
}
