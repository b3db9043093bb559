package people

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// NewUser is what creating a user takes.
type NewUser struct {
	Name     string
	Email    string
	Role     string
	GroupIDs []uuid.UUID
	// Attributes are the person's HR attributes (UserAttributeKeys); enrolment rules match on them.
	Attributes map[string]string
	id         uuid.UUID // the new user's id (a fresh one when zero)
}

// Create adds a user (and their group memberships, which assign the groups' courses).
func (r *UserRepo) Create(ctx context.Context, in NewUser) (*User, error) {
	var u *User
	err := r.st.InTenant(ctx, func(t *store.Tx) (err error) {
		u, err = createUser(t, in)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

func createUser(t *store.Tx, in NewUser) (*User, error) {
	v := &store.ValidationError{}
	in.Name = personName(v, "/name", in.Name)
	in.Email = strings.TrimSpace(in.Email)
	if !userEmailOK(in.Email) {
		v.Add("/email", "must be an email address like name@example.com")
	}
	checkRole(v, "/role", in.Role)
	in.Attributes = checkAttributes(v, "/attributes/", in.Attributes)
	groups := dedupeIDs(in.GroupIDs)
	if len(groups) > 0 {
		missing, err := missingIDs(t, "groups", groups)
		if err != nil {
			return nil, err
		}
		for i, id := range in.GroupIDs {
			if missing[id] {
				v.Add("/groupIds/"+strconv.Itoa(i), "no such group")
			}
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	id := in.id
	if id == uuid.Nil {
		id = uuid.Must(uuid.NewV7())
	}
	if taken, err := emailTaken(t, in.Email, id); err != nil {
		return nil, err
	} else if taken {
		return nil, ErrEmailTaken
	}
	ts, by := store.Now(), actorID(t)
	t.ChangesCallers() // a token's person may just have become a user
	_, err := t.Exec(`INSERT INTO users (tenant_id, id, name, email, role, status, created_at, updated_at, created_by, updated_by, version, attributes)
VALUES ($1, $2, $3, $4, $5, 'active', $6, $6, $7, $7, 1, $8)`, t.Caller().TenantID, id, in.Name, in.Email, in.Role, ts, by, in.Attributes)
	if err != nil {
		if isEmailConflict(err) {
			return nil, ErrEmailTaken
		}
		return nil, err
	}
	if len(groups) > 0 {
		_, err := t.Exec(`INSERT INTO group_members (tenant_id, group_id, user_id, added_at, added_by)
SELECT $1, g, $2, $3, $4 FROM unnest($5::uuid[]) AS g`, t.Caller().TenantID, id, ts, by, groups)
		if err != nil {
			return nil, fmt.Errorf("join groups: %w", err)
		}
	}
	u, err := getUser(t, id, false)
	if err != nil {
		return nil, err
	}
	if err := t.Audit("user.create", "user", typeid.Format(typeid.Person, id), nil, auditUser(u)); err != nil {
		return nil, err
	}
	if err := t.Emit(store.EventUserCreated, toUserEvent(u)); err != nil {
		return nil, err
	}
	return u, t.UserChanged(id)
}
