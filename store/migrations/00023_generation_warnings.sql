-- +goose Up
-- Issue 9: what a generator could not do (an offline outline without content, a quiz
-- shorter than asked), shown with the completed job's result.
ALTER TABLE generation_jobs ADD COLUMN warnings text[] NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE generation_jobs DROP COLUMN IF EXISTS warnings;
