package io.drwatch.collect.postgres;

import java.util.regex.Pattern;

/** WAL file-name and LSN arithmetic, kept client-side so it behaves the same on every version. */
final class Wal {

  private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");

  private Wal() {}

  /** Whether a name is a plain WAL segment (not .history, .backup or .partial). */
  static boolean isSegmentName(String name) {
    return name != null && SEGMENT.matcher(name).matches();
  }

  /** Byte position where the named segment starts: segno * segment size. */
  static double segmentStartBytes(String segmentName, long segmentSize) {
    if (!isSegmentName(segmentName)) {
      throw new IllegalArgumentException("not a WAL segment name: " + segmentName);
    }
    long log = Long.parseLong(segmentName.substring(8, 16), 16);
    long seg = Long.parseLong(segmentName.substring(16, 24), 16);
    long segmentsPerLogId = 0x1_0000_0000L / segmentSize;
    return ((double) log * segmentsPerLogId + seg) * segmentSize;
  }

  /** Start of the segment that contains {@code lsnBytes}. */
  static double segmentStartOf(double lsnBytes, long segmentSize) {
    return Math.floor(lsnBytes / segmentSize) * segmentSize;
  }
}
