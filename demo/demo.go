// Package demo loads the demo tenant `make run` shows in the explorer: its licence,
// people and groups, courses with structure, chains, assignments in every status, progress
// and certificates. It writes as the operator (store.AsOperator) with stable ids, so a
// second run changes nothing.
package demo

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// Person is a demo user with a fixed id (the ones `make run` prints tokens for).
type Person struct {
	ID    uuid.UUID
	Name  string
	Email string
	Role  auth.Role
}

// LMS describes the demo tenant's LMS data to load.
type LMS struct {
	Tenant string
	Name   string
	People []Person  // the fixed demo users; ~46 more are generated
	Now    time.Time // dates are relative to it (overdue, expiring)
}

// Result names what the seed created, for linking v1 records to it.
type Result struct {
	Records      int
	CohortGroups []uuid.UUID // groups of kind cohort, in creation order
}

// stableID is a stable UUID (version 7 layout) for a demo record, so reseeding an empty
// tenant gives the same ids.
func stableID(kind string, n int) uuid.UUID {
	h := sha256.Sum256([]byte(fmt.Sprintf("learnd-demo/%s/%d", kind, n)))
	var u uuid.UUID
	copy(u[:], h[:16])
	u[0], u[1], u[2], u[3], u[4], u[5] = 0x01, 0x93, 0x6b, 0x2e, 0x20, byte(len(kind))
	u[6] = 0x70 | u[6]&0x0f
	u[8] = 0x80 | u[8]&0x3f
	return u
}

type course struct {
	name, annotation string
	tags             []string
	points           int
	cert             bool
	validity         int // months; 0 none
	sections         []section
	quiz             []question
}

type section struct {
	title   string
	lessons []lesson
}

type lesson struct {
	title, description string
	keyPoints          []string
}

type question struct {
	text    string
	options []string
	correct int
}

// Seed loads the demo tenant: its licence, ~50 users across roles and groups, 12
// courses with structure, two chains, assignments in every status, progress, points and
// certificates (some expiring soon). It does nothing when the tenant already has users.
func Seed(ctx context.Context, st *store.Store, d LMS) (Result, error) {
	var res Result
	err := st.AsOperator(ctx, d.Tenant, func(t *store.Tx) error {
		tx := t.PG()
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE tenant_id = $1`, d.Tenant).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $2, 'enterprise', 'full', true)
ON CONFLICT (id) DO NOTHING`, d.Tenant, d.Name)
		if err != nil {
			return err
		}
		w := &writer{tx: tx, ctx: ctx, tenant: d.Tenant, now: d.Now.UTC().Truncate(time.Second)}
		w.run(d)
		res = Result{Records: w.count, CohortGroups: w.cohortGroups}
		return w.err
	})
	if err != nil {
		return Result{}, fmt.Errorf("seed demo lms: %w", err)
	}
	return res, nil
}

type writer struct {
	tx           pgx.Tx
	ctx          context.Context
	tenant       string
	now          time.Time
	count        int
	err          error
	cohortGroups []uuid.UUID
}

func (w *writer) exec(sql string, args ...any) {
	if w.err != nil {
		return
	}
	if _, err := w.tx.Exec(w.ctx, sql, args...); err != nil {
		w.err = fmt.Errorf("%.60s…: %w", strings.TrimSpace(sql), err)
		return
	}
	w.count++
}

func (w *writer) days(n int) time.Time { return w.now.AddDate(0, 0, n) }

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
