package people

import (
	"context"
	"fmt"
	"maps"
	"strings"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// UserChange is a merge patch of a user: nil members stay as they are.
type UserChange struct {
	Name *string
	Role *string
	// Attributes, when set, replace the user's HR attributes (an empty value drops a key).
	Attributes map[string]string
}

// UserCheck vets the stored user before a change (the caller's role hierarchy); an error
// it returns aborts the change and comes back wrapped.
type UserCheck func(current *User) error

// changeUser runs one change of a stored user: lock, check, precondition, then apply
// (which returns the new row, or nil when nothing changed).
func (r *UserRepo) changeUser(ctx context.Context, op string, id uuid.UUID, expected *int, check UserCheck,
	apply func(t *store.Tx, cur *User) (*User, error)) (*User, bool, error) {
	var out *User
	changed := false
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		cur, err := getUser(t, id, true)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(cur); err != nil {
				return err
			}
		}
		if expected != nil && *expected != cur.Version {
			return &store.VersionMismatchError{Expected: *expected, Current: cur.Version}
		}
		next, err := apply(t, cur)
		if err != nil {
			return err
		}
		if next == nil {
			out = cur
			return nil
		}
		out, changed = next, true
		return t.UserChanged(id)
	})
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", op, err)
	}
	return out, changed, nil
}

// updateUserRow writes the columns set lists (a SET clause that may use $2, the actor,
// $3, now, and its own arguments from $4) with the usual stamps and returns the stored user
// with its groups.
func updateUserRow(t *store.Tx, id uuid.UUID, set string, args ...any) (*User, error) {
	all := append([]any{id, actorID(t), store.Now()}, args...)
	t.ChangesCallers()
	_, err := t.Exec(`UPDATE users SET `+set+`, updated_at = $3, updated_by = $2, version = version + 1
WHERE tenant_id = learnd_tenant() AND id = $1`, all...)
	if err != nil {
		if isEmailConflict(err) {
			return nil, ErrEmailTaken
		}
		return nil, err
	}
	return getUser(t, id, false)
}

// Update applies a merge patch of name and role. expected (optional) is the version the
// caller read. A patch that changes nothing returns the user as it is (no new version,
// no audit entry); changed says which happened.
func (r *UserRepo) Update(ctx context.Context, id uuid.UUID, expected *int, check UserCheck, ch UserChange) (*User, bool, error) {
	return r.changeUser(ctx, "update user", id, expected, check, func(t *store.Tx, cur *User) (*User, error) {
		v := &store.ValidationError{}
		name, role, attrs := cur.Name, cur.Role, cur.Attributes
		if ch.Attributes != nil {
			attrs = checkAttributes(v, "/attributes/", ch.Attributes)
		}
		if ch.Name != nil {
			name = personName(v, "/name", *ch.Name)
		}
		if ch.Role != nil {
			role = *ch.Role
			checkRole(v, "/role", role)
		}
		if err := v.Err(); err != nil {
			return nil, err
		}
		if name == cur.Name && role == cur.Role && maps.Equal(attrs, cur.Attributes) {
			return nil, nil
		}
		u, err := updateUserRow(t, cur.ID, "name = $4, role = $5, attributes = $6", name, role, attrs)
		if err != nil {
			return nil, err
		}
		return u, t.Audit("user.update", "user", typeid.Format(typeid.Person, cur.ID), auditUser(cur), auditUser(u))
	})
}

// Ban bans a user: their tokens and keys are refused from their next request. Banning a
// banned user changes nothing (changed is false).
func (r *UserRepo) Ban(ctx context.Context, id uuid.UUID, check UserCheck) (*User, bool, error) {
	return r.changeUser(ctx, "ban user", id, nil, check, func(t *store.Tx, cur *User) (*User, error) {
		if cur.Status == UserBanned {
			return nil, nil
		}
		u, err := updateUserRow(t, cur.ID, "status = 'banned', banned_at = $3, banned_by = $2")
		if err != nil {
			return nil, err
		}
		if err := t.Audit("user.ban", "user", typeid.Format(typeid.Person, cur.ID), auditUser(cur), auditUser(u)); err != nil {
			return nil, err
		}
		return u, t.Emit(store.EventUserBanned, toUserEvent(u))
	})
}

// Unban restores a banned user (one a SCIM DELETE deprovisioned too). Unbanning an active
// user changes nothing.
func (r *UserRepo) Unban(ctx context.Context, id uuid.UUID, check UserCheck) (*User, bool, error) {
	return r.changeUser(ctx, "unban user", id, nil, check, func(t *store.Tx, cur *User) (*User, error) {
		if cur.Status != UserBanned {
			return nil, nil
		}
		if cur.AnonymisedAt != nil {
			return nil, ErrAnonymised
		}
		u, err := updateUserRow(t, cur.ID, "status = 'active', banned_at = NULL, banned_by = NULL, deprovisioned_at = NULL")
		if err != nil {
			return nil, err
		}
		return u, t.Audit("user.unban", "user", typeid.Format(typeid.Person, cur.ID), auditUser(cur), auditUser(u))
	})
}

// ChangeEmail changes a user's email address and queues the email-change notice to the old
// and the new address in the same transaction. The same address again changes nothing.
func (r *UserRepo) ChangeEmail(ctx context.Context, id uuid.UUID, email string, check UserCheck) (*User, bool, error) {
	email = strings.TrimSpace(email)
	if !userEmailOK(email) {
		v := &store.ValidationError{}
		v.Add("/email", "must be an email address like name@example.com")
		return nil, false, fmt.Errorf("change user email: %w", v)
	}
	return r.changeUser(ctx, "change user email", id, nil, check, func(t *store.Tx, cur *User) (*User, error) {
		if email == cur.Email {
			return nil, nil
		}
		if taken, err := emailTaken(t, email, cur.ID); err != nil {
			return nil, err
		} else if taken {
			return nil, ErrEmailTaken
		}
		u, err := updateUserRow(t, cur.ID, "email = $4", email)
		if err != nil {
			return nil, err
		}
		if err := t.Audit("user.email_change", "user", typeid.Format(typeid.Person, cur.ID), auditUser(cur), auditUser(u)); err != nil {
			return nil, err
		}
		to := []string{cur.Email}
		if !strings.EqualFold(cur.Email, email) {
			to = append(to, email)
		}
		for _, addr := range to {
			if err := t.EnqueueMail(emailChangeMail(addr, u.Name, cur.Email, email)); err != nil {
				return nil, err
			}
		}
		return u, nil
	})
}

// emailChangeMail is the standard email-change notice.
func emailChangeMail(to, name, from, into string) store.Mail {
	return store.Mail{
		Kind:    "email_change",
		To:      to,
		Subject: "Your learnd email address was changed",
		Body: "Hello " + name + ",\n\n" +
			"the email address of your learnd account was changed from " + from + " to " + into + ".\n" +
			"From now on, learnd writes to " + into + ".\n\n" +
			"If you did not expect this change, contact your administrator.\n",
	}
}
