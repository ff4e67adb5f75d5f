package io.drwatch.collect.cockroach;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The recurrence of a CockroachDB schedule ({@code RECURRING '@daily'}, {@code '0 * * * *'}),
 * evaluated in UTC as CockroachDB's scheduler does: the standard five fields (minute, hour, day of
 * month, month, day of week; {@code *}, {@code ?}, lists, ranges, steps, month and day names), the
 * descriptors {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}, and
 * {@code @every <duration>}. As in the cron library CockroachDB uses, a restricted day of month
 * and day of week match either.
 */
final class Cron {

  private static final Map<String, String> DESCRIPTORS = Map.of(
      "@yearly", "0 0 1 1 *", "@annually", "0 0 1 1 *", "@monthly", "0 0 1 * *",
      "@weekly", "0 0 * * 0", "@daily", "0 0 * * *", "@midnight", "0 0 * * *", "@hourly", "0 * * * *");
  private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul",
      "aug", "sep", "oct", "nov", "dec");
  private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");
  /** Looking further back than this for a fire time means the expression never fires. */
  private static final int MAX_DAYS_BACK = 800;

  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet days;
  private final BitSet months;
  private final BitSet weekdays;
  private final boolean daysStar;
  private final boolean weekdaysStar;
  private final Duration every;

  private Cron(BitSet minutes, BitSet hours, BitSet days, BitSet months, BitSet weekdays,
      boolean daysStar, boolean weekdaysStar, Duration every) {
    this.minutes = minutes;
    this.hours = hours;
    this.days = days;
    this.months = months;
    this.weekdays = weekdays;
    this.daysStar = daysStar;
    this.weekdaysStar = weekdaysStar;
    this.every = every;
  }

  /** @throws IllegalArgumentException with what is wrong */
  static Cron parse(String expression) {
    if (expression == null || expression.isBlank()) {
      throw new IllegalArgumentException("empty recurrence");
    }
    String e = expression.strip().toLowerCase(Locale.ROOT);
    if (e.startsWith("@every ")) {
      Double s = Crdb.goDurationSeconds(e.substring("@every ".length()));
      if (s == null || s <= 0) {
        throw new IllegalArgumentException("bad @every duration in \"" + expression + "\"");
      }
      return new Cron(null, null, null, null, null, false, false, Duration.ofMillis(Math.round(s * 1000)));
    }
    e = DESCRIPTORS.getOrDefault(e, e);
    String[] f = e.split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException("expected 5 fields (minute hour day-of-month month day-of-week) "
          + "or a descriptor such as @daily, got \"" + expression + "\"");
    }
    return new Cron(field(f[0], 0, 59, null), field(f[1], 0, 23, null), field(f[2], 1, 31, null),
        field(f[3], 1, 12, MONTHS), field(f[4], 0, 6, DAYS), star(f[2]), star(f[4]), null);
  }

  private static boolean star(String f) {
    return f.equals("*") || f.equals("?");
  }

  private static BitSet field(String text, int min, int max, List<String> names) {
    BitSet bits = new BitSet(max + 1);
    for (String part : text.split(",")) {
      int step = 1;
      String range = part;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        step = number(part.substring(slash + 1), 0, Integer.MAX_VALUE, null, text);
        if (step == 0) {
          throw new IllegalArgumentException("step 0 in \"" + text + "\"");
        }
        range = part.substring(0, slash);
      }
      int lo;
      int hi;
      if (range.equals("*") || range.equals("?")) {
        lo = min;
        hi = max;
      } else if (range.contains("-")) {
        String[] ab = range.split("-", 2);
        lo = number(ab[0], min, max, names, text);
        hi = number(ab[1], min, max, names, text);
      } else {
        lo = number(range, min, max, names, text);
        hi = slash >= 0 ? max : lo;
      }
      if (lo > hi) {
        throw new IllegalArgumentException("range " + range + " runs backwards in \"" + text + "\"");
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String s, int min, int max, List<String> names, String field) {
    int v;
    if (names != null && names.contains(s)) {
      v = names.indexOf(s) + min;
    } else {
      try {
        v = Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("\"" + s + "\" is not a number in \"" + field + "\"");
      }
    }
    if (v < min || v > max) {
      throw new IllegalArgumentException(v + " is outside " + min + "-" + max + " in \"" + field + "\"");
    }
    return v;
  }

  /** {@code @every}: the fixed period; null for calendar expressions. */
  Duration every() {
    return every;
  }

  /** The latest fire time at or before {@code t}, or null if there is none in the last 800 days. */
  Instant previous(Instant t) {
    if (every != null) {
      throw new IllegalStateException("@every has no calendar fire times");
    }
    ZonedDateTime z = t.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES);
    LocalDate today = z.toLocalDate();
    for (int d = 0; d < MAX_DAYS_BACK; d++) {
      LocalDate date = today.minusDays(d);
      if (!months.get(date.getMonthValue()) || !dayMatches(date)) {
        continue;
      }
      int maxHour = d == 0 ? z.getHour() : 23;
      for (int h = maxHour; h >= 0; h--) {
        if (!hours.get(h)) {
          continue;
        }
        int maxMinute = d == 0 && h == z.getHour() ? z.getMinute() : 59;
        int m = minutes.previousSetBit(maxMinute);
        if (m >= 0) {
          return date.atTime(h, m).toInstant(ZoneOffset.UTC);
        }
      }
    }
    return null;
  }

  private boolean dayMatches(LocalDate date) {
    boolean dom = days.get(date.getDayOfMonth());
    boolean dow = weekdays.get(date.getDayOfWeek().getValue() % 7);
    return daysStar || weekdaysStar ? dom && dow : dom || dow;
  }

  /**
   * The two fire times that bound the cadence at {@code now}: {@code [0]} the one before the latest,
   * {@code [1]} the latest (both at or before now); null when the expression does not fire twice
   * in the look-back window. For {@code @every}, now minus one and two periods.
   */
  Instant[] lastTwo(Instant now) {
    if (every != null) {
      return new Instant[] {now.minus(every.multipliedBy(2)), now.minus(every)};
    }
    Instant latest = previous(now);
    if (latest == null) {
      return null;
    }
    Instant before = previous(latest.minus(1, ChronoUnit.MINUTES));
    return before == null ? null : new Instant[] {before, latest};
  }
}
