package store

import (
	"fmt"

	"github.com/google/uuid"
)

// UserHook is told, inside the transaction that made the change, that a user was created
// or changed (profile, attributes, status): what it writes commits or rolls back with the
// change. Enrolment rules are one (installed by the server), so people, which owns the
// users, needs no import of the domains that react to them.
type UserHook func(t *Tx, userID uuid.UUID) error

// SetUserHook installs the one hook UserChanged runs (nil: none).
func (s *Store) SetUserHook(h UserHook) { s.users = h }

// UserChanged runs the user hook for a user this transaction created or changed.
func (t *Tx) UserChanged(id uuid.UUID) error {
	if t.s == nil || t.s.users == nil {
		return nil
	}
	if err := t.s.users(t, id); err != nil {
		return fmt.Errorf("user changed: %w", err)
	}
	return nil
}
