-- Heartbeat table for drwatch's opt-in heartbeat collector
-- (collectors { heartbeat { enabled = true } } on every member of the cluster).
-- Run once as a superuser or the database owner on the primary, in the database the targets'
-- URLs name; table and grants replicate to the standbys.
--
-- One of drwatch's two opt-in writes (the other: config/endpoint-probe.sql): on the primary it upserts its own row (agent = the
-- heartbeat's `agent` option, default the agent's host name) with the agent's clock, in a
-- transaction with SET LOCAL synchronous_commit = local, on its own session
-- (application_name = drwatch-heartbeat); on standbys it only reads its own row back. One row per
-- agent, so two agents' clocks never mix.
-- Upgrading from the one-row table (id = 1): DROP TABLE drwatch.heartbeat; then run this file.
CREATE SCHEMA IF NOT EXISTS drwatch;
CREATE TABLE IF NOT EXISTS drwatch.heartbeat (
  agent      text PRIMARY KEY,
  written_at timestamptz NOT NULL
);
-- Nothing beyond this one table: USAGE to reach it, SELECT to read it back (and for the upsert's
-- conflict check), INSERT for the first heartbeat, UPDATE for every later one.
GRANT USAGE ON SCHEMA drwatch TO drwatch;
GRANT SELECT, INSERT, UPDATE ON drwatch.heartbeat TO drwatch;
