// Package courses is what people learn: courses (settings, publishing, sharing, cloning),
// their structure of sections, elements, quiz questions and transitions, and course chains.
// It owns their SQL, rules and audit entries; every operation runs in the caller's tenant
// transaction (store.Tx), and one operation may join another's (store.InTenant composes).
package courses

import "github.com/learnd/learnd/store"

// Repo is the courses domain over one store.
type Repo struct{ st *store.Store }

// New returns the courses domain of st.
func New(st *store.Store) *Repo { return &Repo{st: st} }
