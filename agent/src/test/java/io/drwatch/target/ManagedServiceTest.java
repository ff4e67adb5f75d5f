package io.drwatch.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ManagedServiceTest {

  @Test
  void markersNameTheService() {
    // Aurora 10.7's SHOW rds.extensions lists both Aurora extensions; either one marks Aurora.
    assertEquals(ManagedService.AURORA, ManagedService.classify(
        "address_standardizer,apg_plan_mgmt,aurora_stat_utils,aws_commons,pg_stat_statements", null, "rds_superuser"));
    assertEquals(ManagedService.AURORA, ManagedService.classify("apg_plan_mgmt,pgcrypto", null, null));
    assertEquals(ManagedService.RDS, ManagedService.classify("pg_stat_statements,pgcrypto", null, "rds_superuser"));
    assertEquals(ManagedService.RDS, ManagedService.classify("", null, null));
    assertEquals(ManagedService.RDS, ManagedService.classify(null, null, "rds_superuser"));
    assertEquals(ManagedService.CLOUD_SQL, ManagedService.classify(null, null, "cloudsqlsuperuser"));
    assertEquals(ManagedService.AZURE_FLEXIBLE, ManagedService.classify(null, null, "azure_pg_admin"));
    assertEquals(ManagedService.AZURE_FLEXIBLE, ManagedService.classify(null, "pg_cron,postgis", null));
    assertEquals(ManagedService.NONE, ManagedService.classify(null, null, null));
  }

  @Test
  void ownDatabasesAreLeftOutBySqlCondition() {
    assertEquals("true", ManagedService.NONE.excludeOwnDatabases("datname"));
    assertEquals("d.datname NOT IN ('rdsadmin')", ManagedService.AURORA.excludeOwnDatabases("d.datname"));
    assertEquals("datname NOT IN ('azure_maintenance','azure_sys')",
        ManagedService.AZURE_FLEXIBLE.excludeOwnDatabases("datname"));
    assertTrue(ManagedService.CLOUD_SQL.isOwnDatabase("cloudsqladmin"));
    assertFalse(ManagedService.RDS.isOwnDatabase("postgres"));
  }

  @Test
  void onlyAManagedServiceForbidsAndAuroraAlsoItsWalControlFunctions() {
    SQLException unsupported = new SQLException("Function pg_stat_get_wal() is currently not supported for Aurora", "0A000");
    SQLException denied = new SQLException("permission denied for function pg_ls_waldir", "42501");
    SQLException walLevel = new SQLException("wal_level must be set to 'logical'", "55000");
    SQLException timeout = new SQLException("canceling statement due to statement timeout", "57014");
    assertTrue(ManagedService.AURORA.forbids(unsupported));
    assertTrue(ManagedService.AURORA.forbids(denied));
    assertTrue(ManagedService.AURORA.forbids(walLevel));
    assertFalse(ManagedService.AURORA.forbids(timeout));
    assertTrue(ManagedService.RDS.forbids(denied));
    assertFalse(ManagedService.RDS.forbids(walLevel), "55000 on RDS is a real problem, not a service rule");
    assertFalse(ManagedService.NONE.forbids(unsupported), "a self-managed server's refusals are the operator's to fix");
    assertFalse(ManagedService.NONE.forbids(denied));
  }

  @Test
  void auroraProbeCallsNoWalControlFunction() {
    String probe = ServerDetector.AURORA_PROBE;
    assertFalse(probe.contains("pg_current_wal_lsn"), probe);
    assertFalse(probe.contains("pg_control_"), probe);
    assertFalse(probe.contains("pg_stat_wal_receiver"), probe);
    assertFalse(probe.contains("pg_last_wal_"), probe);
    assertTrue(ServerDetector.PG_PROBE.contains("pg_current_wal_lsn"), "the regular probe is unchanged");
    // The same columns in the same order, so that one mapping reads both.
    assertEquals(columns(ServerDetector.PG_PROBE), columns(probe));
  }

  private static java.util.List<String> columns(String sql) {
    java.util.List<String> out = new java.util.ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bAS (\\w+)(,|$)", java.util.regex.Pattern.MULTILINE).matcher(sql);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
