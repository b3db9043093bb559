-- +goose Up
-- Issue 11, part 4: learnd as the OAuth 2.1 authorization server of its MCP endpoint.
-- Clients register themselves (RFC 7591) before anyone has signed in, so clients and
-- authorization requests belong to no tenant; refresh tokens belong to the tenant and
-- person who granted them. The tables are the authorization server's own: they have no
-- row-level security and learnd_app has no grant on them; store/oauth reaches them as
-- the owner (AsOperator). Secrets (codes, refresh tokens) are stored as SHA-256 hashes.
CREATE TABLE oauth_clients (
  id            text        PRIMARY KEY,
  name          text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  redirect_uris text[]      NOT NULL CHECK (cardinality(redirect_uris) BETWEEN 1 AND 10),
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- One authorization request, from /authorize until its code is exchanged (or it lapses).
-- tenant_id, person_id and role are set when the person signs in and approves.
CREATE TABLE oauth_requests (
  id                    text        PRIMARY KEY,
  grant_id              uuid        NOT NULL,
  client_id             text        NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
  redirect_uri          text        NOT NULL,
  scopes                text[]      NOT NULL,
  state                 text        NOT NULL DEFAULT '',
  nonce                 text        NOT NULL DEFAULT '',
  response_mode         text        NOT NULL DEFAULT '',
  code_challenge        text        NOT NULL,
  code_challenge_method text        NOT NULL CHECK (code_challenge_method = 'S256'),
  resource              text        NOT NULL,
  tenant_id             text        REFERENCES tenants (id) ON DELETE CASCADE,
  person_id             uuid,
  auth_time             timestamptz,
  code_hash             bytea       UNIQUE,
  code_used_at          timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  expires_at            timestamptz NOT NULL
);
CREATE INDEX oauth_requests_expires ON oauth_requests (expires_at);

-- Refresh tokens rotate: each use revokes the token and issues the next of its family. A
-- revoked token used again revokes the whole family (the grant is stolen or replayed).
CREATE TABLE oauth_refresh_tokens (
  hash       bytea       PRIMARY KEY,
  family     uuid        NOT NULL,
  client_id  text        NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
  tenant_id  text        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  person_id  uuid        NOT NULL,
  scopes     text[]      NOT NULL,
  resource   text        NOT NULL,
  auth_time  timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX oauth_refresh_tokens_family ON oauth_refresh_tokens (family);
CREATE INDEX oauth_refresh_tokens_expires ON oauth_refresh_tokens (expires_at);

-- +goose Down
DROP TABLE oauth_refresh_tokens;
DROP TABLE oauth_requests;
DROP TABLE oauth_clients;
