package io.drwatch.truth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table of {@code docs/dr-accuracy.md}: per scenario, what the databases lost and what drwatch
 * said just before and just after the failure, with the verdict against the stated bounds. The
 * failure-truth suite writes it; {@code DrAccuracyDocTest} keeps the committed file in its format.
 */
public final class DrAccuracy {

  private DrAccuracy() {}

  public static final Path DOC = Path.of("..", "docs", "dr-accuracy.md");
  public static final String BEGIN = "<!-- dr-accuracy:begin (written by FailureTruthIT) -->";
  public static final String END = "<!-- dr-accuracy:end -->";

  public static final List<String> COLUMNS = List.of("scenario", "promoted", "drwatch's candidate",
      "acked commits lost", "truth bytes", "truth s", "before bytes", "before s", "after bytes", "after s",
      "writer unseen bytes", "WAL per interval", "catch-up est. s", "promote to write s", "verdict");

  /** One scenario's outcome; seconds and bytes as measured, verdict "within" or why not. */
  record Row(String scenario, String promoted, String candidate, int lostCommits, double truthBytes,
      double truthSeconds, Double beforeBytes, Double beforeSeconds, Double afterBytes, Double afterSeconds,
      double unseenBytes, double walPerInterval, Double catchupSeconds, double promoteToWriteSeconds,
      String verdict) {

    List<String> cells() {
      return List.of(scenario, promoted, candidate, Integer.toString(lostCommits), bytes(truthBytes),
          secs(truthSeconds), bytes(beforeBytes), secs(beforeSeconds), bytes(afterBytes), secs(afterSeconds),
          bytes(unseenBytes), bytes(walPerInterval), secs(catchupSeconds), secs(promoteToWriteSeconds), verdict);
    }
  }

  static String bytes(Double b) {
    return b == null ? "–" : String.format(Locale.ROOT, "%,.0f", b);
  }

  static String secs(Double s) {
    return s == null ? "–" : String.format(Locale.ROOT, "%.2f", s);
  }

  static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n");
    sb.append("|").append(" --- |".repeat(COLUMNS.size())).append("\n");
    for (Row r : rows) {
      sb.append("| ").append(String.join(" | ", r.cells())).append(" |\n");
    }
    return sb.toString();
  }

  /** Replaces the rows of the scenarios given (others are kept) between the markers of the doc. */
  static synchronized void write(List<Row> rows, String runLine) throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    int b = doc.indexOf(BEGIN);
    int e = doc.indexOf(END);
    if (b < 0 || e < b) {
      throw new IOException(DOC + " lacks the markers " + BEGIN + " / " + END);
    }
    List<List<String>> kept = new ArrayList<>();
    for (List<String> cells : parse(doc.substring(b, e))) {
      if (rows.stream().noneMatch(r -> r.scenario().equals(cells.get(0)))) {
        kept.add(cells);
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n");
    sb.append("|").append(" --- |".repeat(COLUMNS.size())).append("\n");
    for (List<String> cells : kept) {
      sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    for (Row r : rows) {
      sb.append("| ").append(String.join(" | ", r.cells())).append(" |\n");
    }
    String out = doc.substring(0, b) + BEGIN + "\n" + runLine + "\n\n" + sb + doc.substring(e);
    Files.writeString(DOC, out, StandardCharsets.UTF_8);
  }

  /** The data rows of the table in a piece of markdown (header and separator excluded). */
  public static List<List<String>> parse(String markdown) {
    List<List<String>> rows = new ArrayList<>();
    boolean header = true;
    for (String line : markdown.split("\n")) {
      if (!line.startsWith("|")) {
        continue;
      }
      List<String> cells = cells(line);
      if (header) {
        header = false;
        continue;
      }
      if (cells.stream().allMatch(c -> c.matches(":?-+:?"))) {
        continue;
      }
      rows.add(cells);
    }
    return rows;
  }

  public static List<String> cells(String line) {
    String inner = line.trim();
    inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
    List<String> out = new ArrayList<>();
    for (String c : inner.split("\\|", -1)) {
      out.add(c.trim());
    }
    return out;
  }
}
