-- Least-privileged role for drwatch on CockroachDB 23.2-26.x. Run as an admin (cockroach sql).
-- System privileges, not admin: each one covers what one or two collectors read.
CREATE USER IF NOT EXISTS drwatch;
-- With TLS, give it a password (not possible on an --insecure cluster) or a client certificate:
-- ALTER USER drwatch WITH PASSWORD 'change-me';

-- crdb_liveness (gossip_liveness, gossip_nodes, kv_node_liveness), crdb_nodes (kv_node_status),
-- crdb_stores (kv_store_status), crdb_settings (gossip_nodes build tags), the cluster id
-- (node_build_info needs nothing).
GRANT SYSTEM VIEWCLUSTERMETADATA TO drwatch;
-- crdb_statements (crdb_internal.statement_statistics). VIEWACTIVITYREDACTED instead hides
-- constants in the statement text; drwatch only shows fingerprints anyway.
GRANT SYSTEM VIEWACTIVITY TO drwatch;
-- crdb_settings (crdb_internal.cluster_settings) and crdb_liveness (server.time_until_store_dead).
GRANT SYSTEM VIEWCLUSTERSETTING TO drwatch;
-- crdb_jobs and crdb_schedules (crdb_internal.jobs, crdb_internal.system_jobs). Without it the
-- views do not fail: they show only jobs drwatch itself owns (none), and backups look missing.
GRANT SYSTEM VIEWJOB TO drwatch;
-- crdb_schedules (system.scheduled_jobs).
GRANT SYSTEM VIEWSYSTEMTABLE TO drwatch;

-- drwatch sets these on every session itself; role defaults are a second fence.
ALTER ROLE drwatch SET default_transaction_read_only = on;
ALTER ROLE drwatch SET statement_timeout = '5s';

-- CockroachDB 26.1+ (and 25.4 where an operator closed it): crdb_internal and system.* are
-- restricted while allow_unsafe_internals is off, whatever the grants above. Without an opt-in
-- drwatch reads only the supported tables (statement statistics, zones); the other collectors
-- report "not allowed" once. To opt in, choose ONE of:
--   * per target in drwatch's config:   cockroach { allow-unsafe-internals = true }
--   * for the role, in CockroachDB:      ALTER ROLE drwatch SET allow_unsafe_internals = on;
-- Either way CockroachDB logs each access on its SENSITIVE_ACCESS channel, and calls the setting
-- "not recommended": the tables are unsupported and may change without notice.

-- Before 23.1.12 / 23.2, the gossip_* and kv_* views needed admin; drwatch supports 23.2+.
