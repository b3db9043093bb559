package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

// scopeBegin is what store.scopedBegin was: BEGIN and the scope statement travel together as one
// simple-protocol query, the tenant and application written as literals.
func scopeBegin(p principal) (pgx.TxOptions, error) {
	if strings.ContainsRune(p.tenant, 0) || strings.ContainsRune(p.appID, 0) {
		return pgx.TxOptions{}, errors.New("scope transaction: a NUL byte in the tenant or application id")
	}
	return pgx.TxOptions{BeginQuery: "BEGIN; SELECT set_config('role', 'learnd_app', true), set_config('learnd.tenant_id', " +
		sqlLiteral(p.tenant) + ", true), set_config('learnd.app_id', " + sqlLiteral(p.appID) + ", true)"}, nil
}

// sqlLiteral quotes s as a standard SQL string literal.
func sqlLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// sqlCohortRefs is store.cohortRefs' statement: a cohort's group, facilitators and
// assessments must exist in the caller's tenant (checked in every cohort write's
// transaction, before the INSERT or UPDATE).
const sqlCohortRefs = `SELECT
  ($1::uuid IS NULL OR EXISTS (SELECT 1 FROM groups WHERE tenant_id = learnd_tenant() AND id = $1)),
  ARRAY(SELECT x FROM unnest($2::uuid[]) AS x WHERE NOT EXISTS (SELECT 1 FROM users WHERE tenant_id = learnd_tenant() AND id = x)),
  ARRAY(SELECT x FROM unnest($3::uuid[]) AS x WHERE NOT EXISTS (SELECT 1 FROM assessments
    WHERE tenant_id = learnd_tenant() AND id = x AND NOT is_deleted))`

// refsError is a cohort reference that does not exist in the tenant (a 422).
type refsError struct{ detail string }

func (e *refsError) Error() string { return e.detail }

// refUUIDs parses a cohort's facilitator or assessment ids.
func refUUIDs(prefix string, ids []string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, 0, len(ids))
	for _, s := range ids {
		id, err := typeid.Parse(prefix, s)
		if err != nil {
			return nil, &refsError{fmt.Sprintf("not a %s id: %s", prefix, s)}
		}
		out = append(out, id)
	}
	return out, nil
}

// checkCohortRefs runs sqlRefs (sqlCohortRefs, or the bare baseline's tenant-parameter
// twin with tenant appended) for c; a *refsError names the first missing reference.
func checkCohortRefs(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, sqlRefs string, c *cohortRow, tenant ...any) error {
	people, err := refUUIDs(typeid.Person, c.FacilitatorIDs)
	if err != nil {
		return err
	}
	asms, err := refUUIDs(typeid.Assessment, c.AssignedAssessmentIDs)
	if err != nil {
		return err
	}
	var groupOK bool
	var missingPeople, missingAsms []uuid.UUID
	if err := q.QueryRow(ctx, sqlRefs, append([]any{c.GroupID, people, asms}, tenant...)...).
		Scan(&groupOK, &missingPeople, &missingAsms); err != nil {
		return fmt.Errorf("cohort references: %w", err)
	}
	switch {
	case !groupOK:
		return &refsError{"group_id: no such group"}
	case len(missingPeople) > 0:
		return &refsError{"facilitator_ids: no such user: " + typeid.Format(typeid.Person, missingPeople[0])}
	case len(missingAsms) > 0:
		return &refsError{"assigned_assessment_ids: no such assessment: " + typeid.Format(typeid.Assessment, missingAsms[0])}
	}
	return nil
}
