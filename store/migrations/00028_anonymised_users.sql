-- +goose Up
-- Issue 11: a banned user (offboarded, or deleted through SCIM) can be anonymised: their
-- personal data leaves the user row for good, their history (assignments, progress,
-- certificates) stays under an alias. anonymised_at marks it; an anonymised user stays
-- banned.
ALTER TABLE users ADD COLUMN anonymised_at timestamptz;
ALTER TABLE users ADD CONSTRAINT users_anonymised_banned CHECK (anonymised_at IS NULL OR status = 'banned');

-- +goose Down
ALTER TABLE users DROP CONSTRAINT IF EXISTS users_anonymised_banned;
ALTER TABLE users DROP COLUMN IF EXISTS anonymised_at;
