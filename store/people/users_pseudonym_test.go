package people_test

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/store/storetest"
)

// ByPseudonym returns the one user an alias matches; none is not found, and two (40-bit
// aliases can collide in a large tenant) are ErrPseudonymAmbiguous, never the first of
// them.
func TestByPseudonym(t *testing.T) {
	t.Parallel()
	st, _ := storetest.OpenWithConn(t)
	ctx := storetest.As("acme", "", auth.RoleAdmin)
	a := usersMust(t, st, ctx, "Ann", "ann@acme.example", "learner")
	b := usersMust(t, st, ctx, "Bob", "bob@acme.example", "learner")
	users := people.New(st).Users()
	is := func(ids ...uuid.UUID) func(uuid.UUID) bool {
		return func(id uuid.UUID) bool {
			for _, x := range ids {
				if x == id {
					return true
				}
			}
			return false
		}
	}
	if u, err := users.ByPseudonym(ctx, is(b.ID)); err != nil || u.ID != b.ID {
		t.Errorf("one match: %v, %v", u, err)
	}
	if _, err := users.ByPseudonym(ctx, is()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no match: %v", err)
	}
	if u, err := users.ByPseudonym(ctx, is(a.ID, b.ID)); !errors.Is(err, people.ErrPseudonymAmbiguous) {
		t.Errorf("two matches: %v, %v", u, err)
	}
}
