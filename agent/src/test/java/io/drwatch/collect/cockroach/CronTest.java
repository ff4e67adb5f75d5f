package io.drwatch.collect.cockroach;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Recurrences of CockroachDB schedules, evaluated in UTC. */
class CronTest {

  private static final Instant T = Instant.parse("2025-03-12T14:37:20Z"); // a Wednesday

  private static Instant prev(String expr, Instant at) {
    return Cron.parse(expr).previous(at);
  }

  @Test
  void descriptors() {
    assertEquals(Instant.parse("2025-03-12T14:00:00Z"), prev("@hourly", T));
    assertEquals(Instant.parse("2025-03-12T00:00:00Z"), prev("@daily", T));
    assertEquals(Instant.parse("2025-03-12T00:00:00Z"), prev("@midnight", T));
    assertEquals(Instant.parse("2025-03-09T00:00:00Z"), prev("@weekly", T)); // Sunday
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), prev("@monthly", T));
    assertEquals(Instant.parse("2025-01-01T00:00:00Z"), prev("@yearly", T));
    assertEquals(Instant.parse("2025-01-01T00:00:00Z"), prev("@ANNUALLY", T));
  }

  @Test
  void fieldsRangesStepsListsAndNames() {
    assertEquals(Instant.parse("2025-03-12T14:30:00Z"), prev("*/15 * * * *", T));
    assertEquals(Instant.parse("2025-03-12T14:37:00Z"), prev("* * * * *", T));
    assertEquals(Instant.parse("2025-03-12T10:05:00Z"), prev("5 1-10/3 * * *", T)); // hours 1,4,7,10
    assertEquals(Instant.parse("2025-03-12T14:20:00Z"), prev("0,20,40 14 * * *", T));
    assertEquals(Instant.parse("2025-03-09T03:00:00Z"), prev("0 3 * * SUN", T));
    assertEquals(Instant.parse("2025-03-09T03:00:00Z"), prev("0 3 ? * 0", T));
    assertEquals(Instant.parse("2025-02-28T23:00:00Z"), prev("0 23 28 FEB *", T));
    assertEquals(Instant.parse("2024-12-25T06:00:00Z"), prev("0 6 25 dec *", T));
    assertEquals(Instant.parse("2025-03-12T14:37:00Z"), prev("37 14 12 3 *", T));
    assertEquals(Instant.parse("2025-03-12T12:55:00Z"), prev("50/5 12 * * *", T)); // 50, 55
    assertEquals(Instant.parse("2025-03-12T12:50:00Z"), prev("50/5 12 * * *", Instant.parse("2025-03-12T12:52:00Z")));
  }

  @Test
  void restrictedDayOfMonthAndWeekMatchEither() {
    // the 1st, or any Friday: before Wed 12 March comes Fri 7 March
    assertEquals(Instant.parse("2025-03-07T00:00:00Z"), prev("0 0 1 * FRI", T));
    // with the day of month *, only Fridays
    assertEquals(Instant.parse("2025-03-07T00:00:00Z"), prev("0 0 * * 5", T));
    // with the day of week *, only the 1st
    assertEquals(Instant.parse("2025-03-01T00:00:00Z"), prev("0 0 1 * *", T));
    // a step is not a star: 1-31/2 and Monday match either (the 11th is odd)
    assertEquals(Instant.parse("2025-03-11T00:00:00Z"), prev("0 0 1-31/2 * MON", T));
  }

  @Test
  void lastTwoBoundTheCadence() {
    Instant[] daily = Cron.parse("@daily").lastTwo(T);
    assertEquals(Instant.parse("2025-03-11T00:00:00Z"), daily[0]);
    assertEquals(Instant.parse("2025-03-12T00:00:00Z"), daily[1]);
    Instant[] every = Cron.parse("@every 4h").lastTwo(T);
    assertEquals(Duration.ofHours(4), Duration.between(every[0], every[1]));
    assertEquals(T, every[1].plus(Duration.ofHours(4)));
    assertEquals(Duration.ofMinutes(90), Cron.parse("@every 1h30m").every());
  }

  @Test
  void anExpressionThatNeverFiresHasNoFireTimes() {
    assertNull(prev("0 0 31 2 *", T), "31 February");
    assertNull(Cron.parse("0 0 30 2 *").lastTwo(T));
  }

  @Test
  void badExpressionsSayWhatIsWrong() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 0 * *")).getMessage()
        .contains("expected 5 fields"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("60 * * * *")).getMessage()
        .contains("60 is outside 0-59"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("*/0 * * * *")).getMessage()
        .contains("step 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 0 * * FUNDAY")).getMessage()
        .contains("not a number"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("0 10-2 * * *")).getMessage()
        .contains("backwards"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("@every soon")).getMessage()
        .contains("@every"));
    assertThrows(IllegalArgumentException.class, () -> Cron.parse(" "));
  }
}
