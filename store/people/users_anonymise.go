package people

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// ErrNotBanned means an operation for banned users only met an active one.
var ErrNotBanned = errors.New("the user is not banned")

// ErrAnonymised means the user's personal data was erased: they cannot come back.
var ErrAnonymised = errors.New("the user is anonymised")

// anonymisedAudit is what the audit log records of an anonymisation: no personal data.
type anonymisedAudit struct {
	ID           string    `json:"id"`
	AnonymisedAt time.Time `json:"anonymisedAt"`
}

// Anonymise erases a banned user's personal data for good: name and e-mail address become
// an alias, provisioning data (userName, externalId, given and family names, attributes),
// identity-provider bindings and API keys go, and mail to them is scrubbed; assignments,
// progress and certificates stay under the alias. Anonymising an anonymised user changes
// nothing (changed is false); an active user is ErrNotBanned.
func (r *UserRepo) Anonymise(ctx context.Context, id uuid.UUID, check UserCheck) (*User, bool, error) {
	return r.changeUser(ctx, "anonymise user", id, nil, check, func(t *store.Tx, cur *User) (*User, error) {
		switch {
		case cur.AnonymisedAt != nil:
			return nil, nil
		case cur.Status != UserBanned:
			return nil, ErrNotBanned
		}
		pid := typeid.Format(typeid.Person, cur.ID)
		alias := "anonymised-" + cur.ID.String() + "@anonymised.invalid"
		if _, err := t.Exec(`UPDATE mail_outbox SET to_addr = $1, subject = '(anonymised)', body = '(anonymised)',
  sent_at = coalesce(sent_at, now()), last_error = CASE WHEN sent_at IS NULL THEN 'not sent: the recipient was anonymised' ELSE last_error END
WHERE tenant_id = learnd_tenant() AND lower(to_addr) = lower($2)`, alias, cur.Email); err != nil {
			return nil, err
		}
		if _, err := t.Exec(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE tenant_id = learnd_tenant() AND user_id = $1`, cur.ID); err != nil {
			return nil, err
		}
		if _, err := t.Exec(`DELETE FROM user_identities WHERE tenant_id = learnd_tenant() AND user_id = $1`, cur.ID); err != nil {
			return nil, err
		}
		u, err := updateUserRow(t, cur.ID, `name = $4, email = $5, user_name = NULL, external_id = NULL, given_name = NULL,
  family_name = NULL, attributes = '{}', anonymised_at = $3`, "Former user "+pid[len(pid)-6:], alias)
		if err != nil {
			return nil, err
		}
		return u, t.Audit("user.anonymise", "user", pid, nil, anonymisedAudit{ID: pid, AnonymisedAt: *u.AnonymisedAt})
	})
}
