-- +goose Up
-- Issue 10: the schema checks the JSON shape of every jsonb column that learnd reads back
-- into a Go slice or struct, so a row written by another program with {} where an array
-- belongs (or a number where an object belongs) can no longer make a list answer 500.
-- Rows that already break a rule are first set to the column's empty value (what learnd
-- itself would have written), then the checks are added and validated.
-- audit_log.before/after are free-form records and are not checked.

-- +goose StatementBegin
CREATE FUNCTION learnd_string_array(j jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT jsonb_typeof(j) = 'array' AND NOT jsonb_path_exists(j, '$[*] ? (@.type() != "string")') $$;
-- +goose StatementEnd

UPDATE cohorts SET facilitator_ids = '[]' WHERE NOT learnd_string_array(facilitator_ids);
UPDATE cohorts SET assigned_assessment_ids = '[]' WHERE NOT learnd_string_array(assigned_assessment_ids);
UPDATE cohorts SET tags = '[]' WHERE NOT learnd_string_array(tags);
UPDATE cohorts SET metadata = '{}' WHERE jsonb_typeof(metadata) <> 'object';
ALTER TABLE cohorts
  ADD CONSTRAINT cohorts_facilitator_ids_shape CHECK (learnd_string_array(facilitator_ids)),
  ADD CONSTRAINT cohorts_assigned_assessment_ids_shape CHECK (learnd_string_array(assigned_assessment_ids)),
  ADD CONSTRAINT cohorts_tags_shape CHECK (learnd_string_array(tags)),
  ADD CONSTRAINT cohorts_metadata_shape CHECK (jsonb_typeof(metadata) = 'object');

UPDATE assessments SET framework_ids = '[]' WHERE NOT learnd_string_array(framework_ids);
UPDATE assessments SET control_ids = '[]' WHERE NOT learnd_string_array(control_ids);
UPDATE assessments SET tags = '[]' WHERE NOT learnd_string_array(tags);
UPDATE assessments SET questions = '[]' WHERE jsonb_typeof(questions) <> 'array';
UPDATE assessments SET findings = '[]' WHERE jsonb_typeof(findings) <> 'array';
UPDATE assessments SET recommendations = '[]' WHERE jsonb_typeof(recommendations) <> 'array';
UPDATE assessments SET assessment_tools = '[]' WHERE jsonb_typeof(assessment_tools) <> 'array';
ALTER TABLE assessments
  ADD CONSTRAINT assessments_framework_ids_shape CHECK (learnd_string_array(framework_ids)),
  ADD CONSTRAINT assessments_control_ids_shape CHECK (learnd_string_array(control_ids)),
  ADD CONSTRAINT assessments_tags_shape CHECK (learnd_string_array(tags)),
  ADD CONSTRAINT assessments_questions_shape CHECK (jsonb_typeof(questions) = 'array'),
  ADD CONSTRAINT assessments_findings_shape CHECK (jsonb_typeof(findings) = 'array'),
  ADD CONSTRAINT assessments_recommendations_shape CHECK (jsonb_typeof(recommendations) = 'array'),
  ADD CONSTRAINT assessments_assessment_tools_shape CHECK (jsonb_typeof(assessment_tools) = 'array');

UPDATE idempotency_keys SET headers = NULL WHERE jsonb_typeof(headers) <> 'object';
ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_headers_shape CHECK (headers IS NULL OR jsonb_typeof(headers) = 'object');

UPDATE courses SET settings = '{}' WHERE jsonb_typeof(settings) <> 'object';
ALTER TABLE courses ADD CONSTRAINT courses_settings_shape CHECK (jsonb_typeof(settings) = 'object');

UPDATE course_elements SET brief = NULL WHERE jsonb_typeof(brief) <> 'object';
UPDATE course_elements SET pages = '[]' WHERE jsonb_typeof(pages) <> 'array';
UPDATE course_elements SET settings = '{}' WHERE jsonb_typeof(settings) <> 'object';
ALTER TABLE course_elements
  ADD CONSTRAINT course_elements_brief_shape CHECK (brief IS NULL OR jsonb_typeof(brief) = 'object'),
  ADD CONSTRAINT course_elements_pages_shape CHECK (jsonb_typeof(pages) = 'array'),
  ADD CONSTRAINT course_elements_settings_shape CHECK (jsonb_typeof(settings) = 'object');

-- A question whose options are not an array has nothing to keep (no option can be scored
-- or shown): such a row is removed rather than given an empty, invalid question.
DELETE FROM quiz_questions WHERE jsonb_typeof(options) <> 'array';
ALTER TABLE quiz_questions ADD CONSTRAINT quiz_questions_options_shape CHECK (jsonb_typeof(options) = 'array');

UPDATE element_progress SET last_answers = NULL WHERE jsonb_typeof(last_answers) <> 'array';
ALTER TABLE element_progress ADD CONSTRAINT element_progress_last_answers_shape CHECK (last_answers IS NULL OR jsonb_typeof(last_answers) = 'array');

UPDATE assessment_responses SET answers = '[]' WHERE jsonb_typeof(answers) <> 'array';
ALTER TABLE assessment_responses ADD CONSTRAINT assessment_responses_answers_shape CHECK (jsonb_typeof(answers) = 'array');

UPDATE generation_jobs SET options = '{}' WHERE jsonb_typeof(options) <> 'object';
ALTER TABLE generation_jobs ADD CONSTRAINT generation_jobs_options_shape CHECK (jsonb_typeof(options) = 'object');

-- +goose Down
ALTER TABLE generation_jobs DROP CONSTRAINT IF EXISTS generation_jobs_options_shape;
ALTER TABLE assessment_responses DROP CONSTRAINT IF EXISTS assessment_responses_answers_shape;
ALTER TABLE element_progress DROP CONSTRAINT IF EXISTS element_progress_last_answers_shape;
ALTER TABLE quiz_questions DROP CONSTRAINT IF EXISTS quiz_questions_options_shape;
ALTER TABLE course_elements DROP CONSTRAINT IF EXISTS course_elements_brief_shape,
  DROP CONSTRAINT IF EXISTS course_elements_pages_shape, DROP CONSTRAINT IF EXISTS course_elements_settings_shape;
ALTER TABLE courses DROP CONSTRAINT IF EXISTS courses_settings_shape;
ALTER TABLE idempotency_keys DROP CONSTRAINT IF EXISTS idempotency_keys_headers_shape;
ALTER TABLE assessments DROP CONSTRAINT IF EXISTS assessments_framework_ids_shape,
  DROP CONSTRAINT IF EXISTS assessments_control_ids_shape, DROP CONSTRAINT IF EXISTS assessments_tags_shape,
  DROP CONSTRAINT IF EXISTS assessments_questions_shape, DROP CONSTRAINT IF EXISTS assessments_findings_shape,
  DROP CONSTRAINT IF EXISTS assessments_recommendations_shape, DROP CONSTRAINT IF EXISTS assessments_assessment_tools_shape;
ALTER TABLE cohorts DROP CONSTRAINT IF EXISTS cohorts_facilitator_ids_shape,
  DROP CONSTRAINT IF EXISTS cohorts_assigned_assessment_ids_shape, DROP CONSTRAINT IF EXISTS cohorts_tags_shape,
  DROP CONSTRAINT IF EXISTS cohorts_metadata_shape;
DROP FUNCTION IF EXISTS learnd_string_array(jsonb);
