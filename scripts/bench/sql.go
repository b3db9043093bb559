package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

// The statements learnd's store sends for cohorts, byte for byte as GORM renders them
// (captured with log_statement=all against learnd; `bench load -check-sql` compares them
// with pg_stat_activity at run time). Both sides go through pgx's default statement cache
// (prepared statements), learnd via database/sql + pgx/stdlib, the baseline via pgxpool.
const (
	// repo.Get (and repo.lock with FOR UPDATE): tx.table() filters, then id, Limit(1).
	sqlGet     = `SELECT * FROM "cohorts" WHERE cohorts.tenant_id = $1 AND NOT cohorts.is_deleted AND id = $2 LIMIT $3`
	sqlGetApp  = `SELECT * FROM "cohorts" WHERE cohorts.tenant_id = $1 AND cohorts.app_id = $2 AND NOT cohorts.is_deleted AND id = $3 LIMIT $4`
	sqlLock    = sqlGet + ` FOR UPDATE`
	sqlLockApp = sqlGetApp + ` FOR UPDATE`

	// repo.list, default order -created_at, first page and keyset continuation.
	sqlList         = `SELECT * FROM "cohorts" WHERE cohorts.tenant_id = $1 AND NOT cohorts.is_deleted ORDER BY created_at DESC, id DESC LIMIT $2`
	sqlListApp      = `SELECT * FROM "cohorts" WHERE cohorts.tenant_id = $1 AND cohorts.app_id = $2 AND NOT cohorts.is_deleted ORDER BY created_at DESC, id DESC LIMIT $3`
	sqlListAfter    = `SELECT * FROM "cohorts" WHERE cohorts.tenant_id = $1 AND NOT cohorts.is_deleted AND (created_at, id) < ($2::timestamptz, $3) ORDER BY created_at DESC, id DESC LIMIT $4`
	sqlListAfterApp = `SELECT * FROM "cohorts" WHERE cohorts.tenant_id = $1 AND cohorts.app_id = $2 AND NOT cohorts.is_deleted AND (created_at, id) < ($3::timestamptz, $4) ORDER BY created_at DESC, id DESC LIMIT $5`

	// repo.Create: every column but the computed ones (current_completion_pct), RETURNING the
	// stored row.
	sqlInsert = `INSERT INTO "cohorts" ("tenant_id","id","app_id","created_at","updated_at","created_by","updated_by","source","source_type","is_deleted","deleted_at","deleted_by","schema_version","version","group_id","program_id","name","start_date","end_date","status","session_count","facilitator_ids","assigned_assessment_ids","completion_required_pct","metadata","tags") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26) RETURNING *`

	// repo.Update: the table's prebuilt UPDATE (store/writes.go): every column but the
	// immutable and computed ones, keyed by tenant and id, RETURNING the stored row.
	sqlUpdate = `UPDATE "cohorts" SET "updated_at"=$1,"updated_by"=$2,"source"=$3,"source_type"=$4,"is_deleted"=$5,"deleted_at"=$6,"deleted_by"=$7,"schema_version"=$8,"version"=$9,"group_id"=$10,"program_id"=$11,"name"=$12,"start_date"=$13,"end_date"=$14,"status"=$15,"session_count"=$16,"facilitator_ids"=$17,"assigned_assessment_ids"=$18,"completion_required_pct"=$19,"metadata"=$20,"tags"=$21 WHERE tenant_id = $22 AND id = $23 RETURNING *`
)

// sqlFor picks the statement for the caller: learnd adds the app_id filter when the
// token was minted for an application.
func sqlFor(q string, p principal) string {
	if p.appID == "" {
		return q
	}
	switch q {
	case sqlGet:
		return sqlGetApp
	case sqlLock:
		return sqlLockApp
	case sqlList:
		return sqlListApp
	case sqlListAfter:
		return sqlListAfterApp
	}
	return q
}

func getArgs(p principal, id uuid.UUID) []any {
	if p.appID == "" {
		return []any{p.tenant, id, 1}
	}
	return []any{p.tenant, p.appID, id, 1}
}

func listArgs(p principal, limit int) []any {
	if p.appID == "" {
		return []any{p.tenant, limit}
	}
	return []any{p.tenant, p.appID, limit}
}

func listAfterArgs(p principal, key string, id uuid.UUID, limit int) []any {
	if p.appID == "" {
		return []any{p.tenant, key, id, limit}
	}
	return []any{p.tenant, p.appID, key, id, limit}
}

// The v1 cohort paths' newer statements: store/cohort_completion.go (a cohort backed by a
// group gets current_completion_pct from the group's assignments on every read and write)
// and store/repo_audit.go + store/lms.go (every write records an audit entry in its
// transaction).
const (
	sqlCompletion = `SELECT m.group_id,
       count(*) FILTER (WHERE a.completed_at IS NOT NULL) AS completed,
       count(*) AS total
  FROM group_members m
  JOIN group_course_assignments g ON g.tenant_id = m.tenant_id AND g.group_id = m.group_id
  JOIN assignments a ON a.tenant_id = m.tenant_id AND a.user_id = m.user_id AND a.course_id = g.course_id
  JOIN courses c ON c.tenant_id = a.tenant_id AND c.id = a.course_id
 WHERE m.tenant_id = $1 AND g.tenant_id = $1 AND a.tenant_id = $1 AND c.tenant_id = $1
   AND m.group_id = ANY($2::uuid[])
   AND NOT c.is_deleted
   AND (a.start_at IS NULL OR a.start_at <= $3)
 GROUP BY m.group_id`

	sqlAudit = `INSERT INTO audit_log (tenant_id, id, created_at, actor_id, app_id, key_id, surface, action, target_type, target_id, before, after, request_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`
)

// fillCompletion is store.fillCompletion: one query for the groups of cs, none when no
// cohort has a group.
func fillCompletion(ctx context.Context, tx pgx.Tx, tenant string, cs []*cohortRow) error {
	var groups []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, c := range cs {
		if c.GroupID != nil && !seen[*c.GroupID] {
			seen[*c.GroupID] = true
			groups = append(groups, *c.GroupID)
		}
	}
	if len(groups) == 0 {
		return nil
	}
	rows, err := tx.Query(ctx, sqlCompletion, tenant, groups, time.Now().UTC().Truncate(time.Microsecond))
	if err != nil {
		return fmt.Errorf("cohort completion: %w", err)
	}
	defer rows.Close()
	pct := map[uuid.UUID]float64{}
	for rows.Next() {
		var g uuid.UUID
		var completed, total int64
		if err := rows.Scan(&g, &completed, &total); err != nil {
			return fmt.Errorf("cohort completion: %w", err)
		}
		if total > 0 {
			pct[g] = math.Round(1000*float64(completed)/float64(total)) / 10
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("cohort completion: %w", err)
	}
	for _, c := range cs {
		if c.GroupID == nil {
			continue
		}
		if p, ok := pct[*c.GroupID]; ok {
			c.CurrentCompletionPct = &p
		}
	}
	return nil
}

// auditView is store.auditView of a cohort: every column, ids as TypeIDs, jsonb as JSON.
func (c *cohortRow) auditView() map[string]any {
	raw := func(v any) json.RawMessage { return json.RawMessage(jsonText(v)) }
	return map[string]any{
		"tenant_id": c.TenantID, "id": typeid.Format(typeid.Cohort, c.ID), "app_id": c.AppID,
		"created_at": c.CreatedAt, "updated_at": c.UpdatedAt,
		"created_by": idOut(typeid.Person, c.CreatedBy), "updated_by": idOut(typeid.Person, c.UpdatedBy),
		"source": c.Source, "source_type": c.SourceType, "is_deleted": c.IsDeleted, "deleted_at": c.DeletedAt,
		"deleted_by": idOut(typeid.Person, c.DeletedBy), "schema_version": c.SchemaVersion, "version": c.Version,
		"group_id": idOut(typeid.Group, c.GroupID), "program_id": c.ProgramID, "name": c.Name,
		"start_date": c.StartDate, "end_date": c.EndDate, "status": c.Status, "session_count": c.SessionCount,
		"facilitator_ids": raw(c.FacilitatorIDs), "assigned_assessment_ids": raw(c.AssignedAssessmentIDs),
		"completion_required_pct": c.CompletionRequiredPct, "current_completion_pct": c.CurrentCompletionPct,
		"metadata": raw(c.Metadata), "tags": raw(c.Tags),
	}
}

// audit is store.tx.audit for a cohort write: before (nil on create) and after views.
func audit(ctx context.Context, tx pgx.Tx, p principal, requestID, action string, before map[string]any, after *cohortRow) error {
	var b, a []byte
	var err error
	if before != nil {
		if b, err = json.Marshal(before); err != nil {
			return err
		}
	}
	if a, err = json.Marshal(after.auditView()); err != nil {
		return err
	}
	var actor *uuid.UUID
	if p.personID != uuid.Nil {
		actor = &p.personID
	}
	var app, rid *string
	if p.appID != "" {
		app = &p.appID
	}
	if requestID != "" {
		rid = &requestID
	}
	_, err = tx.Exec(ctx, sqlAudit, p.tenant, uuid.Must(uuid.NewV7()), time.Now().UTC().Truncate(time.Microsecond), actor, app, (*uuid.UUID)(nil),
		"api", action, "cohort", typeid.Format(typeid.Cohort, after.ID), b, a, rid)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}
