-- +goose Up
-- learnd_app is the role every tenant-scoped transaction runs as (SET LOCAL ROLE). It owns
-- nothing and cannot log in; row-level security applies to it. The connecting user is made
-- a member so it can switch to it. Roles are cluster-wide, so creation tolerates a race with
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
  BEGIN
    EXECUTE format('GRANT learnd_app TO %I', current_user);
  EXCEPTION WHEN duplicate_object OR unique_violation OR invalid_grant_operation THEN NULL;
  END;
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
