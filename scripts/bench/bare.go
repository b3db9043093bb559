package main

// The bare baseline (bench baseline -mode bare): what a minimal server does for the same
// operations — net/http + pgx, the same token check (verify), then ONE SQL statement per
// request (bare_sql.go) with the tenant from the token's claim in the WHERE clause: no
// caller lookup (banned users and a lowered role are not noticed), no row-level security,
// no set_config, no transaction for reads, and the same JSON (learnd's API types, member
// for member). The mirrored baseline (baseline.go) measures learnd's framework; this one
// measures everything learnd does beyond the minimum, round trips included.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

// bareAppName tags the bare baseline's connections (the SQL sampler tells them apart).
const bareAppName = "learnd-bench-bare"

// bareRoutes checks that the connecting role sees every tenant's rows without a scope
// (the tables FORCE row-level security, which only a superuser or BYPASSRLS role skips),
// then serves the benchmarked operations.
func (b *baseline) bareRoutes(ctx context.Context, mux *http.ServeMux) error {
	var bypass bool
	if err := b.pool.QueryRow(ctx, `SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&bypass); err != nil {
		return fmt.Errorf("bare: role check: %w", err)
	}
	if !bypass {
		return errors.New("bare: the database role must bypass row-level security (superuser or BYPASSRLS): " +
			"the bare baseline filters by tenant in its WHERE clauses and sets no scope (BENCH_BARE=0 skips it)")
	}
	mux.HandleFunc("GET /api/v1/learning/cohorts/{id}", b.authed(b.bareGetCohort))
	mux.HandleFunc("PATCH /api/v1/learning/cohorts/{id}", b.authed(b.barePatchCohort))
	mux.HandleFunc("GET /api/v1/learning/cohorts", b.authed(b.bareListCohorts))
	mux.HandleFunc("POST /api/v1/learning/cohorts", b.authed(b.bareCreateCohort))
	mux.HandleFunc("GET /api/v2/users", b.authed(b.bareFindUsers))
	mux.HandleFunc("GET /api/v2/users/{userId}/courses/assignments", b.authed(b.bareListUserAssignments))
	mux.HandleFunc("GET /api/v2/courses/{courseId}/statistics/users", b.authed(b.bareCompliance))
	mux.HandleFunc("GET /api/v2/courses/{courseId}", b.authed(b.bareGetCourse))
	return nil
}

// bareTenantOnly refuses application tokens: the bare statements filter by tenant only
// (the benchmark mints none).
func bareTenantOnly(w http.ResponseWriter, p principal) bool {
	if p.appID != "" {
		problem(w, http.StatusForbidden, "the bare baseline serves tenant tokens only")
		return false
	}
	return true
}

// scanBareCohort scans a cohort row with its completion counts (bare_completed,
// bare_total) and fills current_completion_pct as store.fillCompletion does: from the
// group when it has counted assignments, else the stored column.
func scanBareCohort(rows pgx.Rows, c *cohortRow) error {
	var done, total int64
	fds := rows.FieldDescriptions()
	dest := make([]any, len(fds))
	for i, fd := range fds {
		switch fd.Name {
		case "bare_completed":
			dest[i] = &done
		case "bare_total":
			dest[i] = &total
		default:
			dest[i] = c.column(fd.Name)
		}
	}
	if err := rows.Scan(dest...); err != nil {
		return err
	}
	if c.GroupID != nil && total > 0 {
		pct := roundPct(done, total)
		c.CurrentCompletionPct = &pct
	}
	return nil
}

// roundPct is store.roundPct: 100 × part ÷ whole to one decimal.
func roundPct(part, whole int64) float64 {
	return math.Round(1000*float64(part)/float64(whole)) / 10
}

// bareCohort runs a statement returning at most one cohort; pgx.ErrNoRows when none.
func (b *baseline) bareCohort(ctx context.Context, c *cohortRow, sql string, args ...any) error {
	rows, err := b.pool.Query(ctx, sql, args...)
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
	if err := scanBareCohort(rows, c); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}

func (b *baseline) bareGetCohort(w http.ResponseWriter, r *http.Request, p principal) {
	if !bareTenantOnly(w, p) {
		return
	}
	id, err := typeid.Parse(typeid.Cohort, r.PathValue("id"))
	if err != nil {
		problem(w, http.StatusBadRequest, "the id is malformed")
		return
	}
	var c cohortRow
	switch err := b.bareCohort(r.Context(), &c, bareGet, p.tenant, id); {
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

func (b *baseline) bareListCohorts(w http.ResponseWriter, r *http.Request, p principal) {
	if !bareTenantOnly(w, p) {
		return
	}
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
	sql, args := bareListHead, []any{p.tenant}
	if tok := q.Get("page_token"); tok != "" {
		var c cursor
		if err := b.pages.Decode("cohorts", tok, &c); err != nil || c.Order != order {
			problem(w, http.StatusBadRequest, "page_token is invalid")
			return
		}
		sql, args = sql+bareListAfter, append(args, c.Key, c.ID)
	}
	rows, err := b.pool.Query(r.Context(), sql+fmt.Sprintf(bareListTail, size+1), args...)
	if err != nil {
		serverError(w, err)
		return
	}
	list := make([]cohortRow, 0, size+1)
	for rows.Next() {
		list = append(list, cohortRow{})
		if err := scanBareCohort(rows, &list[len(list)-1]); err != nil {
			rows.Close()
			serverError(w, err)
			return
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		serverError(w, err)
		return
	}
	b.writeCohortPage(w, list, size)
}
