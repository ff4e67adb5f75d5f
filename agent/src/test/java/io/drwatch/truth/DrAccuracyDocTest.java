package io.drwatch.truth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/dr-accuracy.md is the failure-truth suite's table: it has the suite's columns, a row for
 * every scenario the suite runs, numbers in every numeric cell, and every verdict within bounds.
 * The suite rewrites it; this keeps a hand edit or a renamed scenario from leaving it stale.
 */
class DrAccuracyDocTest {

  @Test
  void theCommittedTableIsTheSuitesLastRun() throws Exception {
    String doc = Files.readString(DrAccuracy.DOC, StandardCharsets.UTF_8);
    int b = doc.indexOf(DrAccuracy.BEGIN);
    int e = doc.indexOf(DrAccuracy.END);
    assertTrue(b >= 0 && e > b, "markers missing in " + DrAccuracy.DOC);
    String section = doc.substring(b, e);
    assertTrue(section.lines().anyMatch(l -> l.startsWith("Last run: ")), "no 'Last run:' line");
    String header = section.lines().filter(l -> l.startsWith("|")).findFirst().orElseThrow();
    assertEquals(DrAccuracy.COLUMNS, DrAccuracy.cells(header), "columns");
    List<List<String>> rows = DrAccuracy.parse(section);
    Set<String> scenarios = rows.stream().map(r -> r.get(0)).collect(Collectors.toSet());
    assertTrue(scenarios.containsAll(FailureTruthIT.SCENARIOS),
        "scenarios without a row: " + FailureTruthIT.SCENARIOS.stream().filter(s -> !scenarios.contains(s)).toList());
    for (List<String> r : rows) {
      assertEquals(DrAccuracy.COLUMNS.size(), r.size(), "cells in " + r);
      assertEquals("within", r.get(r.size() - 1), "verdict of " + r.get(0));
      for (int i = 3; i < r.size() - 1; i++) {
        assertTrue(r.get(i).matches("–|-?[0-9][0-9,]*(\\.[0-9]+)?"), "not a number: " + r.get(i) + " in " + r);
      }
    }
  }
}
