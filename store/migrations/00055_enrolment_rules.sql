-- +goose Up
-- Issue 13 item 2: enrolment rules. A rule assigns its courses and chains to every active
-- user whose attributes (users.attributes, plus location) meet its conditions, due
-- due_in_days after the person matches. Evaluated when a user is created or changed and
-- when a rule is created, enabled or changed (back-fill).
--
-- conditions: a JSON array of {attribute, op, value | values}; all must hold.
CREATE TABLE enrolment_rules (
  tenant_id   text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id          uuid        NOT NULL,
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  conditions  jsonb       NOT NULL CHECK (jsonb_typeof(conditions) = 'array' AND jsonb_array_length(conditions) BETWEEN 1 AND 20),
  course_ids  uuid[]      NOT NULL DEFAULT '{}' CHECK (cardinality(course_ids) <= 50),
  chain_ids   uuid[]      NOT NULL DEFAULT '{}' CHECK (cardinality(chain_ids) <= 20),
  due_in_days integer     NOT NULL CHECK (due_in_days BETWEEN 1 AND 3650),
  enabled     boolean     NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  created_by  uuid,
  updated_by  uuid,
  version     integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  PRIMARY KEY (tenant_id, id),
  CHECK (cardinality(course_ids) + cardinality(chain_ids) >= 1)
);
CREATE INDEX enrolment_rules_name ON enrolment_rules (tenant_id, lower(name), id);
ALTER TABLE enrolment_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE enrolment_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON enrolment_rules USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON enrolment_rules TO learnd_app;

-- enrolment_grants: what a rule assigned to whom (one row per rule, user and course). A
-- rule never assigns a (user, course) it assigned once again, even after the assignment
-- went; leaving a rule's scope deletes nothing. Rows outlive their rule (no foreign key)
-- so the history stays.
CREATE TABLE enrolment_grants (
  tenant_id     text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  rule_id       uuid        NOT NULL,
  user_id       uuid        NOT NULL,
  course_id     uuid        NOT NULL,
  chain_id      uuid,
  assignment_id uuid        NOT NULL,
  granted_at    timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, rule_id, user_id, course_id)
);
CREATE INDEX enrolment_grants_user ON enrolment_grants (tenant_id, user_id);
ALTER TABLE enrolment_grants ENABLE ROW LEVEL SECURITY;
ALTER TABLE enrolment_grants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON enrolment_grants USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());
GRANT SELECT, INSERT ON enrolment_grants TO learnd_app;

-- +goose Down
DROP TABLE IF EXISTS enrolment_grants;
DROP TABLE IF EXISTS enrolment_rules;
