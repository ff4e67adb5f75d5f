-- Least-privileged role for drwatch on PostgreSQL 13-18. Run as a superuser on the primary;
-- roles replicate to standbys.
--
-- pg_monitor gives: full rows of pg_stat_replication / pg_stat_wal_receiver / pg_stat_activity
-- (pg_read_all_stats), superuser-only settings (pg_read_all_settings), and
-- pg_ls_archive_statusdir() for the .ready backlog. Without it the replication details are NULL
-- and drwatch says so once in its log.
CREATE ROLE drwatch LOGIN PASSWORD 'change-me';   -- or use cert / peer auth and no password
GRANT pg_monitor TO drwatch;
-- drwatch sets these on every session itself; the role defaults are a second fence.
ALTER ROLE drwatch SET default_transaction_read_only = on;
ALTER ROLE drwatch SET statement_timeout = '5s';
ALTER ROLE drwatch SET lock_timeout = '1s';
-- The opt-in heartbeat collector needs one writable table besides: config/heartbeat.sql.
-- pg_hba.conf, for example:
--   hostssl postgres drwatch 10.0.9.0/24 scram-sha-256
