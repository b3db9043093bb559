-- +goose Up
-- Source materials for AI course authoring (issue 4): an upload session belongs to the
-- person who opened it and bundles the files uploaded into it; each file keeps its bytes
-- (≤ 20 MB, the kind detected from the content) and the chunks of its extracted text, each
-- with its nearest heading, a full-text vector (generated, GIN-indexed) and an embedding
-- (real[]; its length is fixed by the embedder named beside it: vectors of different
-- embedders are never compared). Rows are never updated in place except a file's
-- processing stamp; reprocessing replaces a file's chunks. Row-level security isolates
-- tenants; the API also scopes every session to its owner.
CREATE TABLE material_sessions (
  tenant_id  text        NOT NULL CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  id         uuid        NOT NULL,
  owner_id   uuid        NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX material_sessions_owner ON material_sessions (tenant_id, owner_id, created_at);

CREATE TABLE material_files (
  tenant_id    text        NOT NULL,
  id           uuid        NOT NULL,
  session_id   uuid        NOT NULL,
  filename     text        NOT NULL CHECK (length(filename) BETWEEN 1 AND 255),
  kind         text        NOT NULL CHECK (kind IN ('pdf','doc','docx','png','jpeg','gif','webp')),
  media_type   text        NOT NULL,
  size_bytes   integer     NOT NULL CHECK (size_bytes BETWEEN 1 AND 20971520),
  sha256       bytea       NOT NULL CHECK (length(sha256) = 32),
  content      bytea       NOT NULL,
  text_chars   integer     NOT NULL DEFAULT 0 CHECK (text_chars >= 0),
  embedder     text        NOT NULL,
  created_at   timestamptz NOT NULL,
  created_by   uuid,
  processed_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, session_id) REFERENCES material_sessions (tenant_id, id) ON DELETE CASCADE,
  CHECK (length(content) = size_bytes)
);
CREATE INDEX material_files_session ON material_files (tenant_id, session_id, created_at, id);
-- The file bytes are read only to reprocess; keep them out of line and uncompressed
-- (PDF, images and DOCX are compressed already).
ALTER TABLE material_files ALTER COLUMN content SET STORAGE EXTERNAL;

CREATE TABLE material_chunks (
  tenant_id  text    NOT NULL,
  id         uuid    NOT NULL,
  session_id uuid    NOT NULL,
  file_id    uuid    NOT NULL,
  ordinal    integer NOT NULL CHECK (ordinal >= 0),
  heading    text    NOT NULL DEFAULT '',
  body       text    NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  embedder   text    NOT NULL,
  embedding  real[]  NOT NULL CHECK (cardinality(embedding) BETWEEN 1 AND 8192),
  tsv        tsvector GENERATED ALWAYS AS (
               setweight(to_tsvector('english'::regconfig, heading), 'A') ||
               setweight(to_tsvector('english'::regconfig, body), 'B')) STORED,
  PRIMARY KEY (tenant_id, id),
  UNIQUE (tenant_id, file_id, ordinal),
  FOREIGN KEY (tenant_id, file_id) REFERENCES material_files (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX material_chunks_session ON material_chunks (tenant_id, session_id);
CREATE INDEX material_chunks_tsv ON material_chunks USING gin (tsv);

ALTER TABLE material_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE material_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON material_sessions USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());
ALTER TABLE material_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE material_files FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON material_files USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());
ALTER TABLE material_chunks ENABLE ROW LEVEL SECURITY;
ALTER TABLE material_chunks FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON material_chunks USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());

-- The column UPDATE only lets an upload lock its session (SELECT … FOR UPDATE) while it
-- counts the session's files.
GRANT SELECT, INSERT ON material_sessions TO learnd_app;
GRANT UPDATE (created_at) ON material_sessions TO learnd_app;
GRANT SELECT, INSERT, UPDATE ON material_files TO learnd_app;
GRANT SELECT, INSERT, DELETE ON material_chunks TO learnd_app;

-- +goose Down
DROP TABLE IF EXISTS material_chunks, material_files, material_sessions;
