package main

import (
	"github.com/jackc/pgx/v5"
)

// The statements learnd sends for the caller lookup (on a cache miss) and for the LMS
// core's hot paths (/api/v2), copied byte for byte from store/identity.go, store/users.go
// (as GORM renders its builder), store/courses.go + store/course_structure.go,
// store/assignments.go and store/reports.go. `bench load -check-sql` compares them with
// what pg_stat_activity shows at run time; update them here when the store changes.
const (
	// store.scopedBatch and callerSQL (store.ResolveCaller): one batch, one round trip,
	// after every token check.
	sqlCallerScope = `SELECT set_config('role', 'learnd_app', true), set_config('learnd.tenant_id', $1, true), set_config('learnd.app_id', '', true), set_config('learnd.key_hash', $2, true)`
	sqlCaller      = `SELECT u.role, u.status, t.tier, t.mcp_access, t.mcp_ai_access
FROM (SELECT 1) one
LEFT JOIN users u ON u.tenant_id = learnd_tenant() AND u.id = $1
LEFT JOIN tenants t ON t.id = learnd_tenant()`

	// UserRepo.Find (GORM's rendering of t.lms("users").Select(userCols + sort key) with
	// the query filter, keyset continuation, Order and Limit), then loadUserGroups.
	sqlUserCols        = `users.id, users.name, users.email, users.role, users.status, users.banned_at, users.banned_by, users.created_at, users.updated_at, users.created_by, users.updated_by, users.version`
	sqlFindUsers       = `SELECT ` + sqlUserCols + `, lower(users.name) AS sort_key FROM "users" WHERE users.tenant_id = $1 ORDER BY lower(users.name), users.id LIMIT $2`
	sqlFindUsersQ      = `SELECT ` + sqlUserCols + `, lower(users.name) AS sort_key FROM "users" WHERE users.tenant_id = $1 AND ((lower(users.name) LIKE lower($2) OR lower(users.email) LIKE lower($3))) ORDER BY lower(users.name), users.id LIMIT $4`
	sqlFindUsersAfter  = `SELECT ` + sqlUserCols + `, lower(users.name) AS sort_key FROM "users" WHERE users.tenant_id = $1 AND (lower(users.name), users.id) > ($2, $3) ORDER BY lower(users.name), users.id LIMIT $4`
	sqlFindUsersQAfter = `SELECT ` + sqlUserCols + `, lower(users.name) AS sort_key FROM "users" WHERE users.tenant_id = $1 AND ((lower(users.name) LIKE lower($2) OR lower(users.email) LIKE lower($3))) AND (lower(users.name), users.id) > ($4, $5) ORDER BY lower(users.name), users.id LIMIT $6`
	sqlUserGroups      = `SELECT gm.user_id, g.id, g.name, g.kind
FROM group_members gm JOIN groups g ON g.tenant_id = gm.tenant_id AND g.id = gm.group_id
WHERE gm.tenant_id = learnd_tenant() AND g.tenant_id = learnd_tenant() AND gm.user_id = ANY($1)
ORDER BY lower(g.name), g.id`

	// CourseRepo.Get → loadCourse: one batch of the course, its shares and its structure
	// (structure.queue).
	sqlCourseCols     = `id, name, annotation, status, tags, owner_id, settings, published_at, created_at, updated_at, created_by, updated_by, version, is_deleted, deleted_at, deleted_by`
	sqlCourse         = `SELECT ` + sqlCourseCols + ` FROM courses WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`
	sqlCourseShares   = `SELECT user_id, created_at, created_by FROM course_shares WHERE tenant_id = learnd_tenant() AND course_id = $1 ORDER BY created_at, user_id`
	sqlCourseSections = `SELECT id, title FROM course_sections WHERE tenant_id = learnd_tenant() AND course_id = $1 ORDER BY position, id`
	sqlCourseElements = `SELECT id, section_id, kind, title, required, brief, pages, created_at, updated_at FROM course_elements
WHERE tenant_id = learnd_tenant() AND course_id = $1 ORDER BY position, id`
	sqlCourseQuestions = `SELECT id, element_id, kind, text, options, weight, source_chunk_id FROM quiz_questions
WHERE tenant_id = learnd_tenant() AND course_id = $1 ORDER BY position, id`
	sqlCourseTransitions = `SELECT from_element_id, to_element_id FROM course_transitions WHERE tenant_id = learnd_tenant() AND course_id = $1
ORDER BY from_element_id, to_element_id`

	// ListAssignments of a user: the existence check, then asgSelectSQL with the user
	// filter and the keyset page (pgx rewrites the named arguments to $n, as for learnd).
	sqlUserExists = `SELECT 1 FROM users WHERE tenant_id = learnd_tenant() AND id = $1`
	sqlAsgStatus  = `CASE WHEN a.start_at > @now THEN 'scheduled'
  WHEN a.completed_at IS NOT NULL THEN 'completed'
  WHEN a.due_at < @now THEN 'overdue'
  WHEN a.started_at IS NOT NULL THEN 'in_progress'
  ELSE 'assigned' END`
	sqlAsgLocked = `(a.chain_id IS NOT NULL AND a.completed_at IS NULL AND EXISTS (
  SELECT 1 FROM course_chains ch
    JOIN assignments p ON p.tenant_id = learnd_tenant() AND p.user_id = a.user_id AND p.completed_at IS NULL
     AND p.course_id = ANY (ch.course_ids[1:array_position(ch.course_ids, a.course_id) - 1])
   WHERE ch.tenant_id = learnd_tenant() AND ch.id = a.chain_id AND NOT ch.is_deleted))`
	sqlAsgProgress = `CASE WHEN a.completed_at IS NOT NULL THEN 100 ELSE coalesce((
  SELECT (100 * count(ep.completed_at) / nullif(count(*), 0))::int
    FROM course_elements e
    LEFT JOIN element_progress ep ON ep.tenant_id = learnd_tenant() AND ep.user_id = a.user_id AND ep.element_id = e.id
   WHERE e.tenant_id = learnd_tenant() AND e.course_id = a.course_id AND e.required), 0) END`
	sqlAsgSelect = `SELECT a.id, a.user_id, u.name AS user_name, a.course_id, c.name AS course_name, a.group_id, a.chain_id,
  CASE WHEN a.chain_id IS NULL THEN NULL ELSE coalesce((
    SELECT array_position(ch.course_ids, a.course_id) FROM course_chains ch
     WHERE ch.tenant_id = learnd_tenant() AND ch.id = a.chain_id AND NOT ch.is_deleted), a.chain_position) END AS chain_position,
  ` + sqlAsgLocked + ` AS locked,
  ` + sqlAsgStatus + ` AS status,
  a.created_at, a.start_at, a.due_at, a.started_at, a.completed_at, a.score, a.points_awarded,
  ` + sqlAsgProgress + ` AS progress_pct
FROM assignments a
JOIN courses c ON c.tenant_id = learnd_tenant() AND c.id = a.course_id AND NOT c.is_deleted
JOIN users u ON u.tenant_id = learnd_tenant() AND u.id = a.user_id
WHERE a.tenant_id = learnd_tenant()`
	sqlUserAssignments      = sqlAsgSelect + ` ` + ` AND a.user_id = @user ORDER BY a.id DESC LIMIT @limit`
	sqlUserAssignmentsAfter = sqlAsgSelect + ` ` + ` AND a.user_id = @user AND a.id < @after ORDER BY a.id DESC LIMIT @limit`

	// Store.Compliance without a group or status filter: the course, the totals, a page
	// of rows.
	sqlRptExpired = `coalesce((SELECT max(coalesce(cer.expires_at, 'infinity')) FROM certificates cer
  WHERE cer.tenant_id = a.tenant_id AND cer.user_id = a.user_id AND cer.course_id = a.course_id) <= $1, false)`
	sqlRptStatus = `CASE WHEN a.start_at > $1 THEN 'scheduled'
  WHEN a.completed_at IS NOT NULL AND ` + sqlRptExpired + ` THEN 'expired'
  WHEN a.completed_at IS NOT NULL THEN 'completed'
  WHEN a.due_at < $1 THEN 'overdue'
  WHEN a.started_at IS NOT NULL THEN 'in_progress'
  ELSE 'assigned' END`
	sqlRptTotals = `count(*),
  count(*) FILTER (WHERE a.start_at > $1),
  count(*) FILTER (WHERE NOT coalesce(a.start_at > $1, false) AND a.completed_at IS NOT NULL AND NOT ` + sqlRptExpired + `),
  count(*) FILTER (WHERE NOT coalesce(a.start_at > $1, false) AND a.completed_at IS NULL AND a.due_at < $1),
  count(*) FILTER (WHERE NOT coalesce(a.start_at > $1, false) AND a.completed_at IS NULL AND NOT coalesce(a.due_at < $1, false) AND a.started_at IS NOT NULL),
  count(*) FILTER (WHERE NOT coalesce(a.start_at > $1, false) AND a.completed_at IS NULL AND NOT coalesce(a.due_at < $1, false) AND a.started_at IS NULL),
  count(*) FILTER (WHERE NOT coalesce(a.start_at > $1, false) AND a.completed_at IS NOT NULL AND ` + sqlRptExpired + `)`
	sqlRptScope = `FROM assignments a
JOIN users u ON u.tenant_id = a.tenant_id AND u.id = a.user_id AND u.status = 'active'
WHERE a.tenant_id = learnd_tenant() AND a.course_id = $2
  AND ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM group_members gm
    WHERE gm.tenant_id = learnd_tenant() AND gm.group_id = $3 AND gm.user_id = a.user_id))`
	sqlComplianceCourse = `SELECT name FROM courses WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`
	sqlComplianceTotals = `SELECT ` + sqlRptTotals + ` ` + sqlRptScope
	sqlComplianceRows   = `SELECT * FROM (
SELECT u.id AS user_id, a.id AS assignment_id, u.name, u.email, ` + sqlRptStatus + ` AS status, a.created_at, a.start_at, a.due_at, a.started_at, a.completed_at, a.score, lower(u.name) AS sort_name
` + sqlRptScope + `) r
WHERE ($4::text IS NULL OR r.status = $4)
  AND ($5::text IS NULL OR (r.sort_name, r.user_id) > ($5, $6::uuid))
ORDER BY r.sort_name, r.user_id
LIMIT $7`
)

// caller is what store.scanCaller reads.
type caller struct {
	known, banned bool
	role          string
	tier, mcp     string
	mcpAI         bool
}

func (c *caller) scan(row pgx.Row) error {
	var role, status, tier, mcp *string
	var ai *bool
	if err := row.Scan(&role, &status, &tier, &mcp, &ai); err != nil {
		return err
	}
	c.tier, c.mcp = "starter", "none"
	if tier != nil {
		c.tier, c.mcp, c.mcpAI = *tier, *mcp, *ai
	}
	if role != nil {
		c.known, c.role, c.banned = true, *role, *status == "banned"
	}
	return nil
}
