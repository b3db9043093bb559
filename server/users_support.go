package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store/people"
)

// Shared steps of the people operations (users, groups, keys): the v2 page size and the
// role hierarchy check run inside the store's transaction.

// peopleLimit is a v2 page size: default 20 (the contract caps it at 50).
func peopleLimit(l *int) int {
	if l == nil || *l < 1 {
		return 20
	}
	return min(*l, 50)
}

// targetBelow is the role-hierarchy check of ban, unban, email and role changes, run on
// the stored user inside the change's transaction: the target must rank below the caller.
func targetBelow(ctx context.Context, what string) people.UserCheck {
	return func(cur *people.User) error {
		return outranks(ctx, auth.Role(cur.Role), what)
	}
}
