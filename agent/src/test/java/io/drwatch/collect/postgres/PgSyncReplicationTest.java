package io.drwatch.collect.postgres;

import static io.drwatch.collect.postgres.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Row;
import io.drwatch.fixture.Exposition;
import org.junit.jupiter.api.Test;

/**
 * The sync_replication collector: {@code synchronous_standby_names}, {@code synchronous_commit}
 * and the qualifying candidates → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class PgSyncReplicationTest {

  private static Row sync(String names, String commit, long candidates, long waiting) {
    return row("names", names, "synchronous_commit", commit, "candidates", candidates,
        "hidden", 0L, "waiting", waiting, "overrides", null);
  }

  @Test
  void numericStandbyNamesAreAPriorityListOfOne() throws Exception {
    // '1, 2' is legal (standby_name: NAME | NUM): FIRST 1 of standbys named 1 and 2
    String out = expose("sync_replication", PgSyncReplication.map(sync("1, 2", "on", 0, 0)));
    assertEquals("pg_replication_sync_standbys_required{target=\"pg-a\"} 1.0\n",
        Exposition.only(out, "pg_replication_sync_standbys_required{"));
    assertEquals("pg_replication_commits_would_block{target=\"pg-a\"} 1.0\n",
        Exposition.only(out, "pg_replication_commits_would_block{"));
  }

  @Test
  void synchronousCommitOverridesOfRolesAndDatabasesAreListed() throws Exception {
    Row r = row("names", "FIRST 1 (s1)", "synchronous_commit", "on", "candidates", 1L, "hidden", 0L,
        "waiting", 0L, "overrides", "[[\"\", \"batch\", \"LOCAL\"], [\"app\", \"\", \"false\"], "
            + "[\"app\", \"etl\", \"remote_apply\"]]");
    assertEquals("""
        pg_replication_sync_commit_override_info{database="",role="batch",synchronous_commit="local",target="pg-a"} 1
        pg_replication_sync_commit_override_info{database="app",role="",synchronous_commit="off",target="pg-a"} 1
        pg_replication_sync_commit_override_info{database="app",role="etl",synchronous_commit="remote_apply",target="pg-a"} 1
        """, Exposition.only(expose("sync_replication", PgSyncReplication.map(r)),
        "pg_replication_sync_commit_override_info{"));
  }

  @Test
  void firstTwoWithOneCandidateBlocks() throws Exception {
    assertEquals("""
        # TYPE pg_replication_commits_would_block gauge
        pg_replication_commits_would_block{target="pg-a"} 1.0
        # TYPE pg_replication_sync_config_info gauge
        pg_replication_sync_config_info{method="first",synchronous_commit="on",target="pg-a"} 1
        # TYPE pg_replication_sync_standbys_connected gauge
        pg_replication_sync_standbys_connected{target="pg-a"} 1.0
        # TYPE pg_replication_sync_standbys_required gauge
        pg_replication_sync_standbys_required{target="pg-a"} 2.0
        # TYPE pg_replication_syncrep_waiting_sessions gauge
        pg_replication_syncrep_waiting_sessions{target="pg-a"} 2.0
        """, expose("sync_replication", PgSyncReplication.map(sync("FIRST 2 (a,b)", "on", 1, 2))));
  }

  @Test
  void synchronousCommitLocalDoesNotBlock() throws Exception {
    assertEquals("""
        # TYPE pg_replication_commits_would_block gauge
        pg_replication_commits_would_block{target="pg-a"} 0.0
        # TYPE pg_replication_sync_config_info gauge
        pg_replication_sync_config_info{method="first",synchronous_commit="local",target="pg-a"} 1
        # TYPE pg_replication_sync_standbys_connected gauge
        pg_replication_sync_standbys_connected{target="pg-a"} 1.0
        # TYPE pg_replication_sync_standbys_required gauge
        pg_replication_sync_standbys_required{target="pg-a"} 2.0
        # TYPE pg_replication_syncrep_waiting_sessions gauge
        pg_replication_syncrep_waiting_sessions{target="pg-a"} 0.0
        """, expose("sync_replication", PgSyncReplication.map(sync("FIRST 2 (a,b)", "local", 1, 0))));
  }

  @Test
  void anyOneWithOneCandidateDoesNotBlock() throws Exception {
    assertEquals("""
        # TYPE pg_replication_commits_would_block gauge
        pg_replication_commits_would_block{target="pg-a"} 0.0
        # TYPE pg_replication_sync_config_info gauge
        pg_replication_sync_config_info{method="any",synchronous_commit="on",target="pg-a"} 1
        # TYPE pg_replication_sync_standbys_connected gauge
        pg_replication_sync_standbys_connected{target="pg-a"} 1.0
        # TYPE pg_replication_sync_standbys_required gauge
        pg_replication_sync_standbys_required{target="pg-a"} 1.0
        # TYPE pg_replication_syncrep_waiting_sessions gauge
        pg_replication_syncrep_waiting_sessions{target="pg-a"} 0.0
        """, expose("sync_replication", PgSyncReplication.map(sync("ANY 1 (a, b)", "on", 1, 0))));
  }

  @Test
  void emptySettingRequiresNone() throws Exception {
    assertEquals("""
        # TYPE pg_replication_commits_would_block gauge
        pg_replication_commits_would_block{target="pg-a"} 0.0
        # TYPE pg_replication_sync_config_info gauge
        pg_replication_sync_config_info{method="off",synchronous_commit="on",target="pg-a"} 1
        # TYPE pg_replication_sync_standbys_connected gauge
        pg_replication_sync_standbys_connected{target="pg-a"} 0.0
        # TYPE pg_replication_sync_standbys_required gauge
        pg_replication_sync_standbys_required{target="pg-a"} 0.0
        # TYPE pg_replication_syncrep_waiting_sessions gauge
        pg_replication_syncrep_waiting_sessions{target="pg-a"} 0.0
        """, expose("sync_replication", PgSyncReplication.map(sync("", "on", 0, 0))));
  }

  @Test
  void wouldBlockFollowsCandidatesAndCommitLevel() throws Exception {
    String block = "pg_replication_commits_would_block";
    assertEquals(block + "{target=\"pg-a\"} 1.0\n", Exposition.only(
        expose("sync_replication", PgSyncReplication.map(sync("ANY 2 (a, b, c)", "remote_apply", 1, 0))), block + "{"));
    assertEquals(block + "{target=\"pg-a\"} 1.0\n", Exposition.only(
        expose("sync_replication", PgSyncReplication.map(sync("s1", "remote_write", 0, 0))), block + "{"));
    assertEquals(block + "{target=\"pg-a\"} 0.0\n", Exposition.only(
        expose("sync_replication", PgSyncReplication.map(sync("FIRST 2 (a, b)", "on", 2, 0))), block + "{"));
    assertEquals(block + "{target=\"pg-a\"} 0.0\n", Exposition.only(
        expose("sync_replication", PgSyncReplication.map(sync("FIRST 2 (a, b)", "off", 0, 0))), block + "{"));
  }
}
