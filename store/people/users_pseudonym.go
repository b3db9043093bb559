package people

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
)

// ErrPseudonymAmbiguous is ByPseudonym's answer when more than one user matches: aliases
// are 40 bits, so two people of a large tenant may share one; neither is returned.
var ErrPseudonymAmbiguous = errors.New("more than one user has this alias")

// ByPseudonym returns the one user of the tenant whose id match accepts: aliases are
// one-way, so resolving one reads the tenant's user ids, one round trip, and compares each.
// store.ErrNotFound when none matches, ErrPseudonymAmbiguous when several do.
func (r *UserRepo) ByPseudonym(ctx context.Context, match func(id uuid.UUID) bool) (*User, error) {
	var u *User
	err := r.st.Read(ctx, func(t *store.Tx) error {
		rows, err := t.Query(`SELECT id FROM users WHERE tenant_id = learnd_tenant() ORDER BY id`)
		if err != nil {
			return err
		}
		var id uuid.UUID
		var found []uuid.UUID
		if _, err = pgx.ForEachRow(rows, []any{&id}, func() error {
			if match(id) {
				found = append(found, id)
			}
			return nil
		}); err != nil {
			return err
		}
		switch len(found) {
		case 0:
			return store.ErrNotFound
		case 1:
			u, err = getUser(t, found[0], false)
			return err
		}
		return ErrPseudonymAmbiguous
	})
	if err != nil {
		return nil, fmt.Errorf("resolve pseudonym: %w", err)
	}
	return u, nil
}
