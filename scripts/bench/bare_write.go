package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

// The bare baseline's cohort writes: one statement each (bare_sql.go) — the row, its
// reference checks in the statement's WHERE and its audit entry in a CTE.

func (b *baseline) bareCreateCohort(w http.ResponseWriter, r *http.Request, p principal) {
	if !bareTenantOnly(w, p) {
		return
	}
	if !p.canWrite() {
		problem(w, http.StatusForbidden, "this action needs the write scope and the manager role or above")
		return
	}
	var in cohortIn
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		problem(w, http.StatusBadRequest, "malformed JSON")
		return
	}
	if in.Name == nil || *in.Name == "" {
		problem(w, http.StatusUnprocessableEntity, "name is required")
		return
	}
	ts := time.Now().UTC().Truncate(time.Microsecond)
	c := cohortRow{
		TenantID: p.tenant, ID: uuid.Must(uuid.NewV7()), CreatedAt: ts, UpdatedAt: ts,
		CreatedBy: &p.personID, UpdatedBy: &p.personID, Source: "edm", SourceType: "api",
		SchemaVersion: 1, Version: 1, Status: "draft",
		FacilitatorIDs: []string{}, AssignedAssessmentIDs: []string{}, Metadata: map[string]any{}, Tags: []string{},
	}
	if err := c.apply(in); err != nil {
		problem(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	people, err := refUUIDs(typeid.Person, c.FacilitatorIDs)
	if err != nil {
		problem(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	asms, err := refUUIDs(typeid.Assessment, c.AssignedAssessmentIDs)
	if err != nil {
		problem(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	after, err := json.Marshal(c.auditView())
	if err != nil {
		serverError(w, err)
		return
	}
	args := append(c.insertArgs(), uuid.Must(uuid.NewV7()), typeid.Format(typeid.Cohort, c.ID), after, requestID(r), people, asms)
	err = b.bareCohort(r.Context(), &c, bareInsert, args...)
	if errors.Is(err, pgx.ErrNoRows) { // not inserted: which reference is missing?
		if err = checkCohortRefs(r.Context(), b.pool, bareCohortRefs, &c, p.tenant); err == nil {
			err = errors.New("create: no row and no missing reference")
		}
	}
	var refs *refsError
	if errors.As(err, &refs) {
		problem(w, http.StatusUnprocessableEntity, refs.Error())
		return
	}
	if err != nil {
		serverError(w, err)
		return
	}
	out := c.out()
	w.Header().Set("ETag", etag(c.Version))
	w.Header().Set("Location", "/api/v1/learning/cohorts/"+out.ID)
	writeJSON(w, http.StatusCreated, out)
}

// barePatchCohort applies a JSON Merge Patch under If-Match in one statement: the SET
// clauses of the members present (metadata merged member by member, null removing one),
// the version checked and bumped in the UPDATE's WHERE and SET, the references it sets
// checked in the WHERE too. Only when no row comes back does a second statement tell a
// missing cohort (404) from a stale version (412) or a missing reference (422).
func (b *baseline) barePatchCohort(w http.ResponseWriter, r *http.Request, p principal) {
	if !bareTenantOnly(w, p) {
		return
	}
	id, patch, expected, ok := cohortPatchRequest(w, r, p)
	if !ok {
		return
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	args := []any{p.tenant, id, now, p.personID, expected, uuid.Must(uuid.NewV7()), typeid.Format(typeid.Cohort, id), requestID(r)}
	sql, args, err := barePatchSQL(patch, args)
	if err != nil {
		problem(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	var c cohortRow
	err = b.bareCohort(r.Context(), &c, sql, args...)
	if errors.Is(err, pgx.ErrNoRows) {
		var current int
		if err := b.pool.QueryRow(r.Context(), bareVersion, p.tenant, id).Scan(&current); errors.Is(err, pgx.ErrNoRows) {
			problem(w, http.StatusNotFound, "cohort "+r.PathValue("id")+" not found")
			return
		} else if err != nil {
			serverError(w, err)
			return
		}
		if current == expected {
			problem(w, http.StatusUnprocessableEntity, "a group, facilitator or assessment the patch names does not exist in the tenant")
			return
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusPreconditionFailed)
		_ = json.NewEncoder(w).Encode(map[string]any{"type": "https://learnd.dev/problems/precondition-failed",
			"title": "Precondition failed", "status": 412, "current_version": current,
			"detail": fmt.Sprintf("version %d is stale; the current version is %d", expected, current)})
		return
	}
	if err != nil {
		serverError(w, err)
		return
	}
	w.Header().Set("ETag", etag(c.Version))
	writeJSON(w, http.StatusOK, c.out())
}

// barePatchSQL renders the patch statement for the members of patch that name writable
// columns (in barePatchCols order) and appends their values to args.
func barePatchSQL(patch map[string]json.RawMessage, args []any) (string, []any, error) {
	var sb, refs strings.Builder
	sb.WriteString(barePatchHead)
	param := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	for _, col := range barePatchCols {
		raw, ok := patch[col]
		if !ok {
			continue
		}
		null := string(raw) == "null"
		var v any
		var err error
		switch col {
		case "name", "status", "source", "source_type": // not nullable: null leaves them
			if null {
				continue
			}
			var s string
			if err = json.Unmarshal(raw, &s); err == nil && s == "" && col == "name" {
				err = errors.New("must not be empty")
			}
			v = s
		case "program_id":
			var s *string
			err = json.Unmarshal(raw, &s)
			v = s
		case "group_id":
			var g *uuid.UUID
			var s *string
			if err = json.Unmarshal(raw, &s); err == nil && s != nil {
				var u uuid.UUID
				if u, err = typeid.Parse(typeid.Group, *s); err == nil {
					g = &u
				}
			}
			v = g
			if err == nil {
				ph := param(v)
				fmt.Fprintf(&sb, `, "group_id" = %s`, ph)
				fmt.Fprintf(&refs, barePatchGroupRef, ph)
				continue
			}
		case "start_date", "end_date":
			var t *time.Time
			err = json.Unmarshal(raw, &t)
			v = t
		case "session_count":
			var n *int
			err = json.Unmarshal(raw, &n)
			v = n
		case "completion_required_pct":
			var f *float64
			err = json.Unmarshal(raw, &f)
			v = f
		case "facilitator_ids", "assigned_assessment_ids", "tags":
			if null {
				continue
			}
			var s []string
			err = json.Unmarshal(raw, &s)
			v = []byte(jsonText(nonNil(s)))
			if err == nil && col != "tags" {
				prefix, cond := typeid.Person, barePatchPeopleRef
				if col == "assigned_assessment_ids" {
					prefix, cond = typeid.Assessment, barePatchAsmRef
				}
				var ids []uuid.UUID
				if ids, err = refUUIDs(prefix, s); err == nil {
					fmt.Fprintf(&refs, cond, param(ids))
				}
			}
		case "metadata":
			var m map[string]any
			if err = json.Unmarshal(raw, &m); err != nil {
				break
			}
			set, drop := map[string]any{}, []string{}
			for k, mv := range m {
				if mv == nil {
					drop = append(drop, k)
				} else {
					set[k] = mv
				}
			}
			fmt.Fprintf(&sb, `, "metadata" = (old.metadata || %s::jsonb) - %s::text[]`, param([]byte(jsonText(set))), param(drop))
			continue
		}
		if err != nil {
			return "", nil, fmt.Errorf("%s: %v", col, err)
		}
		fmt.Fprintf(&sb, `, %q = %s`, col, param(v))
	}
	sb.WriteString(barePatchWhere)
	sb.WriteString(refs.String())
	sb.WriteString(barePatchTail)
	return sb.String(), args, nil
}
