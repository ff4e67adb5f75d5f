package io.drwatch.target;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which databases, by name: match and exclude glob patterns (in HOCON {@code include} is a
 * keyword, hence {@code match}) ({@code *} any run of characters,
 * {@code ?} one character, everything else literal and case-sensitive). A database is selected
 * when it matches a match pattern and no exclude pattern.
 */
public record DatabaseFilter(List<String> include, List<String> exclude) {

  public static final DatabaseFilter ALL = new DatabaseFilter(List.of("*"), List.of());

  public DatabaseFilter {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
  }

  public static DatabaseFilter only(String datname) {
    return new DatabaseFilter(List.of(quote(datname)), List.of());
  }

  public boolean matches(String datname) {
    return include.stream().anyMatch(p -> glob(p).matcher(datname).matches())
        && exclude.stream().noneMatch(p -> glob(p).matcher(datname).matches());
  }

  /**
   * Reads {@code all}, a list of patterns, or {@code { match = […], exclude = […] }}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static DatabaseFilter fromConfig(ConfigValue v) {
    if (v.valueType() == ConfigValueType.STRING) {
      if ("all".equals(v.unwrapped())) {
        return ALL;
      }
      throw new IllegalArgumentException("must be \"all\", a list of name patterns, or "
          + "{ match = [...], exclude = [...] }, not \"" + v.unwrapped() + "\"");
    }
    if (v instanceof ConfigList list) {
      return new DatabaseFilter(patterns(list, "databases"), List.of());
    }
    if (v instanceof ConfigObject o) {
      for (String k : o.keySet()) {
        if (!Set.of("match", "exclude").contains(k)) {
          throw new IllegalArgumentException("unknown key " + k + " (allowed: exclude, match)");
        }
      }
      List<String> include = o.containsKey("match") ? patterns(o.get("match"), "match") : List.of("*");
      List<String> exclude = o.containsKey("exclude") ? patterns(o.get("exclude"), "exclude") : List.of();
      return new DatabaseFilter(include, exclude);
    }
    throw new IllegalArgumentException("must be \"all\", a list of name patterns, or "
        + "{ match = [...], exclude = [...] }");
  }

  private static List<String> patterns(ConfigValue v, String what) {
    if (!(v instanceof ConfigList list)) {
      throw new IllegalArgumentException(what + " must be a list of name patterns");
    }
    List<String> out = new ArrayList<>();
    for (ConfigValue item : list) {
      if (item.valueType() != ConfigValueType.STRING || ((String) item.unwrapped()).isEmpty()) {
        throw new IllegalArgumentException(what + " must be a list of non-empty name patterns");
      }
      out.add((String) item.unwrapped());
    }
    if (out.isEmpty() && !what.equals("exclude")) {
      throw new IllegalArgumentException(what + " must name at least one pattern");
    }
    return out;
  }

  private static Pattern glob(String pattern) {
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '\\' && i + 1 < pattern.length()) {
        literal.append(pattern.charAt(++i));
      } else if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  /** A pattern matching exactly this name (wildcards escaped). */
  static String quote(String name) {
    return name.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?");
  }

  @Override
  public String toString() {
    return "match " + include + (exclude.isEmpty() ? "" : " exclude " + exclude);
  }
}
