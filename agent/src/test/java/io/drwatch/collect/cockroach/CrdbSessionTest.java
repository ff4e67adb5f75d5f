package io.drwatch.collect.cockroach;

import static io.drwatch.collect.cockroach.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.target.CockroachInfo;
import io.drwatch.target.Flavor;
import io.drwatch.target.ServerInfo;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The crdb_session collector: the session's node and build tag → the session info.
 * Golden exposition text (see {@link Goldens}).
 */
class CrdbSessionTest {

  @Test
  void sessionInfoPrefersTheSessionsNodeAndTag() throws Exception {
    ServerInfo s = new ServerInfo(Flavor.COCKROACHDB, 240305, "24.3.5", false, null, null, null, true, Set.of(),
        new CockroachInfo("v24.3.5", 2L, null, CockroachInfo.InternalsAccess.RESTRICTED, true));
    assertEquals("""
        # TYPE crdb_session_info gauge
        crdb_session_info{build_tag="v24.3.5",cluster_id="",internals_access="restricted",node_id="3",target="crdb-1"} 1
        """, expose("crdb_session", CrdbSession.map(row("node_id", "3",
        "crdb_version", "CockroachDB CCL v24.3.5 (x86_64-pc-linux-gnu, built 2025/01/30 17:46:42, go1.22.8)"), s)));
  }
}
