-- +goose Up
-- Issue 13 parts 3 and 4: recertification and overdue escalation, both worked by the
-- periodic LMS sweep (jobs/lms_sweep.go).
--
-- certificates.reassigned_at: when the sweep re-assigned the learner because the
-- certificate entered its course's re-assign window (once per certificate; the certificate
-- itself is never changed otherwise, so its history stays).
ALTER TABLE certificates ADD COLUMN reassigned_at timestamptz;
CREATE INDEX certificates_recertification ON certificates (tenant_id, expires_at)
  WHERE expires_at IS NOT NULL AND reassigned_at IS NULL;

-- assignments.escalated_at / escalation: when the sweep handled the assignment's overdue
-- escalation and how: 'sent' (the learner's manager was mailed) or 'skipped' (no manager
-- to mail). Once per assignment (cleared when recertification re-opens it).
ALTER TABLE assignments
  ADD COLUMN escalated_at timestamptz,
  ADD COLUMN escalation   text CHECK (escalation IN ('sent','skipped')),
  ADD CONSTRAINT assignments_escalation_pair CHECK ((escalated_at IS NULL) = (escalation IS NULL));
CREATE INDEX assignments_escalation ON assignments (tenant_id, due_at)
  WHERE completed_at IS NULL AND escalated_at IS NULL AND due_at IS NOT NULL;

-- The tenant's settings its owners and admins change (a tenant may have no tenants row:
-- licences are the operator's). overdue_escalation_days: mail the learner's manager this
-- many days after an assignment's deadline (NULL: off; a course may override it).
CREATE TABLE tenant_settings (
  tenant_id               text        PRIMARY KEY CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  overdue_escalation_days integer     CHECK (overdue_escalation_days BETWEEN 1 AND 365),
  updated_at              timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE tenant_settings ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_settings FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_settings USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());
GRANT SELECT, INSERT, UPDATE ON tenant_settings TO learnd_app;

-- The sweep finds the tenants with work to do across tenants, like the mailer: a
-- transaction as learnd_app with learnd.sweeper = 'on' may read certificates and
-- assignments of every tenant (it reads only their tenant ids; the work itself runs in
-- each tenant's own scope).
CREATE POLICY sweeper_select ON certificates FOR SELECT USING (current_setting('learnd.sweeper', true) = 'on');
CREATE POLICY sweeper_select ON assignments FOR SELECT USING (current_setting('learnd.sweeper', true) = 'on');

-- +goose Down
DROP POLICY IF EXISTS sweeper_select ON assignments;
DROP POLICY IF EXISTS sweeper_select ON certificates;
DROP TABLE IF EXISTS tenant_settings;
DROP INDEX IF EXISTS assignments_escalation;
ALTER TABLE assignments DROP CONSTRAINT IF EXISTS assignments_escalation_pair,
  DROP COLUMN IF EXISTS escalation, DROP COLUMN IF EXISTS escalated_at;
DROP INDEX IF EXISTS certificates_recertification;
ALTER TABLE certificates DROP COLUMN IF EXISTS reassigned_at;
