-- +goose Up
-- learnd_app is the role every tenant-scoped transaction runs as (SET LOCAL ROLE). It owns
-- nothing and cannot log in; row-level security applies to it. The connecting user is made
-- a member so it can switch to it (as a superuser, or as a non-superuser owner with
-- CREATEROLE; without either, an administrator creates and grants the role beforehand). Roles are cluster-wide, so creation tolerates a race with
-- another database migrating at the same moment.
-- +goose StatementBegin
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'learnd_app') THEN
    BEGIN
      CREATE ROLE learnd_app NOLOGIN NOINHERIT;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  -- A superuser or a CREATEROLE owner can grant itself the role; otherwise an administrator
  -- must have granted it already.
  IF NOT pg_has_role(current_user, 'learnd_app', 'MEMBER') THEN
    EXECUTE format('GRANT learnd_app TO %I', current_user);
  END IF;
END
$$;
-- +goose StatementEnd
GRANT USAGE ON SCHEMA public TO learnd_app;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The tenant of the current transaction; NULL when unset, so policies fail closed.
-- +goose StatementBegin
CREATE FUNCTION learnd_tenant() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(current_setting('learnd.tenant_id', true), '')
$$;
-- +goose StatementEnd
-- The application of the current transaction; NULL for human sessions.
-- +goose StatementBegin
CREATE FUNCTION learnd_app_id() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT nullif(current_setting('learnd.app_id', true), '')
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION IF EXISTS learnd_app_id();
DROP FUNCTION IF EXISTS learnd_tenant();
REVOKE USAGE ON SCHEMA public FROM learnd_app;
