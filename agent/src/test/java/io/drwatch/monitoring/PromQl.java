package io.drwatch.monitoring;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL structure for the monitoring tests: the metric names an expression reads, and
 * its top-level shape (binary operator with operands, or a call with arguments). Not a full
 * parser: it tracks brackets, braces, strings and operator precedence, which is all the rule and
 * dashboard expressions need; {@link PromQlTest} pins its behaviour.
 */
final class PromQl {

  private PromQl() {}

  private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "bool", "offset", "and", "or", "unless", "inf", "nan", "atan2", "start", "end");
  private static final Pattern IDENT = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
  private static final Pattern GROUPING = Pattern.compile(
      "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern MODIFIERS = Pattern.compile(
      "^\\s*(bool\\b)?\\s*((on|ignoring)\\s*\\([^)]*\\))?\\s*((group_left|group_right)\\b\\s*(\\([^)]*\\))?)?");

  /** A binary operation at the top level of an expression. */
  record Binary(String left, String op, String right) {
    boolean isComparison() {
      return Set.of("==", "!=", ">", "<", ">=", "<=").contains(op);
    }

    boolean isSetOp() {
      return Set.of("and", "or", "unless").contains(op);
    }
  }

  /** A function or aggregation call at the top level: {@code name [by (…)] (args) [by (…)]}. */
  record Call(String name, List<String> args) {}

  /** Metric names the expression selects (not functions, keywords, labels or durations). */
  static Set<String> metricNames(String expr) {
    String s = GROUPING.matcher(blank(expr)).replaceAll(" ");
    Set<String> out = new LinkedHashSet<>();
    Matcher m = IDENT.matcher(s);
    while (m.find()) {
      String name = m.group();
      if (m.start() > 0 && (Character.isDigit(s.charAt(m.start() - 1)) || s.charAt(m.start() - 1) == '.')) {
        continue; // 5m, 1e9
      }
      if (KEYWORDS.contains(name.toLowerCase(Locale.ROOT))) {
        continue;
      }
      int i = m.end();
      while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      // a call, including "max by (x) (…)" whose "by (x)" was blanked above
      if (i >= s.length() || s.charAt(i) != '(') {
        out.add(name);
      }
    }
    return out;
  }

  /** Strips wrapping parentheses. */
  static String unwrap(String expr) {
    String e = expr.strip();
    while (e.startsWith("(") && matching(e, 0) == e.length() - 1) {
      e = e.substring(1, e.length() - 1).strip();
    }
    return e;
  }

  /** The lowest-precedence binary operator at the top level, if any. */
  static Optional<Binary> binary(String expr) {
    String e = unwrap(expr);
    String b = blank(e);
    int depth = 0;
    int bestPrec = Integer.MAX_VALUE;
    int bestPos = -1;
    String bestOp = null;
    for (int i = 0; i < b.length(); i++) {
      char c = b.charAt(i);
      if (c == '(') {
        depth++;
        continue;
      }
      if (c == ')') {
        depth--;
        continue;
      }
      if (depth != 0) {
        continue;
      }
      String op = null;
      int prec = 0;
      if (Character.isLetter(c) && (i == 0 || !isIdentChar(b.charAt(i - 1)))) {
        Matcher m = IDENT.matcher(b).region(i, b.length());
        if (m.lookingAt()) {
          String w = m.group();
          switch (w) {
            case "or" -> { op = w; prec = 1; }
            case "and", "unless" -> { op = w; prec = 2; }
            case "atan2" -> { op = w; prec = 5; }
            default -> { }
          }
          if (op == null) {
            i = m.end() - 1;
            continue;
          }
        }
      } else if (b.startsWith("==", i) || b.startsWith("!=", i) || b.startsWith(">=", i)
          || b.startsWith("<=", i)) {
        op = b.substring(i, i + 2);
        prec = 3;
      } else if (c == '>' || c == '<') {
        op = String.valueOf(c);
        prec = 3;
      } else if ((c == '+' || c == '-') && operandEndsBefore(b, i)) {
        op = String.valueOf(c);
        prec = 4;
      } else if (c == '*' || c == '/' || c == '%') {
        op = String.valueOf(c);
        prec = 5;
      } else if (c == '^') {
        op = "^";
        prec = 6;
      }
      if (op == null) {
        continue;
      }
      // left-associative: the last operator of the lowest precedence splits; ^ is right-associative
      if (prec < bestPrec || (prec == bestPrec && !op.equals("^"))) {
        bestPrec = prec;
        bestPos = i;
        bestOp = op;
      }
      i += op.length() - 1;
    }
    if (bestOp == null) {
      return Optional.empty();
    }
    String left = e.substring(0, bestPos);
    String rest = e.substring(bestPos + bestOp.length());
    Matcher mod = MODIFIERS.matcher(rest);
    String right = mod.lookingAt() ? rest.substring(mod.end()) : rest;
    return Optional.of(new Binary(left.strip(), bestOp, right.strip()));
  }

  /** The expression as a call with its arguments, if it is one at the top level. */
  static Optional<Call> call(String expr) {
    String e = unwrap(expr);
    if (binary(e).isPresent()) {
      return Optional.empty();
    }
    Matcher m = IDENT.matcher(e);
    if (!m.lookingAt()) {
      return Optional.empty();
    }
    String name = m.group();
    String rest = e.substring(m.end());
    Matcher g = Pattern.compile("^\\s*(by|without)\\s*\\([^)]*\\)").matcher(rest);
    int offset = m.end();
    if (g.lookingAt()) {
      offset += g.end();
      rest = rest.substring(g.end());
    }
    int open = rest.indexOf('(');
    if (open < 0 || !rest.substring(0, open).isBlank()) {
      return Optional.empty();
    }
    int start = offset + open;
    int close = matching(e, start);
    if (close < 0) {
      return Optional.empty();
    }
    String after = e.substring(close + 1).strip();
    if (!after.isEmpty() && !after.matches("(by|without)\\s*\\([^)]*\\)")) {
      return Optional.empty();
    }
    return Optional.of(new Call(name, splitArgs(e.substring(start + 1, close))));
  }

  private static List<String> splitArgs(String args) {
    String b = blank(args);
    List<String> out = new ArrayList<>();
    int depth = 0;
    int from = 0;
    for (int i = 0; i < b.length(); i++) {
      char c = b.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(args.substring(from, i).strip());
        from = i + 1;
      }
    }
    if (!args.isBlank()) {
      out.add(args.substring(from).strip());
    }
    return out;
  }

  private static boolean operandEndsBefore(String b, int i) {
    int j = i - 1;
    while (j >= 0 && Character.isWhitespace(b.charAt(j))) {
      j--;
    }
    if (j < 0) {
      return false;
    }
    char p = b.charAt(j);
    if (p == ')' || p == ']' || p == '}' || Character.isDigit(p)) {
      return true;
    }
    if (isIdentChar(p)) {
      int k = j;
      while (k >= 0 && isIdentChar(b.charAt(k))) {
        k--;
      }
      String word = b.substring(k + 1, j + 1);
      return !KEYWORDS.contains(word) || word.equals("inf") || word.equals("nan");
    }
    return false;
  }

  private static boolean isIdentChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }

  /** Index of the parenthesis closing the one at {@code open}, or -1. Ignores strings, {…}, […]. */
  static int matching(String e, int open) {
    String b = blank(e);
    int depth = 0;
    for (int i = open; i < b.length(); i++) {
      if (b.charAt(i) == '(') {
        depth++;
      } else if (b.charAt(i) == ')') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return -1;
  }

  /**
   * The expression with the insides of strings, label matchers {@code {…}} and ranges {@code […]}
   * replaced by spaces (same length), so operators and names inside them are not seen.
   */
  static String blank(String e) {
    char[] out = e.toCharArray();
    int i = 0;
    while (i < out.length) {
      char c = out[i];
      if (c == '"' || c == '\'' || c == '`') {
        int j = skipString(e, i);
        fill(out, i + 1, j - 1);
        i = j;
      } else if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        int j = i + 1;
        while (j < out.length && e.charAt(j) != close) {
          if (e.charAt(j) == '"' || e.charAt(j) == '\'' || e.charAt(j) == '`') {
            j = skipString(e, j);
          } else {
            j++;
          }
        }
        fill(out, i + 1, Math.min(j, out.length));
        i = j + 1;
      } else {
        i++;
      }
    }
    return new String(out);
  }

  private static int skipString(String e, int start) {
    char q = e.charAt(start);
    int j = start + 1;
    while (j < e.length() && e.charAt(j) != q) {
      if (e.charAt(j) == '\\' && q != '`') {
        j++;
      }
      j++;
    }
    return Math.min(j + 1, e.length());
  }

  private static void fill(char[] out, int from, int to) {
    for (int k = from; k < to; k++) {
      out[k] = ' ';
    }
  }
}
