package io.drwatch.target;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The database part of a {@code jdbc:postgresql://hosts/database?params} URL. */
public final class JdbcUrls {

  private static final String PREFIX = "jdbc:postgresql://";

  private JdbcUrls() {}

  /** The same servers and parameters, another database (percent-encoded as pgJDBC decodes it). */
  public static String withDatabase(String url, String database) {
    int[] span = databaseSpan(url);
    String encoded = URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    boolean slash = span[0] > 0 && url.charAt(span[0] - 1) == '/';
    return url.substring(0, span[0]) + (slash ? "" : "/") + encoded + url.substring(span[1]);
  }

  /** The database named in the URL, or null when it names none (the driver then uses the user). */
  public static String database(String url) {
    int[] span = databaseSpan(url);
    if (span[0] == span[1]) {
      return null;
    }
    return URLDecoder.decode(url.substring(span[0], span[1]), StandardCharsets.UTF_8);
  }

  /** [start, end) of the database name; start == end when absent (at the insertion point). */
  private static int[] databaseSpan(String url) {
    if (!url.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a jdbc:postgresql:// URL");
    }
    int query = url.indexOf('?', PREFIX.length());
    int end = query < 0 ? url.length() : query;
    int slash = url.indexOf('/', PREFIX.length());
    if (slash < 0 || slash > end) {
      return new int[] {end, end};
    }
    return new int[] {slash + 1, end};
  }
}
