// Package reports reads what a tenant's training amounts to: the compliance report (who
// is done, due, overdue per course and group), the statistics pages (overview,
// publishing, course creation, activity, insights, tags, leaderboard) and the audit log.
// It only reads; every query runs in the caller's tenant transaction (store.Tx).
package reports

import "github.com/learnd/learnd/store"

// Repo answers the report operations.
type Repo struct{ st *store.Store }

// New returns the reports of st.
func New(st *store.Store) *Repo { return &Repo{st: st} }
