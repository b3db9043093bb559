-- +goose Up
-- A course generation can be cancelled by its requester (issue 12): status cancelled, with
-- error saying so; its AI quota call is given back in the same transaction.
ALTER TABLE generation_jobs DROP CONSTRAINT generation_jobs_status_check;
ALTER TABLE generation_jobs ADD CONSTRAINT generation_jobs_status_check
  CHECK (status IN ('queued','running','completed','failed','cancelled'));

-- +goose Down
UPDATE generation_jobs SET status = 'failed' WHERE status = 'cancelled';
ALTER TABLE generation_jobs DROP CONSTRAINT generation_jobs_status_check;
ALTER TABLE generation_jobs ADD CONSTRAINT generation_jobs_status_check
  CHECK (status IN ('queued','running','completed','failed'));
