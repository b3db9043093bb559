package people

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
)

// Attributed is a user as rules on HR attributes (store/enrolment) see them.
type Attributed struct {
	ID            uuid.UUID
	Name          string
	Banned        bool
	Deprovisioned bool
	Attributes    map[string]string
}

// EachAttributed calls fn for every user of the tenant that is not anonymised (only the
// user with id only, when set), one row at a time, in id order.
func (r *UserRepo) EachAttributed(ctx context.Context, only *uuid.UUID, fn func(Attributed) error) error {
	err := r.st.Read(ctx, func(t *store.Tx) error {
		var args store.Args
		sql := `SELECT id, name, status = 'banned', deprovisioned_at IS NOT NULL, attributes FROM users
WHERE tenant_id = learnd_tenant() AND anonymised_at IS NULL`
		if only != nil {
			sql += ` AND id = ` + args.Add(*only)
		}
		rows, err := t.Query(sql+` ORDER BY id`, args...)
		if err != nil {
			return err
		}
		var u Attributed
		_, err = pgx.ForEachRow(rows, []any{&u.ID, &u.Name, &u.Banned, &u.Deprovisioned, &u.Attributes}, func() error {
			err := fn(u)
			u.Attributes = nil
			return err
		})
		return err
	})
	if err != nil {
		return fmt.Errorf("attributed users: %w", err)
	}
	return nil
}
