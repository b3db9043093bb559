// Package materials is AI course authoring's side of the store: uploaded source files and
// their searchable chunks (embeddings and full-text), generation jobs and their lifecycle,
// the mapping of a generated course onto the courses domain, and the tenant's AI quota.
package materials

import "github.com/learnd/learnd/store"

// Repo is the materials domain over one store.
type Repo struct{ st *store.Store }

// New returns the materials domain of st.
func New(st *store.Store) *Repo { return &Repo{st: st} }
