package people

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
)

// errFound stops the scan of ByPseudonym at its match.
var errFound = errors.New("found")

// ByPseudonym returns the user of the tenant whose id match accepts (the first in id
// order): aliases are one-way, so resolving one reads the tenant's user ids, one round
// trip, and compares each. store.ErrNotFound when none matches.
func (r *UserRepo) ByPseudonym(ctx context.Context, match func(id uuid.UUID) bool) (*User, error) {
	var u *User
	err := r.st.Read(ctx, func(t *store.Tx) error {
		rows, err := t.Query(`SELECT id FROM users WHERE tenant_id = learnd_tenant() ORDER BY id`)
		if err != nil {
			return err
		}
		var found uuid.UUID
		_, err = pgx.ForEachRow(rows, []any{&found}, func() error {
			if match(found) {
				return errFound
			}
			return nil
		})
		switch {
		case errors.Is(err, errFound):
			u, err = getUser(t, found, false)
			return err
		case err != nil:
			return err
		}
		return store.ErrNotFound
	})
	if err != nil {
		return nil, fmt.Errorf("resolve pseudonym: %w", err)
	}
	return u, nil
}
