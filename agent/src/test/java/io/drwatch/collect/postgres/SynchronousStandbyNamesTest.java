package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.SynchronousStandbyNames.Method.ANY;
import static io.drwatch.collect.postgres.SynchronousStandbyNames.Method.FIRST;
import static io.drwatch.collect.postgres.SynchronousStandbyNames.Method.OFF;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The grammar of syncrep_gram.y as documented for synchronous_standby_names (PostgreSQL 13-18). */
class SynchronousStandbyNamesTest {

  private static SynchronousStandbyNames ssn(SynchronousStandbyNames.Method m, int n, String... names) {
    return new SynchronousStandbyNames(m, n, List.of(names));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "\t \n"})
  void emptyOrBlankIsOff(String value) {
    assertEquals(ssn(OFF, 0), SynchronousStandbyNames.parse(value));
  }

  @Test
  void nullIsOff() {
    assertEquals(SynchronousStandbyNames.OFF, SynchronousStandbyNames.parse(null));
  }

  @Test
  void plainListIsFirstOne() {
    assertEquals(ssn(FIRST, 1, "a", "b"), SynchronousStandbyNames.parse("a, b"));
    assertEquals(ssn(FIRST, 1, "s1"), SynchronousStandbyNames.parse("s1"));
  }

  @Test
  void numberWithListIsPriority() {
    assertEquals(ssn(FIRST, 2, "a", "b", "c"), SynchronousStandbyNames.parse("2 (a, b, c)"));
  }

  @Test
  void numericStandbyNamesAreNames() {
    // standby_name: NAME | NUM; a number is num_sync only before a parenthesis.
    assertEquals(ssn(FIRST, 1, "1", "2"), SynchronousStandbyNames.parse("1, 2"));
    assertEquals(ssn(FIRST, 1, "1"), SynchronousStandbyNames.parse("1"));
    assertEquals(ssn(FIRST, 1, "10", "s1"), SynchronousStandbyNames.parse(" 10 ,s1"));
    assertEquals(ssn(FIRST, 2, "1", "2"), SynchronousStandbyNames.parse("2 (1, 2)"));
    assertEquals(ssn(FIRST, 1, "2", "a"), SynchronousStandbyNames.parse("FIRST 1 (2, a)"));
    assertEquals(ssn(ANY, 2, "1", "2", "3"), SynchronousStandbyNames.parse("ANY 2(1,2,3)"));
  }

  @Test
  void explicitFirst() {
    assertEquals(ssn(FIRST, 2, "a", "b"), SynchronousStandbyNames.parse("FIRST 2 (a,b)"));
    assertEquals(ssn(FIRST, 1, "a"), SynchronousStandbyNames.parse("first 1 (a)"));
  }

  @Test
  void anyIsQuorum() {
    assertEquals(ssn(ANY, 2, "a", "b", "c"), SynchronousStandbyNames.parse("ANY 2 (a, b, c)"));
    assertEquals(ssn(ANY, 1, "a", "b"), SynchronousStandbyNames.parse("any 1(a,b)"));
  }

  @Test
  void starMatchesAnyStandby() {
    assertEquals(ssn(FIRST, 1, "*"), SynchronousStandbyNames.parse("*"));
    assertEquals(ssn(ANY, 1, "*"), SynchronousStandbyNames.parse("ANY 1 (*)"));
  }

  @Test
  void quotedKeywordIsAStandbyName() {
    assertEquals(ssn(FIRST, 1, "first", "b"), SynchronousStandbyNames.parse("\"first\", b"));
    assertEquals(ssn(ANY, 1, "any", "first"), SynchronousStandbyNames.parse("ANY 1 (\"any\", \"first\")"));
  }

  @Test
  void keywordFollowedByDigitsIsAnOrdinaryName() {
    // The server's scanner takes the longest match: "first1" is an identifier, not FIRST 1.
    assertEquals(ssn(FIRST, 1, "first1", "any2"), SynchronousStandbyNames.parse("first1, any2"));
    assertEquals(ssn(FIRST, 2, "first1", "b"), SynchronousStandbyNames.parse("2 (first1, b)"));
  }

  @Test
  void unquotedKeywordAsListItemIsAccepted() {
    // More lenient than the server (which wants "first" quoted), but a running server only ever
    // reports values it accepted, so leniency here loses nothing.
    assertEquals(ssn(FIRST, 1, "a", "first"), SynchronousStandbyNames.parse("a, first"));
  }

  @Test
  void doubledQuoteInsideQuotedName() {
    assertEquals(ssn(FIRST, 1, "a\"b", "c"), SynchronousStandbyNames.parse("\"a\"\"b\", c"));
  }

  @Test
  void quotedNamesMayHoldSpacesAndCommas() {
    assertEquals(ssn(FIRST, 2, "dc 1, rack 2", "x"), SynchronousStandbyNames.parse("2 (\"dc 1, rack 2\", x)"));
  }

  @Test
  void unquotedNamesAreLowerCasedQuotedKeepTheirCase() {
    assertEquals(ssn(FIRST, 1, "standbya", "StandbyB"), SynchronousStandbyNames.parse("StandbyA, \"StandbyB\""));
  }

  @Test
  void methodLabels() {
    assertEquals("off", OFF.label());
    assertEquals("first", FIRST.label());
    assertEquals("any", ANY.label());
  }

  @Test
  void unclosedListNamesThePosition() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SynchronousStandbyNames.parse("FIRST 2 (a"));
    assertTrue(e.getMessage().contains("expected ')' at position 10"), e.getMessage());
  }

  @Test
  void anyWithoutNumberIsRejectedWithPosition() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SynchronousStandbyNames.parse("ANY (a)"));
    assertTrue(e.getMessage().contains("position 4"), e.getMessage());
  }

  @Test
  void emptyListEntryNamesThePosition() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SynchronousStandbyNames.parse("a,,b"));
    assertTrue(e.getMessage().contains("expected a standby name at position 2"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"2 (a, b", "FIRST 1 ()", "a b", "\"unterminated", "ANY 1 (a) x"})
  void otherMalformedValuesAreRejected(String value) {
    assertThrows(IllegalArgumentException.class, () -> SynchronousStandbyNames.parse(value));
  }
}
