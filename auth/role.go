package auth

import (
	"errors"
	"fmt"
)

// Role is a person's role within a tenant. Roles are ordered, highest
// first: owner › admin › manager › learner.
type Role string

// The roles, highest first.
const (
	RoleOwner   Role = "owner"
	RoleAdmin   Role = "admin"
	RoleManager Role = "manager"
	RoleLearner Role = "learner"
)

// ErrUnknownRole is wrapped by ParseRole when the name is not a role.
var ErrUnknownRole = errors.New("unknown role")

// ParseRole returns the Role named s. Only the exact lower-case names are
// accepted.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if r.rank() == 0 {
		return "", fmt.Errorf("%w %q", ErrUnknownRole, s)
	}
	return r, nil
}

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r is o or higher. It is false when either role
// is not a defined role.
func (r Role) AtLeast(o Role) bool {
	rr, or := r.rank(), o.rank()
	return rr > 0 && or > 0 && rr >= or
}

// Above reports whether r is strictly higher than o. It is false when either
// role is not a defined role.
func (r Role) Above(o Role) bool {
	rr, or := r.rank(), o.rank()
	return rr > 0 && or > 0 && rr > or
}

// rank orders the roles; 0 means "not a role".
func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 4
	case RoleAdmin:
		return 3
	case RoleManager:
		return 2
	case RoleLearner:
		return 1
	}
	return 0
}
