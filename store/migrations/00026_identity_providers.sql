-- +goose Up
-- Issue 11: each tenant may register its own OpenID Connect identity provider. Tokens that
-- provider signs are accepted for that tenant only; a person it vouches for is bound to a
-- user of the tenant (user_identities) or, where the tenant allows it, created just in time.
CREATE TABLE identity_providers (
  tenant_id             text        PRIMARY KEY CHECK (tenant_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  issuer                text        NOT NULL CHECK (length(issuer) BETWEEN 8 AND 2000),
  audience              text        NOT NULL CHECK (length(audience) BETWEEN 1 AND 500),
  discovery_url         text        CHECK (length(discovery_url) <= 2000),
  jwks_url              text        NOT NULL CHECK (length(jwks_url) BETWEEN 8 AND 2000),
  claims                jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(claims) = 'object'),
  role_mapping          jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(role_mapping) = 'object'),
  default_role          text        NOT NULL DEFAULT 'learner' CHECK (default_role IN ('admin','manager','learner')),
  max_role              text        NOT NULL DEFAULT 'learner' CHECK (max_role IN ('admin','manager','learner')),
  jit                   boolean     NOT NULL DEFAULT false,
  allowed_email_domains text[]      NOT NULL DEFAULT '{}',
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  created_by            uuid,
  updated_by            uuid,
  version               integer     NOT NULL DEFAULT 1,
  -- A token names its issuer and audience: the pair must lead to one tenant.
  UNIQUE (issuer, audience)
);

CREATE TABLE user_identities (
  tenant_id  text        NOT NULL,
  issuer     text        NOT NULL,
  subject    text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
  user_id    uuid        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, issuer, subject),
  FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX user_identities_user ON user_identities (tenant_id, user_id);

-- A tenant sees its own provider; the sign-in of an incoming token, which does not know
-- its tenant yet, may read the providers of the issuer it set in learnd.idp_issuer.
ALTER TABLE identity_providers ENABLE ROW LEVEL SECURITY;
ALTER TABLE identity_providers FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON identity_providers USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());
CREATE POLICY issuer_lookup ON identity_providers FOR SELECT
  USING (issuer = nullif(current_setting('learnd.idp_issuer', true), ''));
ALTER TABLE user_identities ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_identities FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON user_identities USING (tenant_id = learnd_tenant()) WITH CHECK (tenant_id = learnd_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON identity_providers, user_identities TO learnd_app;

-- Cached callers and providers are forgotten on every replica when a provider or a binding
-- changes (migration 00025).
CREATE TRIGGER identity_providers_notify_callers AFTER INSERT OR DELETE OR UPDATE ON identity_providers
  FOR EACH ROW EXECUTE FUNCTION learnd_notify_callers();
CREATE TRIGGER user_identities_notify_callers AFTER INSERT OR DELETE OR UPDATE ON user_identities
  FOR EACH ROW EXECUTE FUNCTION learnd_notify_callers();

-- +goose Down
DROP TABLE IF EXISTS user_identities, identity_providers;
