package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

// The baseline's v1 cohort handlers: learnd's store statements (sql.go) in one transaction
// per request, after the caller lookup, answering learnd's JSON.

func (b *baseline) getCohort(w http.ResponseWriter, r *http.Request, p principal) {
	id, err := typeid.Parse(typeid.Cohort, r.PathValue("id"))
	if err != nil {
		problem(w, http.StatusBadRequest, "the id is malformed")
		return
	}
	var c cohortRow
	err = b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		if err := queryCohort(r.Context(), tx, &c, sqlFor(sqlGet, p), getArgs(p, id)...); err != nil {
			return err
		}
		return fillCompletion(r.Context(), tx, p.tenant, []*cohortRow{&c})
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		problem(w, http.StatusNotFound, "cohort "+r.PathValue("id")+" not found")
		return
	case err != nil:
		serverError(w, err)
		return
	}
	w.Header().Set("ETag", etag(c.Version))
	writeJSON(w, http.StatusOK, c.out())
}

type cursor struct {
	Order string    `json:"o"`
	Key   string    `json:"k"`
	ID    uuid.UUID `json:"i"`
}

type cohortList struct {
	Data          []cohortOut `json:"data"`
	NextPageToken *string     `json:"next_page_token,omitempty"`
	HasMore       bool        `json:"has_more"`
}

// listCohorts serves the newest-first list with page_size and page_token; other filters
// are not part of the benchmark.
func (b *baseline) listCohorts(w http.ResponseWriter, r *http.Request, p principal) {
	q := r.URL.Query()
	size := 20
	if s := q.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 100 {
			problem(w, http.StatusBadRequest, "page_size must be 1..100")
			return
		}
		size = n
	}
	const order = "-created_at"
	var after *cursor
	if tok := q.Get("page_token"); tok != "" {
		var c cursor
		if err := b.pages.Decode("cohorts", tok, &c); err != nil || c.Order != order {
			problem(w, http.StatusBadRequest, "page_token is invalid")
			return
		}
		after = &c
	}
	rows := make([]cohortRow, 0, size+1)
	err := b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		var res pgx.Rows
		var err error
		if after == nil {
			res, err = tx.Query(r.Context(), sqlFor(sqlList, p), listArgs(p, size+1)...)
		} else {
			res, err = tx.Query(r.Context(), sqlFor(sqlListAfter, p), listAfterArgs(p, after.Key, after.ID, size+1)...)
		}
		if err != nil {
			return err
		}
		for res.Next() {
			rows = append(rows, cohortRow{})
			if err := scanCohort(res, &rows[len(rows)-1]); err != nil {
				res.Close()
				return err
			}
		}
		res.Close()
		if err := res.Err(); err != nil {
			return err
		}
		// learnd's generic list fills the page's completion in the same transaction, only
		// when some cohort of the page has a group.
		cs := make([]*cohortRow, 0, size)
		for i := range rows[:min(len(rows), size)] {
			cs = append(cs, &rows[i])
		}
		return fillCompletion(r.Context(), tx, p.tenant, cs)
	})
	if err != nil {
		serverError(w, err)
		return
	}
	b.writeCohortPage(w, rows, size)
}

func (b *baseline) createCohort(w http.ResponseWriter, r *http.Request, p principal) {
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
	if p.appID != "" {
		c.AppID = &p.appID
	}
	if err := c.apply(in); err != nil {
		problem(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	err := b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		if err := checkCohortRefs(r.Context(), tx, sqlCohortRefs, &c); err != nil {
			return err
		}
		if err := queryCohort(r.Context(), tx, &c, sqlInsert, c.insertArgs()...); err != nil {
			return err
		}
		if err := fillCompletion(r.Context(), tx, p.tenant, []*cohortRow{&c}); err != nil {
			return err
		}
		return audit(r.Context(), tx, p, requestID(r), "cohort.create", nil, &c)
	})
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

// patchCohort applies a JSON Merge Patch under If-Match: lock, check the version, merge,
// write every writable column with the version bumped.
func (b *baseline) patchCohort(w http.ResponseWriter, r *http.Request, p principal) {
	id, patch, expected, ok := cohortPatchRequest(w, r, p)
	if !ok {
		return
	}
	var c cohortRow
	var stale, invalid error
	err := b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		if err := queryCohort(r.Context(), tx, &c, sqlFor(sqlLock, p), getArgs(p, id)...); err != nil {
			return err
		}
		if c.Version != expected {
			stale = fmt.Errorf("version %d is stale; the current version is %d", expected, c.Version)
			return stale
		}
		if err := fillCompletion(r.Context(), tx, p.tenant, []*cohortRow{&c}); err != nil {
			return err
		}
		before := c.auditView()
		if invalid = c.merge(patch); invalid != nil {
			return invalid
		}
		if err := checkCohortRefs(r.Context(), tx, sqlCohortRefs, &c); err != nil {
			if errors.As(err, new(*refsError)) {
				invalid = err
			}
			return err
		}
		c.Version++
		c.UpdatedAt = time.Now().UTC().Truncate(time.Microsecond)
		c.UpdatedBy = &p.personID
		if err := queryCohort(r.Context(), tx, &c, sqlUpdate, c.updateArgs()...); err != nil {
			return err
		}
		if err := fillCompletion(r.Context(), tx, p.tenant, []*cohortRow{&c}); err != nil {
			return err
		}
		return audit(r.Context(), tx, p, requestID(r), "cohort.update", before, &c)
	})
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		problem(w, http.StatusNotFound, "cohort "+r.PathValue("id")+" not found")
		return
	case stale != nil:
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusPreconditionFailed)
		_ = json.NewEncoder(w).Encode(map[string]any{"type": "https://learnd.dev/problems/precondition-failed",
			"title": "Precondition failed", "status": 412, "detail": stale.Error(), "current_version": c.Version})
		return
	case invalid != nil:
		problem(w, http.StatusUnprocessableEntity, invalid.Error())
		return
	case err != nil:
		serverError(w, err)
		return
	}
	w.Header().Set("ETag", etag(c.Version))
	writeJSON(w, http.StatusOK, c.out())
}
