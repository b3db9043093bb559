-- +goose Up
-- Issue 11: the role an OAuth grant of /mcp may act with at most: the role the person's
-- sign-in gave when they approved (an identity provider's mapped role can be below the
-- user's stored role). Its tokens act with the lower of it and the user's role then.
ALTER TABLE oauth_requests ADD COLUMN role_cap text CHECK (role_cap IN ('owner','admin','manager','learner'));
ALTER TABLE oauth_refresh_tokens ADD COLUMN role_cap text CHECK (role_cap IN ('owner','admin','manager','learner'));

-- +goose Down
ALTER TABLE oauth_refresh_tokens DROP COLUMN IF EXISTS role_cap;
ALTER TABLE oauth_requests DROP COLUMN IF EXISTS role_cap;
