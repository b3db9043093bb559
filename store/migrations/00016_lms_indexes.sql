-- +goose Up
-- A course's questions are read by course (get_course, clone, progress scoring): index them
-- by course like sections and elements, instead of scanning the tenant's questions.
CREATE INDEX quiz_questions_course ON quiz_questions (tenant_id, course_id);
-- Certificates by course (compliance, clone checks) and assignments by chain.
CREATE INDEX certificates_course ON certificates (tenant_id, course_id);
CREATE INDEX assignments_chain ON assignments (tenant_id, chain_id) WHERE chain_id IS NOT NULL;

-- +goose Down
DROP INDEX IF EXISTS assignments_chain;
DROP INDEX IF EXISTS certificates_course;
DROP INDEX IF EXISTS quiz_questions_course;
