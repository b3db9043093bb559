-- +goose Up
-- The job queue (riverqueue/river). River's own migrations create its tables before these
-- run (store.Migrate). A tenant transaction (role learnd_app) inserts jobs next to the rows
-- they concern, so a job commits or rolls back with its change (the mail outbox): it needs
-- to insert into river_job, read back what it inserted (RETURNING), and take the job id
-- sequence. The column UPDATE is river's no-op ON CONFLICT DO UPDATE of unique jobs.
-- Workers and maintenance run as the connecting owner, which row-level security does not
-- restrict (ENABLE without FORCE); for learnd_app, a job is visible only to the tenant
-- named in its args ("tenant_id"), which every job inserted from a tenant transaction
-- carries.
GRANT SELECT, INSERT ON river_job TO learnd_app;
GRANT UPDATE (kind) ON river_job TO learnd_app;
GRANT USAGE ON SEQUENCE river_job_id_seq TO learnd_app;
ALTER TABLE river_job ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_jobs ON river_job TO learnd_app
  USING (args->>'tenant_id' = learnd_tenant()) WITH CHECK (args->>'tenant_id' = learnd_tenant());

-- +goose Down
DROP POLICY IF EXISTS tenant_jobs ON river_job;
ALTER TABLE river_job DISABLE ROW LEVEL SECURITY;
REVOKE USAGE ON SEQUENCE river_job_id_seq FROM learnd_app;
REVOKE UPDATE (kind) ON river_job FROM learnd_app;
REVOKE SELECT, INSERT ON river_job FROM learnd_app;
