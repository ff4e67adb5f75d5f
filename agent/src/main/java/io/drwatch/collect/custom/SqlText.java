package io.drwatch.collect.custom;

/**
 * Just enough SQL lexing to tell whether a text holds more than one statement: quotes, quoted
 * identifiers, dollar quoting and comments are skipped, and a {@code ;} followed by anything but
 * blanks, comments or more semicolons marks a second statement.
 */
public final class SqlText {

  private SqlText() {}

  /** The offset of the second statement, or -1 when the text is at most one statement. */
  public static int secondStatement(String sql) {
    int n = sql.length();
    boolean ended = false;
    int i = 0;
    while (i < n) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        i = blockComment(sql, i);
      } else if (c == ';') {
        ended = true;
        i++;
      } else if (ended) {
        return i;
      } else if (c == '\'') {
        boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
            && (i < 2 || !Character.isLetterOrDigit(sql.charAt(i - 2)));
        i = quoted(sql, i, '\'', escapes);
      } else if (c == '"') {
        i = quoted(sql, i, '"', false);
      } else if (c == '$') {
        i = dollar(sql, i);
      } else {
        i++;
      }
    }
    return -1;
  }

  private static int blockComment(String sql, int i) {
    int depth = 0;
    int n = sql.length();
    while (i < n) {
      if (sql.startsWith("/*", i)) {
        depth++;
        i += 2;
      } else if (sql.startsWith("*/", i)) {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    return n;
  }

  private static int quoted(String sql, int i, char q, boolean backslashEscapes) {
    int n = sql.length();
    i++;
    while (i < n) {
      char c = sql.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == q) {
        if (i + 1 < n && sql.charAt(i + 1) == q) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return n;
  }

  /** $tag$ … $tag$; a lone $ (as in $1) is just a character. */
  private static int dollar(String sql, int i) {
    int n = sql.length();
    int j = i + 1;
    while (j < n && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
      j++;
    }
    if (j >= n || sql.charAt(j) != '$' || (j > i + 1 && Character.isDigit(sql.charAt(i + 1)))) {
      return i + 1;
    }
    String tag = sql.substring(i, j + 1);
    int end = sql.indexOf(tag, j + 1);
    return end < 0 ? n : end + tag.length();
  }
}
