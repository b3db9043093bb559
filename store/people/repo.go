// Package people is who works in a tenant: the tenant itself and its licence, users (roles,
// bans, e-mail changes), groups and their members, and API keys. It owns their SQL, their
// business rules, their audit entries and the mail they send; every operation runs in the
// caller's tenant transaction (store.Tx), or as the operator for tenant creation.
package people

import "github.com/learnd/learnd/store"

// Repo is the people domain over one store.
type Repo struct {
	st      *store.Store
	signins *signinCache
}

// New returns the people domain of st.
func New(st *store.Store) *Repo { return &Repo{st: st, signins: newSigninCache(st)} }
