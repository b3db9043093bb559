-- +goose Up
-- AI authoring quota counters (issue 4): calls per UTC day for the tenant ('tenant') and
-- for each API key ('key:<uuid>') or, for token callers without a key, each person
-- ('person:<uuid>'). A refused call rolls its increments back.
CREATE TABLE ai_usage (
  tenant_id text    NOT NULL,
  day       date    NOT NULL,
  subject   text    NOT NULL,
  count     integer NOT NULL DEFAULT 0 CHECK (count >= 0),
  PRIMARY KEY (tenant_id, day, subject)
);
ALTER TABLE ai_usage ENABLE ROW LEVEL SECURITY;
ALTER TABLE ai_usage FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON ai_usage USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());
GRANT SELECT, INSERT, UPDATE ON ai_usage TO learnd_app;

-- +goose Down
DROP TABLE IF EXISTS ai_usage;
