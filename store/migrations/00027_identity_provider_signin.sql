-- +goose Up
-- Issue 11: a tenant's identity provider can also sign people in through the browser (the
-- sign-in page of learnd's OAuth authorization server for MCP): learnd is then an OpenID
-- Connect client of the provider, with the client id (and, for a confidential client, the
-- secret) the tenant registered for it there, and the provider's endpoints from discovery.
ALTER TABLE identity_providers
  ADD COLUMN client_id              text CHECK (length(client_id) BETWEEN 1 AND 500),
  ADD COLUMN client_secret          text CHECK (length(client_secret) BETWEEN 1 AND 2000),
  ADD COLUMN authorization_endpoint text CHECK (length(authorization_endpoint) BETWEEN 8 AND 2000),
  ADD COLUMN token_endpoint         text CHECK (length(token_endpoint) BETWEEN 8 AND 2000);

-- +goose Down
ALTER TABLE identity_providers DROP COLUMN client_id, DROP COLUMN client_secret,
  DROP COLUMN authorization_endpoint, DROP COLUMN token_endpoint;
