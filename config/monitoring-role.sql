-- Least-privileged role for drwatch on PostgreSQL 13-18. Run as a superuser on the primary;
-- roles replicate to standbys.
--
-- pg_monitor gives: full rows of pg_stat_replication / pg_stat_wal_receiver / pg_stat_activity /
-- pg_stat_statements (pg_read_all_stats), superuser-only settings (pg_read_all_settings),
-- pg_database_size() on every database, and pg_ls_archive_statusdir() for the .ready backlog.
-- Without it the replication details are NULL, other roles' statements and sessions are hidden,
-- and drwatch says so once in its log. Every collector works with pg_monitor and nothing more.
CREATE ROLE drwatch LOGIN PASSWORD 'change-me';   -- or use cert / peer auth and no password
GRANT pg_monitor TO drwatch;
-- drwatch sets these on every session itself; the role defaults are a second fence.
ALTER ROLE drwatch SET default_transaction_read_only = on;
ALTER ROLE drwatch SET statement_timeout = '5s';
ALTER ROLE drwatch SET lock_timeout = '1s';
-- The opt-in heartbeat collector needs one writable table besides: config/heartbeat.sql.
-- Statement statistics (the `statements` collector) need the extension, which only a superuser
-- can set up: preload it (postgresql.conf, then restart)
--   shared_preload_libraries = 'pg_stat_statements'
-- and create it in the database drwatch connects to (its data is cluster-wide, so one database
-- is enough; drwatch reads it from the connected database only):
--   CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
-- After pg_upgrade, `ALTER EXTENSION pg_stat_statements UPDATE;` brings the newest columns
-- (drwatch also reads older extension versions). Optional, for I/O times in the statement,
-- database and io families: track_io_timing = on.
-- pg_hba.conf, for example:
--   hostssl postgres drwatch 10.0.9.0/24 scram-sha-256
