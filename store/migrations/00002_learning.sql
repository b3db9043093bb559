-- +goose Up
-- Cohorts and assessments (seed 000) with the record envelope. Primary keys start with
-- tenant_id; references include it, so a row can never point into another tenant.
CREATE TABLE cohorts (
  tenant_id               text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id                      uuid        NOT NULL,
  app_id                  text,
  created_at              timestamptz NOT NULL,
  updated_at              timestamptz NOT NULL,
  created_by              uuid,
  updated_by              uuid,
  source                  text        NOT NULL DEFAULT 'edm',
  source_type             text        NOT NULL DEFAULT 'api' CHECK (source_type IN ('frontend','backend','server','system','api')),
  is_deleted              boolean     NOT NULL DEFAULT false,
  deleted_at              timestamptz,
  deleted_by              uuid,
  schema_version          integer     NOT NULL DEFAULT 1,
  version                 integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  group_id                uuid,
  program_id              text,
  name                    text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  start_date              timestamptz,
  end_date                timestamptz,
  status                  text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','scheduled','active','completed','archived')),
  session_count           integer     CHECK (session_count >= 0),
  facilitator_ids         jsonb       NOT NULL DEFAULT '[]',
  assigned_assessment_ids jsonb       NOT NULL DEFAULT '[]',
  completion_required_pct double precision CHECK (completion_required_pct BETWEEN 0 AND 100),
  current_completion_pct  double precision CHECK (current_completion_pct BETWEEN 0 AND 100),
  metadata                jsonb       NOT NULL DEFAULT '{}',
  tags                    jsonb       NOT NULL DEFAULT '[]',
  PRIMARY KEY (tenant_id, id),
  CHECK (end_date IS NULL OR start_date IS NULL OR end_date >= start_date),
  CHECK (is_deleted = (deleted_at IS NOT NULL))
);
CREATE INDEX cohorts_created   ON cohorts (tenant_id, created_at, id);
CREATE INDEX cohorts_updated   ON cohorts (tenant_id, updated_at, id);
CREATE INDEX cohorts_name      ON cohorts (tenant_id, name, id);
CREATE INDEX cohorts_start     ON cohorts (tenant_id, (coalesce(start_date, 'infinity'::timestamptz)), id);
CREATE INDEX cohorts_status    ON cohorts (tenant_id, status, created_at, id);
CREATE INDEX cohorts_program   ON cohorts (tenant_id, program_id, created_at, id);
CREATE INDEX cohorts_group     ON cohorts (tenant_id, group_id);
CREATE INDEX cohorts_tags      ON cohorts USING gin (tags jsonb_path_ops);
CREATE INDEX cohorts_name_trgm ON cohorts USING gin (name gin_trgm_ops);

CREATE TABLE assessments (
  tenant_id           text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id                  uuid        NOT NULL,
  app_id              text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  created_by          uuid,
  updated_by          uuid,
  source              text        NOT NULL DEFAULT 'edm',
  source_type         text        NOT NULL DEFAULT 'api' CHECK (source_type IN ('frontend','backend','server','system','api')),
  is_deleted          boolean     NOT NULL DEFAULT false,
  deleted_at          timestamptz,
  deleted_by          uuid,
  schema_version      integer     NOT NULL DEFAULT 1,
  version             integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  kind                text        NOT NULL CHECK (kind IN ('learning','grc_self_assessment','compliance_audit','customer_satisfaction','customer_health_check','customer_onboarding','skills','general')),
  name                text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description         text,
  responsible_user_id uuid,
  target_cohort_id    uuid,
  target_group_id     uuid,
  target_account_id   text,
  framework_ids       jsonb       NOT NULL DEFAULT '[]',
  control_ids         jsonb       NOT NULL DEFAULT '[]',
  questions           jsonb       NOT NULL DEFAULT '[]',
  question_bank_id    text,
  frequency           text        CHECK (frequency IN ('once','weekly','monthly','quarterly','semiannual','annual')),
  due_date            timestamptz,
  scheduled_start_at  timestamptz,
  status              text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','scheduled','open','closed','archived')),
  response_count      integer     NOT NULL DEFAULT 0 CHECK (response_count >= 0),
  completion_pct      double precision NOT NULL DEFAULT 0 CHECK (completion_pct BETWEEN 0 AND 100),
  findings            jsonb       NOT NULL DEFAULT '[]',
  recommendations     jsonb       NOT NULL DEFAULT '[]',
  assessment_tools    jsonb       NOT NULL DEFAULT '[]',
  output_document_id  text,
  tags                jsonb       NOT NULL DEFAULT '[]',
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, target_cohort_id) REFERENCES cohorts (tenant_id, id),
  CHECK (question_bank_id IS NULL OR questions = '[]'::jsonb),
  CHECK (is_deleted = (deleted_at IS NOT NULL))
);
CREATE INDEX assessments_created   ON assessments (tenant_id, created_at, id);
CREATE INDEX assessments_updated   ON assessments (tenant_id, updated_at, id);
CREATE INDEX assessments_name      ON assessments (tenant_id, name, id);
CREATE INDEX assessments_due       ON assessments (tenant_id, (coalesce(due_date, 'infinity'::timestamptz)), id);
CREATE INDEX assessments_status    ON assessments (tenant_id, status, created_at, id);
CREATE INDEX assessments_kind      ON assessments (tenant_id, kind, created_at, id);
CREATE INDEX assessments_cohort    ON assessments (tenant_id, target_cohort_id);
CREATE INDEX assessments_tags      ON assessments USING gin (tags jsonb_path_ops);
CREATE INDEX assessments_name_trgm ON assessments USING gin (name gin_trgm_ops);
CREATE INDEX assessments_desc_trgm ON assessments USING gin (description gin_trgm_ops);

-- Stored responses of creates made with an Idempotency-Key.
CREATE TABLE idempotency_keys (
  tenant_id     text        NOT NULL,
  key           text        NOT NULL,
  fingerprint   bytea       NOT NULL,
  state         text        NOT NULL CHECK (state IN ('pending','done')),
  status        integer,
  headers       jsonb,
  body          bytea,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Row-level security: every tenant table is visible only to its tenant (and, for an
-- application's token, only to rows of that application). FORCE makes it apply to the
-- table owner too; policies fail closed when learnd.tenant_id is unset.
ALTER TABLE cohorts ENABLE ROW LEVEL SECURITY;
ALTER TABLE cohorts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON cohorts
  USING (tenant_id = learnd_tenant() AND (learnd_app_id() IS NULL OR app_id = learnd_app_id()))
  WITH CHECK (tenant_id = learnd_tenant() AND (learnd_app_id() IS NULL OR app_id = learnd_app_id()));
ALTER TABLE assessments ENABLE ROW LEVEL SECURITY;
ALTER TABLE assessments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON assessments
  USING (tenant_id = learnd_tenant() AND (learnd_app_id() IS NULL OR app_id = learnd_app_id()))
  WITH CHECK (tenant_id = learnd_tenant() AND (learnd_app_id() IS NULL OR app_id = learnd_app_id()));
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON idempotency_keys
  USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());

-- No DELETE grant: records are soft-deleted. Idempotency keys expire and are purged.
GRANT SELECT, INSERT, UPDATE ON cohorts, assessments TO learnd_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO learnd_app;

-- +goose Down
DROP TABLE IF EXISTS idempotency_keys;
DROP TABLE IF EXISTS assessments;
DROP TABLE IF EXISTS cohorts;
