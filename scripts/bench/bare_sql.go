package main

import "strings"

// The bare baseline's statements (bare.go, bare_lms.go): what a minimal server sends, ONE
// statement per request, outside any explicit transaction, with the tenant from the token
// as a parameter in the WHERE clause — no set_config, no SET ROLE, no row-level security
// (the connecting role must bypass it: a superuser or BYPASSRLS). Children that learnd
// reads with further statements (a cohort's group completion, a user's groups, a course's
// structure, a report's totals and rows) come back in the same statement as a LATERAL
// join, a scalar subquery or json_agg; writes carry their audit entry in a data-modifying
// CTE. `bench load` compares the answers of the reads with learnd's.
const (
	// A cohort's current_completion_pct, as store.fillCompletion computes it per group,
	// joined to each cohort row x (one row of counts; total 0 when x has no group).
	bareCompletion = `LEFT JOIN LATERAL (
  SELECT count(*) FILTER (WHERE a.completed_at IS NOT NULL) AS completed, count(*) AS total
    FROM group_members m
    JOIN group_course_assignments g ON g.tenant_id = m.tenant_id AND g.group_id = m.group_id
    JOIN assignments a ON a.tenant_id = m.tenant_id AND a.user_id = m.user_id AND a.course_id = g.course_id
    JOIN courses c ON c.tenant_id = a.tenant_id AND c.id = a.course_id
   WHERE m.tenant_id = x.tenant_id AND m.group_id = x.group_id
     AND NOT c.is_deleted AND (a.start_at IS NULL OR a.start_at <= now())) comp ON true`
	bareCohortCols = `SELECT x.*, comp.completed AS bare_completed, comp.total AS bare_total`

	bareGet = bareCohortCols + ` FROM cohorts x ` + bareCompletion + `
WHERE x.tenant_id = $1 AND x.id = $2 AND NOT x.is_deleted`

	// The page first (LIMIT on the index walk), then each row's completion. The page size
	// (validated, 2..101) is written into the text (bareListCohorts): with LIMIT $n the generic
	// plan assumes a page of a tenth of the tenant and loses to a custom plan, so
	// PostgreSQL would re-plan the statement, completion join included, on every execution
	// (~0.6 ms of planning for ~0.1 ms of execution).
	bareListHead  = bareCohortCols + ` FROM (SELECT * FROM cohorts WHERE tenant_id = $1 AND NOT is_deleted`
	bareListAfter = ` AND (created_at, id) < ($2::timestamptz, $3)`
	bareListTail  = ` ORDER BY created_at DESC, id DESC LIMIT %d) x ` + bareCompletion + `
ORDER BY x.created_at DESC, x.id DESC`

	// The row (every column, as sqlInsert) when its references exist in the tenant (the
	// group $15, the facilitators $31, the assessments $32; learnd's store.cohortRefs), its
	// audit entry ($27–$30; the after view is built by the server, which knows every
	// value), the stored row with its completion. No row back: a reference is missing.
	bareInsert = `WITH x AS (INSERT INTO cohorts ("tenant_id","id","app_id","created_at","updated_at","created_by","updated_by","source","source_type","is_deleted","deleted_at","deleted_by","schema_version","version","group_id","program_id","name","start_date","end_date","status","session_count","facilitator_ids","assigned_assessment_ids","completion_required_pct","metadata","tags")
  SELECT $1::text, $2::uuid, $3::text, $4::timestamptz, $5::timestamptz, $6::uuid, $7::uuid, $8::text, $9::text, $10::boolean, $11::timestamptz, $12::uuid,
    $13::integer, $14::integer, $15::uuid, $16::text, $17::text, $18::timestamptz, $19::timestamptz, $20::text, $21::integer, $22::jsonb, $23::jsonb,
    $24::double precision, $25::jsonb, $26::jsonb
  WHERE ($15::uuid IS NULL OR EXISTS (SELECT 1 FROM groups WHERE tenant_id = $1 AND id = $15))
    AND NOT EXISTS (SELECT 1 FROM unnest($31::uuid[]) AS f WHERE NOT EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND id = f))
    AND NOT EXISTS (SELECT 1 FROM unnest($32::uuid[]) AS s WHERE NOT EXISTS (SELECT 1 FROM assessments
      WHERE tenant_id = $1 AND id = s AND NOT is_deleted))
  RETURNING *),
audit AS (INSERT INTO audit_log (tenant_id, id, created_at, actor_id, app_id, key_id, surface, action, target_type, target_id, before, after, request_id)
  SELECT x.tenant_id, $27, x.created_at, x.created_by, x.app_id, NULL, 'api', 'cohort.create', 'cohort', $28, NULL, $29, $30 FROM x)
` + bareCohortCols + ` FROM x ` + bareCompletion

	// barePatch is built per set of patched columns (barePatchSQL): lock the live row,
	// update it when its version is the expected one, audit before and after (as the
	// rows' to_jsonb), return the stored row with its completion. $1 tenant, $2 id,
	// $3 updated_at, $4 updated_by, $5 expected version, $6 audit id, $7 target id,
	// $8 request id, $9… the patched values.
	barePatchHead = `WITH old AS (SELECT * FROM cohorts WHERE tenant_id = $1 AND id = $2 AND NOT is_deleted FOR UPDATE),
x AS (UPDATE cohorts c SET "updated_at" = $3, "updated_by" = $4, "version" = old.version + 1`
	barePatchWhere = `
  FROM old WHERE c.tenant_id = old.tenant_id AND c.id = old.id AND old.version = $5`
	barePatchTail = ` RETURNING c.*),
audit AS (INSERT INTO audit_log (tenant_id, id, created_at, actor_id, app_id, key_id, surface, action, target_type, target_id, before, after, request_id)
  SELECT x.tenant_id, $6, $3, $4, NULL, NULL, 'api', 'cohort.update', 'cohort', $7, to_jsonb(old), to_jsonb(x), $8 FROM old, x)
` + bareCohortCols + ` FROM x ` + bareCompletion
	// Reference conditions a patch adds to the UPDATE's WHERE for the members it sets
	// (%[1]s: the parameter of the new value).
	barePatchGroupRef  = ` AND (%[1]s::uuid IS NULL OR EXISTS (SELECT 1 FROM groups WHERE tenant_id = $1 AND id = %[1]s))`
	barePatchPeopleRef = ` AND NOT EXISTS (SELECT 1 FROM unnest(%[1]s::uuid[]) AS f WHERE NOT EXISTS (SELECT 1 FROM users WHERE tenant_id = $1 AND id = f))`
	barePatchAsmRef    = ` AND NOT EXISTS (SELECT 1 FROM unnest(%[1]s::uuid[]) AS s WHERE NOT EXISTS (SELECT 1 FROM assessments
    WHERE tenant_id = $1 AND id = s AND NOT is_deleted))`
	// Only when the update returned nothing: missing (404), stale (412) or a missing
	// reference (422)?
	bareVersion = `SELECT version FROM cohorts WHERE tenant_id = $1 AND id = $2 AND NOT is_deleted`

	// find_user: the page of users, then each one's groups as JSON.
	bareFindUsersHead = `SELECT p.id, p.name, p.email, p.role, p.status, p.banned_at, p.created_at, p.updated_at, p.version, p.sort_key,
  (SELECT json_agg(json_build_array(g.id, g.name, g.kind) ORDER BY lower(g.name), g.id)
     FROM group_members gm JOIN groups g ON g.tenant_id = gm.tenant_id AND g.id = gm.group_id
    WHERE gm.tenant_id = $1 AND gm.user_id = p.id) AS groups
FROM (SELECT u.id, u.name, u.email, u.role, u.status, u.banned_at, u.created_at, u.updated_at, u.version, lower(u.name) AS sort_key
  FROM users u WHERE u.tenant_id = $1`
	bareFindUsersQuery = ` AND (lower(u.name) LIKE lower($3) OR lower(u.email) LIKE lower($3))`
	bareFindUsersTail  = ` ORDER BY lower(u.name), u.id LIMIT $2) p
ORDER BY p.sort_key, p.id`

	// get_course: the course row with its shares and structure as JSON arrays.
	bareCourse = `SELECT c.id, c.name, c.annotation, c.status, c.tags, c.owner_id, c.settings, c.published_at, c.created_at, c.updated_at, c.created_by, c.updated_by, c.version,
  (SELECT json_agg(json_build_object('u', s.user_id, 'at', s.created_at, 'by', s.created_by) ORDER BY s.created_at, s.user_id)
     FROM course_shares s WHERE s.tenant_id = $1 AND s.course_id = c.id),
  (SELECT json_agg(json_build_object('i', s.id, 't', s.title) ORDER BY s.position, s.id)
     FROM course_sections s WHERE s.tenant_id = $1 AND s.course_id = c.id),
  (SELECT json_agg(json_build_object('i', e.id, 's', e.section_id, 'k', e.kind, 't', e.title, 'r', e.required, 'b', e.brief, 'p', e.pages) ORDER BY e.position, e.id)
     FROM course_elements e WHERE e.tenant_id = $1 AND e.course_id = c.id),
  (SELECT json_agg(json_build_object('i', q.id, 'e', q.element_id, 'k', q.kind, 't', q.text, 'o', q.options, 'w', q.weight) ORDER BY q.position, q.id)
     FROM quiz_questions q WHERE q.tenant_id = $1 AND q.course_id = c.id),
  (SELECT json_agg(json_build_object('f', t.from_element_id, 't', t.to_element_id) ORDER BY t.from_element_id, t.to_element_id)
     FROM course_transitions t WHERE t.tenant_id = $1 AND t.course_id = c.id)
FROM courses c WHERE c.tenant_id = $1 AND c.id = $2 AND NOT c.is_deleted`

	// compliance (no group or status filter): the course's report rows once (s, with
	// sqlRptStatus: $1 is the report's instant), then the course name, the totals counted
	// from s (the same buckets as sqlRptTotals) and the page of s as JSON. $2 course,
	// $3 tenant, $4 limit+1, then the keyset ($5 sort name, $6 user id). Materialised, so
	// the page is a sort of the course's rows: with the generic plan PostgreSQL settles on
	// after five executions, a correlated page walked users by name and ran ten times
	// slower.
	bareComplianceHead = `WITH s AS MATERIALIZED (
  SELECT u.id AS user_id, a.id AS assignment_id, u.name, u.email, ` + sqlRptStatus + ` AS status,
         a.created_at, a.start_at, a.due_at, a.started_at, a.completed_at, a.score, lower(u.name) AS sort_name
    FROM assignments a
    JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id AND u.status = 'active'
   WHERE a.tenant_id = $3 AND a.course_id = $2)
SELECT c.name, t.*,
  (SELECT json_agg(r ORDER BY r.sort_name, r.user_id) FROM (SELECT * FROM s`
	bareComplianceAfter = ` WHERE (s.sort_name, s.user_id) > ($5, $6::uuid)`
	bareComplianceTail  = ` ORDER BY s.sort_name, s.user_id LIMIT $4) r) AS page
FROM courses c, (SELECT count(*), count(*) FILTER (WHERE status = 'scheduled'), count(*) FILTER (WHERE status = 'completed'),
  count(*) FILTER (WHERE status = 'overdue'), count(*) FILTER (WHERE status = 'in_progress'), count(*) FILTER (WHERE status = 'assigned'),
  count(*) FILTER (WHERE status = 'expired') FROM s) t
WHERE c.tenant_id = $3 AND c.id = $2 AND NOT c.is_deleted`

	// list_assignments' existence check, only when the page came back empty (404 or an
	// empty list?).
	bareUserExists = `SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2`
)

// bareCohortRefs is sqlCohortRefs with the tenant as $4: after an INSERT that came back
// empty, it names the missing reference (the error path only).
var bareCohortRefs = strings.ReplaceAll(sqlCohortRefs, "learnd_tenant()", "$4")

// list_assignments: learnd's own statement (lms_sql.go) with the tenant as a parameter in
// place of learnd_tenant() — one statement; the page has nothing to add.
var (
	bareUserAssignments      = strings.ReplaceAll(sqlUserAssignments, "learnd_tenant()", "@tenant")
	bareUserAssignmentsAfter = strings.ReplaceAll(sqlUserAssignmentsAfter, "learnd_tenant()", "@tenant")
)

// barePatchCols are the columns a merge patch may set, in the order their SET clauses are
// written (so one set of patched members always gives the same statement text, and pgx's
// statement cache prepares it once).
var barePatchCols = []string{"name", "program_id", "group_id", "start_date", "end_date", "status", "session_count",
	"completion_required_pct", "facilitator_ids", "assigned_assessment_ids", "metadata", "tags", "source", "source_type"}
