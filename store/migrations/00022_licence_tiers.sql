-- +goose Up
-- Seed 003: full MCP access (write tools) and AI authoring are Business and Enterprise
-- features. NOT VALID: enforced on every write from now on without failing the migration
-- on a development database that already holds such a row.
ALTER TABLE tenants ADD CONSTRAINT tenants_starter_licence
  CHECK (tier <> 'starter' OR (mcp_access <> 'full' AND NOT mcp_ai_access)) NOT VALID;

-- +goose Down
ALTER TABLE tenants DROP CONSTRAINT IF EXISTS tenants_starter_licence;
