-- +goose Up
-- Responses to v1 assessments (seed 000, issue 3): one per respondent and assessment (a
-- resubmission replaces it), with the answers as submitted, each with the score it earned,
-- and the totals. Visibility follows the assessment: the API reaches responses only through
-- an assessment the caller can see (tenant, application, not deleted); row-level security
-- isolates tenants.
CREATE TABLE assessment_responses (
  tenant_id     text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id            uuid        NOT NULL,
  assessment_id uuid        NOT NULL,
  respondent_id uuid        NOT NULL,
  app_id        text,
  answers       jsonb       NOT NULL DEFAULT '[]',
  score         double precision NOT NULL CHECK (score >= 0),
  max_score     double precision NOT NULL CHECK (max_score >= 0),
  submitted_at  timestamptz NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  version       integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, assessment_id, respondent_id),
  FOREIGN KEY (tenant_id, assessment_id) REFERENCES assessments (tenant_id, id),
  CHECK (score <= max_score)
);
-- The list orders (created_at, score) within one assessment, with id as tie-breaker.
CREATE INDEX assessment_responses_created ON assessment_responses (tenant_id, assessment_id, created_at, id);
CREATE INDEX assessment_responses_score ON assessment_responses (tenant_id, assessment_id, score, id);

ALTER TABLE assessment_responses ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessment_responses FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON assessment_responses
  USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());

-- No DELETE grant: a response is replaced, never removed.
GRANT SELECT, INSERT, UPDATE ON assessment_responses TO learnd_app;

-- +goose Down
DROP TABLE IF EXISTS assessment_responses;
