package people

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// ProvisionedUser is a user with what provisioning keeps about them.
type ProvisionedUser struct {
	User
	ExternalID      *string    `gorm:"column:external_id"`
	UserName        *string    `gorm:"column:user_name"`
	GivenName       *string    `gorm:"column:given_name"`
	FamilyName      *string    `gorm:"column:family_name"`
	DeprovisionedAt *time.Time `gorm:"column:deprovisioned_at"`
}

// Profile is what an identity provider says about a person: the writable part of a
// provisioned user. Active false is a ban. UserName is the provider's userName when that
// is not the email address (nil: it is Email).
type Profile struct {
	ExternalID *string
	UserName   *string
	Email      string
	Name       string
	GivenName  *string
	FamilyName *string
	Active     bool
	Attributes map[string]string
}

// Profile returns the user's current profile.
func (u *ProvisionedUser) Profile() Profile {
	return Profile{ExternalID: u.ExternalID, UserName: u.UserName, Email: u.Email, Name: u.Name, GivenName: u.GivenName,
		FamilyName: u.FamilyName, Active: u.Status != UserBanned, Attributes: maps.Clone(u.Attributes)}
}

const provisionCols = userCols + ", users.external_id, users.user_name, users.given_name, users.family_name, users.deprovisioned_at"

// provisionAudit is a provisioned user as the audit log records it.
type provisionAudit struct {
	userAudit
	ExternalID *string           `json:"externalId,omitempty"`
	UserName   *string           `json:"userName,omitempty"`
	GivenName  *string           `json:"givenName,omitempty"`
	FamilyName *string           `json:"familyName,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
}

func auditProvisioned(u *ProvisionedUser) provisionAudit {
	return provisionAudit{userAudit: auditUser(&u.User), ExternalID: u.ExternalID, UserName: u.UserName,
		GivenName: u.GivenName, FamilyName: u.FamilyName, Attributes: u.Attributes}
}

// getProvisioned reads one user that is not deprovisioned (else ErrNotFound).
func getProvisioned(t *store.Tx, id uuid.UUID, lock bool) (*ProvisionedUser, error) {
	sql := `SELECT ` + provisionCols + ` FROM users WHERE users.tenant_id = learnd_tenant() AND users.id = $1 AND users.deprovisioned_at IS NULL AND users.anonymised_at IS NULL`
	if lock {
		sql += ` FOR UPDATE`
	}
	var u ProvisionedUser
	if err := store.QueryOne(t, sql, []any{id}, &u); err != nil {
		return nil, err
	}
	us := []User{u.User}
	if err := loadUserGroups(t, us); err != nil {
		return nil, err
	}
	u.User = us[0]
	return &u, nil
}

// checkProfile validates and normalises a profile.
func checkProfile(p *Profile) error {
	v := &store.ValidationError{}
	p.Name = personName(v, "/name", p.Name)
	p.Email = strings.TrimSpace(p.Email)
	if !userEmailOK(p.Email) {
		v.Add("/userName", "must be an email address like name@example.com, or come with one (emails)")
	}
	if p.UserName != nil && (strings.TrimSpace(*p.UserName) == "" || strings.EqualFold(*p.UserName, p.Email)) {
		p.UserName = nil
	}
	checkExternalID(v, "/externalId", p.ExternalID)
	checkExternalID(v, "/userName", p.UserName)
	for _, s := range []*string{p.GivenName, p.FamilyName} {
		if s != nil && utf8.RuneCountInString(*s) > 200 {
			v.Add("/name", "given and family names must be at most 200 characters")
		}
	}
	p.Attributes = checkAttributes(v, "/attributes/", p.Attributes)
	return v.Err()
}

// EmailLike reports whether s has the shape of an email address (as a user's email must).
func EmailLike(s string) bool { return userEmailOK(strings.TrimSpace(s)) }

// isExternalIDConflict reports the unique violation of users_external_id or groups_external_id.
func isExternalIDConflict(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505" && strings.HasSuffix(pg.ConstraintName, "_external_id")
}

// provisionConflict turns a unique violation of a provisioned user into its domain error.
func provisionConflict(err error) error {
	var pg *pgconn.PgError
	switch {
	case isEmailConflict(err):
		return ErrEmailTaken
	case isExternalIDConflict(err):
		return ErrExternalIDTaken
	case errors.As(err, &pg) && pg.Code == "23505" && pg.ConstraintName == "users_user_name":
		return ErrUserNameTaken
	}
	return err
}

// FindUsers returns the users (not deprovisioned) a filter selects, ordered by creation,
// and how many there are in all.
func (r *ProvisionRepo) FindUsers(ctx context.Context, q ProvisionQuery) ([]ProvisionedUser, int, error) {
	var out []ProvisionedUser
	total := 0
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		out, total, err = offsetPage[ProvisionedUser](t, q, provisionCols,
			` FROM users WHERE users.tenant_id = learnd_tenant() AND users.deprovisioned_at IS NULL AND users.anonymised_at IS NULL`,
			userFilterColumns, `users.created_at, users.id`)
		if err != nil || len(out) == 0 {
			return err
		}
		us := make([]User, len(out))
		for i := range out {
			us[i] = out[i].User
		}
		if err := loadUserGroups(t, us); err != nil {
			return err
		}
		for i := range out {
			out[i].User = us[i]
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find provisioned users: %w", err)
	}
	return out, total, nil
}

// GetUser returns a user that is not deprovisioned.
func (r *ProvisionRepo) GetUser(ctx context.Context, id uuid.UUID) (*ProvisionedUser, error) {
	var u *ProvisionedUser
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		u, err = getProvisioned(t, id, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get provisioned user: %w", err)
	}
	return u, nil
}

// CreateUser provisions a new user with the learner role (banned at once when the
// profile is not active). When the email address belongs to a user a provider
// deprovisioned (and nobody anonymised yet), that user is provisioned again instead.
func (r *ProvisionRepo) CreateUser(ctx context.Context, p Profile) (*ProvisionedUser, error) {
	var u *ProvisionedUser
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if err := checkProfile(&p); err != nil {
			return err
		}
		var gone *uuid.UUID
		err := t.QueryRow(`SELECT id FROM users WHERE tenant_id = learnd_tenant() AND lower(email) = lower($1) AND deprovisioned_at IS NOT NULL`, p.Email).Scan(&gone)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if gone != nil {
			if _, err := t.Exec(`UPDATE users SET deprovisioned_at = NULL WHERE tenant_id = learnd_tenant() AND id = $1`, *gone); err != nil {
				return err
			}
			if err := t.Audit("user.reprovision", "user", typeid.Format(typeid.Person, *gone), nil, nil); err != nil {
				return err
			}
			u, err = r.changeUser(t, *gone, func(cur *Profile) error { *cur = p; return nil })
			return err
		}
		if taken, err := emailTaken(t, p.Email, uuid.Nil); err != nil {
			return err
		} else if taken {
			return ErrEmailTaken
		}
		id, ts, by := uuid.Must(uuid.NewV7()), store.Now(), actorID(t)
		status, bannedAt := UserActive, (*time.Time)(nil)
		if !p.Active {
			status, bannedAt = UserBanned, &ts
		}
		t.ChangesCallers()
		_, err = t.Exec(`INSERT INTO users (tenant_id, id, name, email, role, status, banned_at, banned_by, created_at, updated_at, created_by, updated_by, version,
  external_id, user_name, given_name, family_name, attributes)
VALUES ($1, $2, $3, $4, 'learner', $5, $6, $7, $8, $8, $7, $7, 1, $9, $10, $11, $12, $13)`,
			t.Caller().TenantID, id, p.Name, p.Email, status, bannedAt, by, ts, p.ExternalID, p.UserName, p.GivenName, p.FamilyName, p.Attributes)
		if err != nil {
			return provisionConflict(err)
		}
		if u, err = getProvisioned(t, id, false); err != nil {
			return err
		}
		if err := t.Audit("user.create", "user", typeid.Format(typeid.Person, id), nil, auditProvisioned(u)); err != nil {
			return err
		}
		if err := t.Emit(store.EventUserCreated, toUserEvent(&u.User)); err != nil {
			return err
		}
		return t.UserChanged(id)
	})
	if err != nil {
		return nil, fmt.Errorf("provision user: %w", err)
	}
	return u, nil
}

// ChangeUser changes a provisioned user: change edits the current profile (a SCIM PUT
// replaces it, a PATCH applies its operations). The profile fields are one user.update
// entry; a new email address goes through ChangeEmail (with its notices), active false
// through Ban and true through Unban, all in one transaction. An owner cannot be
// deactivated (ErrOwnerProvisioning).
func (r *ProvisionRepo) ChangeUser(ctx context.Context, id uuid.UUID, change func(p *Profile) error) (*ProvisionedUser, error) {
	var u *ProvisionedUser
	err := r.st.InTenant(ctx, func(t *store.Tx) (err error) {
		u, err = r.changeUser(t, id, change)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("change provisioned user: %w", err)
	}
	return u, nil
}

func (r *ProvisionRepo) changeUser(t *store.Tx, id uuid.UUID, change func(p *Profile) error) (*ProvisionedUser, error) {
	cur, err := getProvisioned(t, id, true)
	if err != nil {
		return nil, err
	}
	p := cur.Profile()
	if err := change(&p); err != nil {
		return nil, err
	}
	if err := checkProfile(&p); err != nil {
		return nil, err
	}
	if cur.Role == string(auth.RoleOwner) && (!p.Active || p.Email != cur.Email) {
		// An owner's sign-in address is theirs to change in learnd: a provider changing it
		// could hand the owner's account to whoever then holds that address.
		return nil, ErrOwnerProvisioning
	}
	if p.Name != cur.Name || !equalStrPtr(p.ExternalID, cur.ExternalID) || !equalStrPtr(p.UserName, cur.UserName) ||
		!equalStrPtr(p.GivenName, cur.GivenName) || !equalStrPtr(p.FamilyName, cur.FamilyName) || !maps.Equal(p.Attributes, cur.Attributes) {
		_, err := updateUserRow(t, id, "name = $4, external_id = $5, user_name = $6, given_name = $7, family_name = $8, attributes = $9",
			p.Name, p.ExternalID, p.UserName, p.GivenName, p.FamilyName, p.Attributes)
		if err != nil {
			return nil, provisionConflict(err)
		}
		next, err := getProvisioned(t, id, false)
		if err != nil {
			return nil, err
		}
		if err := t.Audit("user.update", "user", typeid.Format(typeid.Person, id), auditProvisioned(cur), auditProvisioned(next)); err != nil {
			return nil, err
		}
	}
	if p.Email != cur.Email {
		if _, _, err := r.users.ChangeEmail(t.Ctx(), id, p.Email, nil); err != nil {
			return nil, err
		}
	}
	if p.Active != (cur.Status != UserBanned) {
		op := r.users.Ban
		if p.Active {
			op = r.users.Unban
		}
		if _, _, err := op(t.Ctx(), id, nil); err != nil {
			return nil, err
		}
	}
	if err := t.UserChanged(id); err != nil {
		return nil, err
	}
	return getProvisioned(t, id, false)
}

// DeprovisionUser is a provider's delete: the user is banned (their tokens and keys stop
// at the next request), hidden from provisioning, loses the provider's externalId and
// userName, and is marked deprovisioned, which is what makes them anonymisable; their
// history (assignments, progress, audit) stays. Unbanning
// in learnd, or provisioning the same email address again, brings them back.
func (r *ProvisionRepo) DeprovisionUser(ctx context.Context, id uuid.UUID) error {
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		cur, err := getProvisioned(t, id, true)
		if err != nil {
			return err
		}
		if cur.Role == string(auth.RoleOwner) {
			return ErrOwnerProvisioning
		}
		if _, _, err := r.users.Ban(t.Ctx(), id, nil); err != nil {
			return err
		}
		// The provider's ids go (the audit entry keeps them), so they are free for others
		// and an unban in learnd cannot collide with them.
		if _, err := t.Exec(`UPDATE users SET deprovisioned_at = $2, external_id = NULL, user_name = NULL
WHERE tenant_id = learnd_tenant() AND id = $1`, id, store.Now()); err != nil {
			return err
		}
		return t.Audit("user.deprovision", "user", typeid.Format(typeid.Person, id), auditProvisioned(cur), nil)
	})
	if err != nil {
		return fmt.Errorf("deprovision user: %w", err)
	}
	return nil
}
