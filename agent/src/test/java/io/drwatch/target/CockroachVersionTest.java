package io.drwatch.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** CockroachDB's version() string and the gate's on/off values, as detection reads them. */
class CockroachVersionTest {

  @Test
  void versionStrings() throws SQLException {
    var v = ServerDetector.parseCockroach(
        "CockroachDB CCL v23.1.2 (x86_64-apple-darwin19, built 2023/05/25 16:10:39, go1.19.4)");
    assertEquals(new ServerDetector.Version(230102, "23.1.2", "v23.1.2"), v);
    assertEquals(260100, ServerDetector.parseCockroach("CockroachDB OSS v26.1.0 (aarch64-unknown-linux-gnu, …)").num());
    var pre = ServerDetector.parseCockroach("CockroachDB CCL v25.1.0-alpha.2 (x86_64-pc-linux-gnu, built …)");
    assertEquals(250100, pre.num());
    assertEquals("v25.1.0-alpha.2", pre.tag());
    assertEquals("25.1.0-alpha.2", pre.text());
  }

  @Test
  void somethingElseIsAClearError() {
    SQLException e = assertThrows(SQLException.class,
        () -> ServerDetector.parseCockroach("PostgreSQL 16.4 on x86_64-pc-linux-gnu"));
    assertTrue(e.getMessage().contains("cannot parse the CockroachDB version"), e.getMessage());
    assertThrows(SQLException.class, () -> ServerDetector.parseCockroach(null));
  }

  @Test
  void versionGates() {
    ServerInfo s = new ServerInfo(Flavor.COCKROACHDB, 240305, "24.3.5", false, null, null, null, true, Set.of(), null);
    assertTrue(s.atLeast(24, 1) && s.atLeast(24, 3) && !s.atLeast(25, 1));
    assertEquals(24, s.majorVersion());
    assertTrue(s.isCockroach() && !s.isPostgres());
  }

  @Test
  void gateValues() {
    assertTrue(ServerDetector.isOn("on") && ServerDetector.isOn("TRUE") && ServerDetector.isOn(" yes "));
    assertFalse(ServerDetector.isOn("off") || ServerDetector.isOn("false") || ServerDetector.isOn(""));
  }

  @Test
  void accessModes() {
    assertFalse(CockroachInfo.InternalsAccess.RESTRICTED.allowsUnsupported());
    assertTrue(CockroachInfo.InternalsAccess.OPTED_IN.allowsUnsupported());
    assertEquals("session_default", CockroachInfo.InternalsAccess.SESSION_DEFAULT.label());
  }
}
