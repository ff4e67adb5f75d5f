-- Table for the opt-in write probe of writer endpoints (endpoints = [{ …, write-probe = true }],
-- docs/endpoints.md). Run once as a superuser or the database owner on the primary, in the
-- database the endpoints' URLs name; table and grants replicate to the standbys.
--
-- Each probe of such an endpoint that found a writable server upserts the endpoint's own row
-- (endpoint = its name) in a transaction with SET LOCAL synchronous_commit = local, so it never
-- waits for a synchronous standby. One row per endpoint, updated in place.
CREATE SCHEMA IF NOT EXISTS drwatch;
CREATE TABLE IF NOT EXISTS drwatch.endpoint_probe (
  endpoint   text PRIMARY KEY,
  written_at timestamptz NOT NULL
);
-- USAGE to reach it, SELECT for the upsert's conflict check, INSERT for the first write, UPDATE
-- for every later one.
GRANT USAGE ON SCHEMA drwatch TO drwatch;
GRANT SELECT, INSERT, UPDATE ON drwatch.endpoint_probe TO drwatch;
