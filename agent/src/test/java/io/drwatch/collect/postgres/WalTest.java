package io.drwatch.collect.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** WAL file names are TTTTTTTT LLLLLLLL SSSSSSSS; segno = L * (4 GiB / segment size) + S. */
class WalTest {

  private static final long MIB = 1024 * 1024;
  private static final long SEG16 = 16 * MIB;
  private static final double GIB4 = 4.0 * 1024 * MIB;

  @Test
  void segmentStartWithinFirstLogId() {
    assertEquals(7 * 16 * MIB, Wal.segmentStartBytes("000000010000000000000007", SEG16));
    assertEquals(117_440_512.0, Wal.segmentStartBytes("000000010000000000000007", SEG16));
  }

  @Test
  void timelineDoesNotMoveTheSegmentStart() {
    assertEquals(Wal.segmentStartBytes("000000010000000000000007", SEG16),
        Wal.segmentStartBytes("0000000A0000000000000007", SEG16));
  }

  @Test
  void secondLogIdStartsAtFourGibibytes() {
    assertEquals(GIB4, Wal.segmentStartBytes("000000010000000100000000", SEG16));
    assertEquals(GIB4, Wal.segmentStartBytes("000000010000000100000000", MIB));
  }

  @Test
  void segmentNumberScalesWithSegmentSize() {
    // 1 MiB segments: 4096 per log id, so the low part runs up to 0xFFF.
    assertEquals(0x100 * MIB, Wal.segmentStartBytes("000000010000000000000100", MIB));
    assertEquals(GIB4 + 0xFF * MIB, Wal.segmentStartBytes("0000000100000001000000FF", MIB));
    // 16 MiB: 0xFF is the last segment of log id 0.
    assertEquals(GIB4 - SEG16, Wal.segmentStartBytes("0000000100000000000000FF", SEG16));
  }

  @Test
  void segmentStartOfAnLsn() {
    assertEquals(7 * SEG16, Wal.segmentStartOf(7 * SEG16 + 12345, SEG16));
    assertEquals(7 * SEG16, Wal.segmentStartOf(7 * SEG16, SEG16), "a boundary belongs to the segment it starts");
    assertEquals(6 * SEG16, Wal.segmentStartOf(7 * SEG16 - 1, SEG16));
    assertEquals(0.0, Wal.segmentStartOf(0, SEG16));
    assertEquals(GIB4 + 3 * MIB, Wal.segmentStartOf(GIB4 + 3 * MIB + 1, MIB));
  }

  @Test
  void plainSegmentNamesAreRecognised() {
    assertTrue(Wal.isSegmentName("000000010000000000000007"));
    assertTrue(Wal.isSegmentName("00000002000000AB000000FF"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "00000002.history",
      "000000010000000000000007.partial",
      "000000010000000000000007.00000028.backup",
      "000000010000000000000007.ready",
      "00000001000000000000000a", // lower-case hex is not a server-written name
      "00000001000000000000007",
      ""})
  void otherArchiveNamesAreNotSegments(String name) {
    assertFalse(Wal.isSegmentName(name));
  }

  @Test
  void nullIsNotASegment() {
    assertFalse(Wal.isSegmentName(null));
  }

  @Test
  void segmentStartOfANonSegmentNameIsRejected() {
    assertThrows(IllegalArgumentException.class, () -> Wal.segmentStartBytes("00000002.history", SEG16));
  }
}
