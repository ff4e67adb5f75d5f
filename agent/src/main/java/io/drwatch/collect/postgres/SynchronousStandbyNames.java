package io.drwatch.collect.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code synchronous_standby_names} as the server reads it (syncrep_gram.y): empty (sync rep off),
 * a plain list (FIRST 1), {@code N (list)} and {@code FIRST N (list)} (priority), or
 * {@code ANY N (list)} (quorum). A standby name is an identifier, a double-quoted name, {@code *}
 * or a number (the grammar's {@code standby_name: NAME | NUM}): {@code '1, 2'} is FIRST 1 of the
 * standbys named 1 and 2, and a leading number is num_sync only when a parenthesis follows it.
 */
public record SynchronousStandbyNames(Method method, int numSync, List<String> names) {

  public enum Method {
    OFF,
    FIRST,
    ANY;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final SynchronousStandbyNames OFF = new SynchronousStandbyNames(Method.OFF, 0, List.of());

  public SynchronousStandbyNames {
    names = List.copyOf(names);
  }

  public static SynchronousStandbyNames parse(String value) {
    if (value == null || value.isBlank()) {
      return OFF;
    }
    Lexer lx = new Lexer(value);
    String first = lx.peekWord();
    if (first != null && (first.equalsIgnoreCase("FIRST") || first.equalsIgnoreCase("ANY"))
        && lx.wordFollowedByNumber()) {
      lx.word();
      return parenthesized(lx, first.equalsIgnoreCase("ANY") ? Method.ANY : Method.FIRST);
    }
    if (lx.numberFollowedByParenthesis()) {
      return parenthesized(lx, Method.FIRST); // "N (list)" is FIRST N
    }
    List<String> names = lx.nameList();
    lx.end();
    return new SynchronousStandbyNames(Method.FIRST, 1, names);
  }

  private static SynchronousStandbyNames parenthesized(Lexer lx, Method method) {
    int num = lx.number();
    lx.expect('(');
    List<String> names = lx.nameList();
    lx.expect(')');
    lx.end();
    return new SynchronousStandbyNames(method, num, names);
  }

  /** Minimal tokenizer for the grammar above; errors say what was expected where. */
  private static final class Lexer {
    private final String s;
    private int pos;

    Lexer(String s) {
      this.s = s;
    }

    private void skipSpace() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    boolean peekIsDigit() {
      skipSpace();
      return pos < s.length() && Character.isDigit(s.charAt(pos));
    }

    /** The identifier at pos, whole (longest match, as the server's scanner: "first1" is a name). */
    String peekWord() {
      skipSpace();
      int end = pos;
      while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end))
          || s.charAt(end) == '_' || s.charAt(end) == '$')) {
        end++;
      }
      return end == pos ? null : s.substring(pos, end);
    }

    /** FIRST/ANY are keywords only when a number follows; otherwise they are standby names. */
    boolean wordFollowedByNumber() {
      int save = pos;
      word();
      boolean number = peekIsDigit();
      pos = save;
      return number;
    }

    /** {@code N (}: num_sync of a priority list; a number followed by anything else is a name. */
    boolean numberFollowedByParenthesis() {
      if (!peekIsDigit()) {
        return false;
      }
      int save = pos;
      number();
      skipSpace();
      boolean paren = pos < s.length() && s.charAt(pos) == '(';
      pos = save;
      return paren;
    }

    String word() {
      String w = peekWord();
      pos += w.length();
      return w;
    }

    int number() {
      skipSpace();
      int start = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      return Integer.parseInt(s.substring(start, pos));
    }

    void expect(char c) {
      skipSpace();
      if (pos >= s.length() || s.charAt(pos) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at position " + pos + " in: " + s);
      }
      pos++;
    }

    void end() {
      skipSpace();
      if (pos != s.length()) {
        throw new IllegalArgumentException("unexpected text at position " + pos + " in: " + s);
      }
    }

    List<String> nameList() {
      List<String> names = new ArrayList<>();
      names.add(name());
      skipSpace();
      while (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
        names.add(name());
        skipSpace();
      }
      return names;
    }

    String name() {
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == '"') {
        StringBuilder b = new StringBuilder();
        pos++;
        while (pos < s.length()) {
          char c = s.charAt(pos++);
          if (c == '"') {
            if (pos < s.length() && s.charAt(pos) == '"') {
              b.append('"');
              pos++;
              continue;
            }
            return b.toString();
          }
          b.append(c);
        }
        throw new IllegalArgumentException("unterminated quoted name in: " + s);
      }
      int start = pos;
      while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos))
          || s.charAt(pos) == '_' || s.charAt(pos) == '$' || s.charAt(pos) == '*')) {
        pos++;
      }
      if (start == pos) {
        throw new IllegalArgumentException("expected a standby name at position " + pos + " in: " + s);
      }
      return s.substring(start, pos).toLowerCase(Locale.ROOT);
    }
  }
}
