package main

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

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
