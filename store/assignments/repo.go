// Package assignments is who must learn what by when: assignments to users and groups,
// chain assignments, deadlines and reminders, learners' progress through a course with quiz
// scoring and completion, and the certificates completion issues. It owns their SQL, rules,
// audit entries and the notice mails they send.
package assignments

import "github.com/learnd/learnd/store"

// Repo is the assignments domain over one store.
type Repo struct{ st *store.Store }

// New returns the assignments domain of st.
func New(st *store.Store) *Repo { return &Repo{st: st} }
