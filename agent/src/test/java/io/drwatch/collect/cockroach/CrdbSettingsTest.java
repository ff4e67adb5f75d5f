package io.drwatch.collect.cockroach;

import static io.drwatch.collect.cockroach.Goldens.expose;
import static io.drwatch.fixture.Rows.row;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.drwatch.collect.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crdb_settings collector: cluster settings, build tags and the default zone → samples.
 * Golden exposition text (see {@link Goldens}).
 */
class CrdbSettingsTest {

  @Test
  void settingsInBaseUnitsWithDrift() throws Exception {
    List<Row> settings = List.of(
        row("variable", "cluster.preserve_downgrade_option", "value", "24.3", "type", "s", "default_value", "",
            "origin", "override"),
        row("variable", "kv.rangefeed.enabled", "value", "false", "type", "b", "default_value", "false", "origin", "default"),
        row("variable", "server.time_until_store_dead", "value", "15m0s", "type", "d", "default_value", "5m0s",
            "origin", "override"),
        row("variable", "version", "value", "24.3", "type", "m", "default_value", "24.3", "origin", "default"));
    List<Row> tags = List.of(row("build_tag", "v24.3.5"), row("build_tag", "v25.1.0"), row("build_tag", "v24.3.5"));
    List<Row> zone = List.of(row("full_config_yaml", "range_min_bytes: 134217728\ngc:\n  ttlseconds: 90000\nnum_replicas: 3\nnum_voters: null\n"));
    assertEquals("""
        # TYPE crdb_cluster_binary_versions gauge
        crdb_cluster_binary_versions{target="crdb-1"} 2.0
        # TYPE crdb_cluster_upgrade_pending gauge
        crdb_cluster_upgrade_pending{target="crdb-1"} 1.0
        # TYPE crdb_cluster_version_info gauge
        crdb_cluster_version_info{target="crdb-1",version="24.3"} 1
        # TYPE crdb_setting_info gauge
        crdb_setting_info{default_value="",origin="override",target="crdb-1",value="24.3",variable="cluster.preserve_downgrade_option"} 1
        crdb_setting_info{default_value="24.3",origin="default",target="crdb-1",value="24.3",variable="version"} 1
        crdb_setting_info{default_value="5m0s",origin="override",target="crdb-1",value="15m0s",variable="server.time_until_store_dead"} 1
        crdb_setting_info{default_value="false",origin="default",target="crdb-1",value="false",variable="kv.rangefeed.enabled"} 1
        # TYPE crdb_setting_non_default gauge
        crdb_setting_non_default{target="crdb-1",variable="cluster.preserve_downgrade_option"} 1.0
        crdb_setting_non_default{target="crdb-1",variable="kv.rangefeed.enabled"} 0.0
        crdb_setting_non_default{target="crdb-1",variable="server.time_until_store_dead"} 1.0
        crdb_setting_non_default{target="crdb-1",variable="version"} 0.0
        # TYPE crdb_settings_rangefeed_enabled gauge
        crdb_settings_rangefeed_enabled{target="crdb-1"} 0.0
        # TYPE crdb_settings_time_until_store_dead_seconds gauge
        crdb_settings_time_until_store_dead_seconds{target="crdb-1"} 900.0
        # TYPE crdb_zone_default_gc_ttl_seconds gauge
        crdb_zone_default_gc_ttl_seconds{target="crdb-1"} 90000.0
        # TYPE crdb_zone_default_num_replicas gauge
        crdb_zone_default_num_replicas{target="crdb-1"} 3.0
        """, expose("crdb_settings", CrdbSettings.map(settings, tags, zone)));
    assertEquals(32.0 * 1024 * 1024, CrdbSettings.numeric("z", "32 MiB"));
    assertEquals(8.0, CrdbSettings.numeric("i", "8"));
    assertEquals(null, CrdbSettings.numeric("e", "auto"));
    assertEquals(null, CrdbSettings.yamlNumber("num_voters: null\n", "num_voters"));
  }
}
