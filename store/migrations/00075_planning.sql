-- +goose Up
-- Issue 10: two statements of every v1 cohort write were planned on every call (seen in
-- pg_stat_statements under make bench's load).
--
-- 1. learnd_string_array (the jsonb shape checks of 00024) was STRICT, and a STRICT SQL
--    function whose body is not strict cannot be inlined: each check constraint ran it as a
--    query of its own, planned per row written (~30 µs, three per cohort write). Called on
--    NULL input it inlines into the constraint; its result is the same (NULL for NULL,
--    which a check admits).
ALTER FUNCTION learnd_string_array(jsonb) CALLED ON NULL INPUT;

-- 2. The check that a cohort's references name records of the caller's tenant (group,
--    facilitators, assessments) was one prepared statement whose custom plans always
--    looked cheaper than its generic one, so PostgreSQL planned it anew for every write
--    (0.3–1.4 ms, more than the rest of the write). In a PL/pgSQL function forced to its
--    generic plans, each of its queries is planned once per connection. It runs as the
--    caller (row-level security applies) and reads only.
-- +goose StatementBegin
CREATE FUNCTION learnd_cohort_refs(grp uuid, people uuid[], asms uuid[],
  OUT group_ok boolean, OUT missing_people uuid[], OUT missing_assessments uuid[])
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  group_ok := grp IS NULL OR EXISTS (SELECT 1 FROM groups WHERE tenant_id = learnd_tenant() AND id = grp);
  missing_people := ARRAY(SELECT x FROM unnest(people) AS x
    WHERE NOT EXISTS (SELECT 1 FROM users WHERE tenant_id = learnd_tenant() AND id = x));
  missing_assessments := ARRAY(SELECT x FROM unnest(asms) AS x
    WHERE NOT EXISTS (SELECT 1 FROM assessments WHERE tenant_id = learnd_tenant() AND id = x AND NOT is_deleted));
END
$$;
-- +goose StatementEnd
GRANT EXECUTE ON FUNCTION learnd_cohort_refs(uuid, uuid[], uuid[]) TO learnd_app;

-- +goose Down
DROP FUNCTION IF EXISTS learnd_cohort_refs(uuid, uuid[], uuid[]);
ALTER FUNCTION learnd_string_array(jsonb) STRICT;
