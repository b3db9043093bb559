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

// cohortRow is one row of cohorts, in column order.
type cohortRow struct {
	TenantID              string
	ID                    uuid.UUID
	AppID                 *string
	CreatedAt             time.Time
	UpdatedAt             time.Time
	CreatedBy             *uuid.UUID
	UpdatedBy             *uuid.UUID
	Source                string
	SourceType            string
	IsDeleted             bool
	DeletedAt             *time.Time
	DeletedBy             *uuid.UUID
	SchemaVersion         int
	Version               int
	GroupID               *uuid.UUID
	ProgramID             *string
	Name                  string
	StartDate             *time.Time
	EndDate               *time.Time
	Status                string
	SessionCount          *int
	FacilitatorIDs        []string
	AssignedAssessmentIDs []string
	CompletionRequiredPct *float64
	CurrentCompletionPct  *float64
	Metadata              map[string]any
	Tags                  []string
}

// scanCohort scans the current row into c by column name, as GORM does: a column the
// baseline does not know (say a generated sort key added by a migration) is skipped.
func scanCohort(rows pgx.Rows, c *cohortRow) error {
	fds := rows.FieldDescriptions()
	dest := make([]any, len(fds))
	for i, fd := range fds {
		dest[i] = c.column(fd.Name) // nil: pgx skips the column
	}
	return rows.Scan(dest...)
}

func (c *cohortRow) column(name string) any {
	switch name {
	case "tenant_id":
		return &c.TenantID
	case "id":
		return &c.ID
	case "app_id":
		return &c.AppID
	case "created_at":
		return &c.CreatedAt
	case "updated_at":
		return &c.UpdatedAt
	case "created_by":
		return &c.CreatedBy
	case "updated_by":
		return &c.UpdatedBy
	case "source":
		return &c.Source
	case "source_type":
		return &c.SourceType
	case "is_deleted":
		return &c.IsDeleted
	case "deleted_at":
		return &c.DeletedAt
	case "deleted_by":
		return &c.DeletedBy
	case "schema_version":
		return &c.SchemaVersion
	case "version":
		return &c.Version
	case "group_id":
		return &c.GroupID
	case "program_id":
		return &c.ProgramID
	case "name":
		return &c.Name
	case "start_date":
		return &c.StartDate
	case "end_date":
		return &c.EndDate
	case "status":
		return &c.Status
	case "session_count":
		return &c.SessionCount
	case "facilitator_ids":
		return &c.FacilitatorIDs
	case "assigned_assessment_ids":
		return &c.AssignedAssessmentIDs
	case "completion_required_pct":
		return &c.CompletionRequiredPct
	case "current_completion_pct":
		return &c.CurrentCompletionPct
	case "metadata":
		return &c.Metadata
	case "tags":
		return &c.Tags
	}
	return nil
}

// queryCohort runs a statement that returns at most one cohort row into c;
// pgx.ErrNoRows when it returns none.
func queryCohort(ctx context.Context, tx pgx.Tx, c *cohortRow, sql string, args ...any) error {
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	if err := scanCohort(rows, c); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}

// jsonText encodes a jsonb value as text, as learnd's store.JSON[T].Value does.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func (c *cohortRow) insertArgs() []any {
	return []any{c.TenantID, c.ID, c.AppID, c.CreatedAt, c.UpdatedAt, c.CreatedBy, c.UpdatedBy,
		c.Source, c.SourceType, c.IsDeleted, c.DeletedAt, c.DeletedBy, c.SchemaVersion, c.Version,
		c.GroupID, c.ProgramID, c.Name, c.StartDate, c.EndDate, c.Status, c.SessionCount,
		jsonText(c.FacilitatorIDs), jsonText(c.AssignedAssessmentIDs), c.CompletionRequiredPct,
		jsonText(c.Metadata), jsonText(c.Tags)}
}

func (c *cohortRow) updateArgs() []any {
	return []any{c.UpdatedAt, c.UpdatedBy, c.Source, c.SourceType, c.IsDeleted, c.DeletedAt, c.DeletedBy,
		c.SchemaVersion, c.Version, c.GroupID, c.ProgramID, c.Name, c.StartDate, c.EndDate, c.Status,
		c.SessionCount, jsonText(c.FacilitatorIDs), jsonText(c.AssignedAssessmentIDs), c.CompletionRequiredPct,
		jsonText(c.Metadata), jsonText(c.Tags),
		c.TenantID, c.ID}
}

// cohortOut is the API representation (the field names of learnd's api.Cohort).
type cohortOut struct {
	ID                    string         `json:"id"`
	TenantID              string         `json:"tenant_id"`
	AppID                 *string        `json:"app_id,omitempty"`
	CreatedAt             time.Time      `json:"created_at"`
	UpdatedAt             time.Time      `json:"updated_at"`
	CreatedBy             *string        `json:"created_by,omitempty"`
	UpdatedBy             *string        `json:"updated_by,omitempty"`
	Source                string         `json:"source"`
	SourceType            string         `json:"source_type"`
	IsDeleted             bool           `json:"is_deleted"`
	DeletedAt             *time.Time     `json:"deleted_at"`
	DeletedBy             *string        `json:"deleted_by"`
	SchemaVersion         int            `json:"schema_version"`
	Version               int            `json:"version"`
	GroupID               *string        `json:"group_id,omitempty"`
	ProgramID             *string        `json:"program_id,omitempty"`
	Name                  string         `json:"name"`
	StartDate             *time.Time     `json:"start_date,omitempty"`
	EndDate               *time.Time     `json:"end_date,omitempty"`
	Status                string         `json:"status"`
	SessionCount          *int           `json:"session_count,omitempty"`
	FacilitatorIDs        []string       `json:"facilitator_ids"`
	AssignedAssessmentIDs []string       `json:"assigned_assessment_ids"`
	CompletionRequiredPct *float64       `json:"completion_required_pct,omitempty"`
	CurrentCompletionPct  *float64       `json:"current_completion_pct,omitempty"`
	Metadata              map[string]any `json:"metadata"`
	Tags                  []string       `json:"tags"`
}

func idOut(prefix string, u *uuid.UUID) *string {
	if u == nil {
		return nil
	}
	s := typeid.Format(prefix, *u)
	return &s
}

func (c *cohortRow) out() cohortOut {
	return cohortOut{
		ID: typeid.Format(typeid.Cohort, c.ID), TenantID: c.TenantID, AppID: c.AppID,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		CreatedBy: idOut(typeid.Person, c.CreatedBy), UpdatedBy: idOut(typeid.Person, c.UpdatedBy),
		Source: c.Source, SourceType: c.SourceType, IsDeleted: c.IsDeleted,
		DeletedAt: c.DeletedAt, DeletedBy: idOut(typeid.Person, c.DeletedBy),
		SchemaVersion: c.SchemaVersion, Version: c.Version,
		GroupID: idOut(typeid.Group, c.GroupID), ProgramID: c.ProgramID, Name: c.Name,
		StartDate: c.StartDate, EndDate: c.EndDate, Status: c.Status, SessionCount: c.SessionCount,
		FacilitatorIDs: nonNil(c.FacilitatorIDs), AssignedAssessmentIDs: nonNil(c.AssignedAssessmentIDs),
		CompletionRequiredPct: c.CompletionRequiredPct, CurrentCompletionPct: c.CurrentCompletionPct,
		Metadata: c.Metadata, Tags: nonNil(c.Tags),
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
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
