-- +goose Up
-- The LMS core (seed 003, /api/v2): tenants and their licence, users, groups, API keys,
-- courses and their structure, chains, assignments, progress, certificates, the audit log
-- and the mail outbox. Every tenant table's primary key starts with tenant_id and every
-- reference includes it; row-level security isolates tenants. These tables are not
-- application-scoped: an Application's key acts as its user over the whole tenant (app_id
-- is recorded in the audit log).

-- A UUIDv7 made in SQL (PostgreSQL 15 has no uuidv7()): 48-bit Unix milliseconds, then
-- random bits, with the version and variant set.
-- +goose StatementBegin
CREATE FUNCTION learnd_uuidv7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
    FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
$$;
-- +goose StatementEnd

CREATE TABLE tenants (
  id            text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  tier          text        NOT NULL DEFAULT 'starter' CHECK (tier IN ('starter','business','enterprise')),
  mcp_access    text        NOT NULL DEFAULT 'none' CHECK (mcp_access IN ('none','read','full')),
  mcp_ai_access boolean     NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  tenant_id  text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id         uuid        NOT NULL,
  name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  email      text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  role       text        NOT NULL DEFAULT 'learner' CHECK (role IN ('owner','admin','manager','learner')),
  status     text        NOT NULL DEFAULT 'active' CHECK (status IN ('active','banned')),
  banned_at  timestamptz,
  banned_by  uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  created_by uuid,
  updated_by uuid,
  version    integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  PRIMARY KEY (tenant_id, id),
  CHECK ((status = 'banned') = (banned_at IS NOT NULL))
);
CREATE UNIQUE INDEX users_email ON users (tenant_id, lower(email));
CREATE INDEX users_name ON users (tenant_id, lower(name), id);
CREATE INDEX users_created ON users (tenant_id, created_at, id);
CREATE INDEX users_name_trgm ON users USING gin (lower(name) gin_trgm_ops);
CREATE INDEX users_email_trgm ON users USING gin (lower(email) gin_trgm_ops);

CREATE TABLE groups (
  tenant_id   text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id          uuid        NOT NULL,
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind        text        NOT NULL DEFAULT 'team' CHECK (kind IN ('team','department','cohort','location','project','other')),
  description text,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  created_by  uuid,
  updated_by  uuid,
  version     integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX groups_name ON groups (tenant_id, lower(name), id);

CREATE TABLE group_members (
  tenant_id text        NOT NULL,
  group_id  uuid        NOT NULL,
  user_id   uuid        NOT NULL,
  added_at  timestamptz NOT NULL DEFAULT now(),
  added_by  uuid,
  PRIMARY KEY (tenant_id, group_id, user_id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX group_members_user ON group_members (tenant_id, user_id);

CREATE TABLE api_keys (
  tenant_id    text        NOT NULL,
  id           uuid        NOT NULL,
  user_id      uuid        NOT NULL,
  name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  hash         bytea       NOT NULL UNIQUE CHECK (length(hash) = 32),
  hint         text        NOT NULL,
  scopes       text[]      NOT NULL CHECK (scopes <@ ARRAY['read','write'] AND cardinality(scopes) >= 1),
  app_id       text,
  expires_at   timestamptz,
  revoked_at   timestamptz,
  last_used_at timestamptz,
  created_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX api_keys_user ON api_keys (tenant_id, user_id, created_at);

CREATE TABLE courses (
  tenant_id    text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id           uuid        NOT NULL,
  name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  annotation   text        CHECK (length(annotation) <= 5000),
  status       text        NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','archived')),
  tags         text[]      NOT NULL DEFAULT '{}',
  owner_id     uuid        NOT NULL,
  settings     jsonb       NOT NULL DEFAULT '{}',
  published_at timestamptz,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL,
  created_by   uuid,
  updated_by   uuid,
  version      integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  is_deleted   boolean     NOT NULL DEFAULT false,
  deleted_at   timestamptz,
  deleted_by   uuid,
  PRIMARY KEY (tenant_id, id),
  CHECK (is_deleted = (deleted_at IS NOT NULL))
);
CREATE INDEX courses_name ON courses (tenant_id, lower(name), id);
CREATE INDEX courses_created ON courses (tenant_id, created_at, id);
CREATE INDEX courses_owner ON courses (tenant_id, owner_id);
CREATE INDEX courses_name_trgm ON courses USING gin (lower(name) gin_trgm_ops);

CREATE TABLE course_shares (
  tenant_id  text        NOT NULL,
  course_id  uuid        NOT NULL,
  user_id    uuid        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid,
  PRIMARY KEY (tenant_id, course_id, user_id),
  FOREIGN KEY (tenant_id, course_id) REFERENCES courses (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

CREATE TABLE course_sections (
  tenant_id text    NOT NULL,
  id        uuid    NOT NULL,
  course_id uuid    NOT NULL,
  title     text    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  position  integer NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, course_id) REFERENCES courses (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX course_sections_course ON course_sections (tenant_id, course_id, position);

CREATE TABLE course_elements (
  tenant_id  text        NOT NULL,
  id         uuid        NOT NULL,
  course_id  uuid        NOT NULL,
  section_id uuid        NOT NULL,
  kind       text        NOT NULL CHECK (kind IN ('lesson','quiz','survey')),
  title      text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  position   integer     NOT NULL,
  required   boolean     NOT NULL DEFAULT true,
  brief      jsonb,
  pages      jsonb       NOT NULL DEFAULT '[]',
  settings   jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, course_id) REFERENCES courses (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, section_id) REFERENCES course_sections (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX course_elements_course ON course_elements (tenant_id, course_id, position);

CREATE TABLE course_transitions (
  tenant_id       text NOT NULL,
  course_id       uuid NOT NULL,
  from_element_id uuid NOT NULL,
  to_element_id   uuid NOT NULL,
  PRIMARY KEY (tenant_id, course_id, from_element_id, to_element_id),
  FOREIGN KEY (tenant_id, from_element_id) REFERENCES course_elements (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, to_element_id) REFERENCES course_elements (tenant_id, id) ON DELETE CASCADE,
  CHECK (from_element_id <> to_element_id)
);

CREATE TABLE quiz_questions (
  tenant_id       text        NOT NULL,
  id              uuid        NOT NULL,
  course_id       uuid        NOT NULL,
  element_id      uuid        NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('single','multiple')),
  text            text        NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
  options         jsonb       NOT NULL,
  weight          double precision NOT NULL DEFAULT 1 CHECK (weight > 0),
  position        integer     NOT NULL,
  source_chunk_id uuid,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, element_id) REFERENCES course_elements (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX quiz_questions_element ON quiz_questions (tenant_id, element_id, position);

CREATE TABLE course_chains (
  tenant_id   text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id          uuid        NOT NULL,
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text,
  owner_id    uuid        NOT NULL,
  course_ids  uuid[]      NOT NULL CHECK (cardinality(course_ids) BETWEEN 1 AND 50),
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  created_by  uuid,
  updated_by  uuid,
  version     integer     NOT NULL DEFAULT 1 CHECK (version >= 1),
  is_deleted  boolean     NOT NULL DEFAULT false,
  deleted_at  timestamptz,
  deleted_by  uuid,
  PRIMARY KEY (tenant_id, id),
  CHECK (is_deleted = (deleted_at IS NOT NULL))
);

-- A course (or a chain's course) assigned to a group: every member gets an assignment, and
-- so does anyone who joins later (trigger below).
CREATE TABLE group_course_assignments (
  tenant_id      text        NOT NULL,
  group_id       uuid        NOT NULL,
  course_id      uuid        NOT NULL,
  chain_id       uuid,
  chain_position integer,
  due_at         timestamptz,
  start_at       timestamptz,
  assigned_by    uuid,
  created_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, group_id, course_id),
  FOREIGN KEY (tenant_id, group_id) REFERENCES groups (tenant_id, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, course_id) REFERENCES courses (tenant_id, id)
);

-- One assignment per user and course: re-assigning is a no-op (ON CONFLICT DO NOTHING).
-- Status is computed on read: scheduled (start_at in the future), completed, overdue
-- (due_at passed), in_progress (some element done), else assigned.
CREATE TABLE assignments (
  tenant_id      text        NOT NULL,
  id             uuid        NOT NULL DEFAULT learnd_uuidv7(),
  user_id        uuid        NOT NULL,
  course_id      uuid        NOT NULL,
  group_id       uuid,
  chain_id       uuid,
  chain_position integer,
  due_at         timestamptz,
  start_at       timestamptz,
  assigned_by    uuid,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  started_at     timestamptz,
  completed_at   timestamptz,
  score          double precision,
  points_awarded integer     NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, user_id, course_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
  FOREIGN KEY (tenant_id, course_id) REFERENCES courses (tenant_id, id)
);
CREATE INDEX assignments_course ON assignments (tenant_id, course_id, user_id);
CREATE INDEX assignments_group ON assignments (tenant_id, group_id);
CREATE INDEX assignments_completed ON assignments (tenant_id, completed_at) WHERE completed_at IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION learnd_group_member_assign() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO assignments (tenant_id, user_id, course_id, group_id, chain_id, chain_position, due_at, start_at, assigned_by)
  SELECT g.tenant_id, NEW.user_id, g.course_id, g.group_id, g.chain_id, g.chain_position, g.due_at, g.start_at, g.assigned_by
    FROM group_course_assignments g
   WHERE g.tenant_id = NEW.tenant_id AND g.group_id = NEW.group_id
  ON CONFLICT (tenant_id, user_id, course_id) DO NOTHING;
  RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER group_members_assign AFTER INSERT ON group_members
  FOR EACH ROW EXECUTE FUNCTION learnd_group_member_assign();

CREATE TABLE element_progress (
  tenant_id    text        NOT NULL,
  user_id      uuid        NOT NULL,
  course_id    uuid        NOT NULL,
  element_id   uuid        NOT NULL,
  completed_at timestamptz,
  best_score   double precision,
  attempts     integer     NOT NULL DEFAULT 0,
  last_answers jsonb,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id, element_id),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
  FOREIGN KEY (tenant_id, element_id) REFERENCES course_elements (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX element_progress_course ON element_progress (tenant_id, course_id, user_id);

CREATE TABLE certificates (
  tenant_id  text        NOT NULL,
  id         uuid        NOT NULL,
  user_id    uuid        NOT NULL,
  course_id  uuid        NOT NULL,
  number     text        NOT NULL,
  issued_at  timestamptz NOT NULL,
  expires_at timestamptz,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, number),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id),
  FOREIGN KEY (tenant_id, course_id) REFERENCES courses (tenant_id, id)
);
CREATE INDEX certificates_user ON certificates (tenant_id, user_id, issued_at);
CREATE INDEX certificates_expiry ON certificates (tenant_id, expires_at) WHERE expires_at IS NOT NULL;

-- Every write, through any surface, in the same transaction as the change. Append-only.
CREATE TABLE audit_log (
  tenant_id   text        NOT NULL,
  id          uuid        NOT NULL,
  created_at  timestamptz NOT NULL,
  actor_id    uuid,
  app_id      text,
  key_id      uuid,
  surface     text        NOT NULL CHECK (surface IN ('api','mcp','system')),
  action      text        NOT NULL,
  target_type text        NOT NULL,
  target_id   text,
  before      jsonb,
  after       jsonb,
  request_id  text,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_created ON audit_log (tenant_id, created_at, id);
CREATE INDEX audit_log_actor ON audit_log (tenant_id, actor_id, created_at, id);

-- Outbound mail, written in the transaction that causes it and delivered by a job.
CREATE TABLE mail_outbox (
  tenant_id  text        NOT NULL,
  id         uuid        NOT NULL,
  kind       text        NOT NULL,
  to_addr    text        NOT NULL,
  subject    text        NOT NULL,
  body       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at    timestamptz,
  attempts   integer     NOT NULL DEFAULT 0,
  last_error text,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX mail_outbox_unsent ON mail_outbox (created_at) WHERE sent_at IS NULL;

-- Row-level security. tenants: a tenant sees its own row. api_keys: besides the tenant
-- policy, a transaction that set learnd.key_hash may read the one key with that hash (the
-- lookup that finds the tenant of an incoming key). mail_outbox: the delivery job runs
-- with learnd.mailer = 'on' to read and mark any tenant's messages.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants USING (id = learnd_tenant()) WITH CHECK (id = learnd_tenant());

-- +goose StatementBegin
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users','groups','group_members','api_keys','courses','course_shares',
    'course_sections','course_elements','course_transitions','quiz_questions','course_chains',
    'group_course_assignments','assignments','element_progress','certificates','audit_log','mail_outbox']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant())', t);
  END LOOP;
END
$$;
-- +goose StatementEnd
CREATE POLICY key_lookup ON api_keys FOR SELECT
  USING (hash = decode(nullif(current_setting('learnd.key_hash', true), ''), 'hex'));
CREATE POLICY mailer_select ON mail_outbox FOR SELECT USING (current_setting('learnd.mailer', true) = 'on');
CREATE POLICY mailer_update ON mail_outbox FOR UPDATE USING (current_setting('learnd.mailer', true) = 'on');

GRANT SELECT ON tenants TO learnd_app;
GRANT SELECT, INSERT, UPDATE ON users, groups, api_keys, courses, course_chains, assignments,
  element_progress, certificates, mail_outbox TO learnd_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON group_members, course_shares, course_sections,
  course_elements, course_transitions, quiz_questions, group_course_assignments TO learnd_app;
GRANT SELECT, INSERT ON audit_log TO learnd_app;
GRANT EXECUTE ON FUNCTION learnd_uuidv7() TO learnd_app;

-- +goose Down
DROP TABLE IF EXISTS mail_outbox, audit_log, certificates, element_progress, assignments,
  group_course_assignments, course_chains, quiz_questions, course_transitions, course_elements,
  course_sections, course_shares, courses, api_keys, group_members, groups, users, tenants;
DROP FUNCTION IF EXISTS learnd_group_member_assign();
DROP FUNCTION IF EXISTS learnd_uuidv7();
