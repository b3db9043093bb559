-- +goose Up
-- AI course generation jobs (issue 4): one row per POST /api/v2/ai/courses/generate, written
-- in the same tenant transaction as its river job (kind "generate_course", args carrying
-- tenant_id and the job id), so the row and its job commit together. The worker, on any
-- replica, acts as the requester: requested_by, role, key_id, app_id and surface are the
-- principal of the original request (for row-level security and the audit log), request_id
-- its request. status: queued → running → completed (course_id set) or failed (error set).
-- The course is not a foreign key: courses are soft-deleted, and a job's result is history.
CREATE TABLE generation_jobs (
  tenant_id    text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id           uuid        NOT NULL,
  status       text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','completed','failed')),
  prompt       text        NOT NULL CHECK (length(prompt) BETWEEN 1 AND 10000),
  session_id   uuid,
  options      jsonb       NOT NULL DEFAULT '{}',
  requested_by uuid        NOT NULL,
  role         text        NOT NULL,
  key_id       uuid,
  app_id       text,
  surface      text        NOT NULL DEFAULT 'api',
  request_id   text,
  course_id    uuid,
  error        text,
  attempts     integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at   timestamptz NOT NULL,
  started_at   timestamptz,
  finished_at  timestamptz,
  PRIMARY KEY (tenant_id, id),
  CHECK (status <> 'completed' OR course_id IS NOT NULL),
  CHECK (status <> 'failed' OR error IS NOT NULL)
);
CREATE INDEX generation_jobs_requester ON generation_jobs (tenant_id, requested_by, created_at);
CREATE INDEX generation_jobs_course ON generation_jobs (tenant_id, course_id) WHERE course_id IS NOT NULL;
ALTER TABLE generation_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE generation_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON generation_jobs USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());
GRANT SELECT, INSERT, UPDATE ON generation_jobs TO learnd_app;

-- +goose Down
DROP TABLE IF EXISTS generation_jobs;
