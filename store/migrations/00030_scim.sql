-- +goose Up
-- Issue 11 part 3: SCIM 2.0 provisioning. An identity provider (Okta, Entra ID) provisions
-- the tenant's users and groups at /scim/v2 with a SCIM token the owner created.
--
-- users: the provider's externalId; its userName when that is not the email address
-- (user_name; NULL: userName is the email address); the given and family names it sends;
-- the enterprise attributes (department, manager, employeeNumber, title, …: a JSON
-- object of strings that later features, e.g. enrolment rules, match on); and
-- deprovisioned_at, set by a SCIM DELETE: the user is banned, no longer visible to SCIM,
-- and may be anonymised.
-- +goose StatementBegin
CREATE FUNCTION learnd_string_object(j jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT jsonb_typeof(j) = 'object' AND NOT jsonb_path_exists(j, '$.* ? (@.type() != "string")') $$;
-- +goose StatementEnd
ALTER TABLE users
  ADD COLUMN external_id      text CHECK (length(external_id) BETWEEN 1 AND 256),
  ADD COLUMN user_name        text CHECK (length(user_name) BETWEEN 1 AND 256),
  ADD COLUMN given_name       text CHECK (length(given_name) <= 200),
  ADD COLUMN family_name      text CHECK (length(family_name) <= 200),
  ADD COLUMN attributes       jsonb NOT NULL DEFAULT '{}' CONSTRAINT users_attributes_shape CHECK (learnd_string_object(attributes)),
  ADD COLUMN deprovisioned_at timestamptz;
CREATE UNIQUE INDEX users_external_id ON users (tenant_id, external_id) WHERE external_id IS NOT NULL AND deprovisioned_at IS NULL;
CREATE UNIQUE INDEX users_user_name ON users (tenant_id, lower(user_name)) WHERE user_name IS NOT NULL AND deprovisioned_at IS NULL;
-- Providers look users up by userName (eq) before every create: the expression SCIM's
-- userName filter compares.
CREATE INDEX users_scim_user_name ON users (tenant_id, lower(coalesce(user_name, email))) WHERE deprovisioned_at IS NULL;
CREATE INDEX users_attributes ON users USING gin (attributes jsonb_path_ops);

ALTER TABLE groups ADD COLUMN external_id text CHECK (length(external_id) BETWEEN 1 AND 256);
CREATE UNIQUE INDEX groups_external_id ON groups (tenant_id, external_id) WHERE external_id IS NOT NULL;

-- Writes that came through SCIM are audited with surface scim.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_surface_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_surface_check CHECK (surface IN ('api','mcp','system','scim'));

-- SCIM tokens: created by an owner, stored as SHA-256 only, revocable. Like api_keys, a
-- transaction that set learnd.key_hash may read the one token with that hash (the lookup
-- that finds the tenant of an incoming token).
CREATE TABLE scim_tokens (
  tenant_id    text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id           uuid        NOT NULL,
  name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  hash         bytea       NOT NULL UNIQUE CHECK (length(hash) = 32),
  hint         text        NOT NULL,
  created_at   timestamptz NOT NULL,
  created_by   uuid,
  revoked_at   timestamptz,
  last_used_at timestamptz,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX scim_tokens_created ON scim_tokens (tenant_id, created_at, id);
ALTER TABLE scim_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE scim_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON scim_tokens USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());
CREATE POLICY token_lookup ON scim_tokens FOR SELECT
  USING (hash = decode(nullif(current_setting('learnd.key_hash', true), ''), 'hex'));
GRANT SELECT, INSERT, UPDATE ON scim_tokens TO learnd_app;

-- +goose Down
DROP TABLE IF EXISTS scim_tokens;
DELETE FROM audit_log WHERE surface = 'scim';
ALTER TABLE audit_log DROP CONSTRAINT audit_log_surface_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_surface_check CHECK (surface IN ('api','mcp','system'));
DROP INDEX IF EXISTS groups_external_id;
ALTER TABLE groups DROP COLUMN IF EXISTS external_id;
DROP INDEX IF EXISTS users_attributes;
DROP INDEX IF EXISTS users_scim_user_name;
DROP INDEX IF EXISTS users_user_name;
DROP INDEX IF EXISTS users_external_id;
ALTER TABLE users
  DROP COLUMN IF EXISTS deprovisioned_at, DROP COLUMN IF EXISTS attributes,
  DROP COLUMN IF EXISTS family_name, DROP COLUMN IF EXISTS given_name, DROP COLUMN IF EXISTS user_name, DROP COLUMN IF EXISTS external_id;
DROP FUNCTION IF EXISTS learnd_string_object(jsonb);
