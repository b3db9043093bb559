-- +goose Up
-- 1. The application clause of the tenant policies was written "(app IS NULL OR app_id =
--    app)", which the planner estimates to keep ~0.5% of a tenant's rows; it then chose a
--    bitmap scan plus a sort of the whole tenant for every list, never the order indexes.
--    The CASE form means the same and is estimated correctly.
ALTER POLICY tenant_isolation ON cohorts
  USING (tenant_id = learnd_tenant() AND CASE WHEN learnd_app_id() IS NULL THEN true ELSE app_id = learnd_app_id() END)
  WITH CHECK (tenant_id = learnd_tenant() AND CASE WHEN learnd_app_id() IS NULL THEN true ELSE app_id = learnd_app_id() END);
ALTER POLICY tenant_isolation ON assessments
  USING (tenant_id = learnd_tenant() AND CASE WHEN learnd_app_id() IS NULL THEN true ELSE app_id = learnd_app_id() END)
  WITH CHECK (tenant_id = learnd_tenant() AND CASE WHEN learnd_app_id() IS NULL THEN true ELSE app_id = learnd_app_id() END);

-- 2. Keyset cursors over nullable dates compared coalesce(...) expressions, which row-level
--    security will not push into an index (coalesce is not leakproof). Stored sort keys are
--    plain columns, so the cursor condition becomes an index condition.
ALTER TABLE cohorts ADD COLUMN start_key timestamptz GENERATED ALWAYS AS (coalesce(start_date, 'infinity'::timestamptz)) STORED;
DROP INDEX cohorts_start;
CREATE INDEX cohorts_start ON cohorts (tenant_id, start_key, id);
ALTER TABLE assessments ADD COLUMN due_key timestamptz GENERATED ALWAYS AS (coalesce(due_date, 'infinity'::timestamptz)) STORED;
DROP INDEX assessments_due;
CREATE INDEX assessments_due ON assessments (tenant_id, due_key, id);

-- +goose Down
DROP INDEX assessments_due;
ALTER TABLE assessments DROP COLUMN due_key;
CREATE INDEX assessments_due ON assessments (tenant_id, (coalesce(due_date, 'infinity'::timestamptz)), id);
DROP INDEX cohorts_start;
ALTER TABLE cohorts DROP COLUMN start_key;
CREATE INDEX cohorts_start ON cohorts (tenant_id, (coalesce(start_date, 'infinity'::timestamptz)), id);
ALTER POLICY tenant_isolation ON cohorts
  USING (tenant_id = learnd_tenant() AND (learnd_app_id() IS NULL OR app_id = learnd_app_id()))
  WITH CHECK (tenant_id = learnd_tenant() AND (learnd_app_id() IS NULL OR app_id = learnd_app_id()));
ALTER POLICY tenant_isolation ON assessments
  USING (tenant_id = learnd_tenant() AND (learnd_app_id() IS NULL OR app_id = learnd_app_id()))
  WITH CHECK (tenant_id = learnd_tenant() AND (learnd_app_id() IS NULL OR app_id = learnd_app_id()));
