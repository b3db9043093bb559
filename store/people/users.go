package people

import (
	"context"
	"errors"
	"fmt"
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

// ErrEmailTaken means another user of the tenant holds the email address (compared
// case-insensitively).
var ErrEmailTaken = errors.New("email address is taken")

// User statuses.
const (
	UserActive = "active"
	UserBanned = "banned"
)

// User is a person of a tenant (seed 003): the person id that is their tokens' sub.
type User struct {
	ID        uuid.UUID  `gorm:"column:id"`
	Name      string     `gorm:"column:name"`
	Email     string     `gorm:"column:email"`
	Role      string     `gorm:"column:role"`
	Status    string     `gorm:"column:status"`
	BannedAt  *time.Time `gorm:"column:banned_at"`
	BannedBy  *uuid.UUID `gorm:"column:banned_by"`
	CreatedAt time.Time  `gorm:"column:created_at"`
	UpdatedAt time.Time  `gorm:"column:updated_at"`
	CreatedBy *uuid.UUID `gorm:"column:created_by"`
	UpdatedBy *uuid.UUID `gorm:"column:updated_by"`
	Version   int        `gorm:"column:version"`
	// AnonymisedAt is when the (banned) user's personal data was erased (Anonymise).
	AnonymisedAt *time.Time `gorm:"column:anonymised_at"`
	// Attributes are the person's HR attributes (department, title, location, …; keys
	// from UserAttributeKeys), set through the API or by SCIM provisioning.
	Attributes map[string]string `gorm:"column:attributes"`
	Groups     []UserGroup       `gorm:"-"` // memberships, by group name
}

// UserGroup is a group a user belongs to.
type UserGroup struct {
	ID   uuid.UUID
	Name string
	Kind string
}

// userRow is a user with its sort key, as lists read it.
type userRow struct {
	User
	SortKey string `gorm:"column:sort_key"`
}

func (r *userRow) position() store.NameCursor { return store.NameCursor{Name: r.SortKey, ID: r.ID} }

const userCols = "users.id, users.name, users.email, users.role, users.status, users.banned_at, users.banned_by, users.created_at, users.updated_at, users.created_by, users.updated_by, users.version, users.anonymised_at, users.attributes"

// UserQuery selects a page of users.
type UserQuery struct {
	Query   string // case-insensitive substring of name or email
	Role    string
	Status  string
	GroupID *uuid.UUID
	Limit   int
	After   *store.NameCursor
}

// UserPage is one page of users; Next is nil on the last page.
type UserPage struct {
	Items []User
	Next  *store.NameCursor
}

// UserRepo reads and writes users.
type UserRepo struct{ st *store.Store }

// Users returns the user repository.
func (s *Repo) Users() *UserRepo { return &UserRepo{st: s.st} }

// userAudit is a user as the audit log records it.
type userAudit struct {
	ID       string     `json:"id"`
	Name     string     `json:"name"`
	Email    string     `json:"email"`
	Role     string     `json:"role"`
	Status   string     `json:"status"`
	BannedAt *time.Time `json:"bannedAt"`
	GroupIDs []string   `json:"groupIds,omitempty"`
	Version  int        `json:"version"`
	// Attributes are the HR attributes (shown when set).
	Attributes map[string]string `json:"attributes,omitempty"`
}

func auditUser(u *User) userAudit {
	a := userAudit{ID: typeid.Format(typeid.Person, u.ID), Name: u.Name, Email: u.Email, Role: u.Role,
		Status: u.Status, BannedAt: u.BannedAt, Version: u.Version, Attributes: u.Attributes}
	for _, g := range u.Groups {
		a.GroupIDs = append(a.GroupIDs, typeid.Format(typeid.Group, g.ID))
	}
	return a
}

// userEvent is the data of user.created and user.banned.
type userEvent struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Role   string `json:"role"`
	Status string `json:"status"`
}

func toUserEvent(u *User) userEvent {
	return userEvent{ID: typeid.Format(typeid.Person, u.ID), Name: u.Name, Email: u.Email, Role: u.Role, Status: u.Status}
}

// likeContains is a LIKE pattern matching s anywhere, with LIKE's wildcards in s escaped.
func likeContains(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// userEmailOK is the basic syntax check of an email address: one @, a non-empty local
// part, a dotted domain, no spaces or control characters.
func userEmailOK(s string) bool {
	if len(s) < 3 || len(s) > 254 || !utf8.ValidString(s) {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || len(local) > 64 || strings.Contains(domain, "@") {
		return false
	}
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == ',' || r == ';' || r == '"' || r == '(' || r == ')' || r == '[' || r == ']' || r == '\\' {
			return false
		}
	}
	return true
}

// personName trims a display name and checks its length (1..200 characters).
func personName(v *store.ValidationError, pointer, s string) string {
	s = strings.TrimSpace(s)
	if n := utf8.RuneCountInString(s); n < 1 || n > 200 {
		v.Add(pointer, "must be 1 to 200 characters (not only spaces)")
	}
	return s
}

func checkRole(v *store.ValidationError, pointer, role string) {
	if !auth.Role(role).Valid() {
		v.Add(pointer, "must be one of owner, admin, manager, learner")
	}
}

// actorID is the caller's person id for the *_by stamps; nil when the caller has none.
func actorID(t *store.Tx) *uuid.UUID {
	if t.Caller().PersonID == uuid.Nil {
		return nil
	}
	id := t.Caller().PersonID
	return &id
}

// loadUserGroups fills in the group memberships of users.
func loadUserGroups(t *store.Tx, users []User) error {
	if len(users) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(users))
	at := make(map[uuid.UUID]int, len(users))
	for i := range users {
		ids[i] = users[i].ID
		at[users[i].ID] = i
		users[i].Groups = []UserGroup{}
	}
	rows, err := t.Query(`SELECT gm.user_id, g.id, g.name, g.kind
FROM group_members gm JOIN groups g ON g.tenant_id = gm.tenant_id AND g.id = gm.group_id
WHERE gm.tenant_id = learnd_tenant() AND g.tenant_id = learnd_tenant() AND gm.user_id = ANY($1)
ORDER BY lower(g.name), g.id`, ids)
	if err != nil {
		return fmt.Errorf("user groups: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var uid uuid.UUID
		var g UserGroup
		if err := rows.Scan(&uid, &g.ID, &g.Name, &g.Kind); err != nil {
			return fmt.Errorf("user groups: %w", err)
		}
		i := at[uid]
		users[i].Groups = append(users[i].Groups, g)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("user groups: %w", err)
	}
	return nil
}

// getUser reads one user with its groups; lock takes a row lock for a change.
func getUser(t *store.Tx, id uuid.UUID, lock bool) (*User, error) {
	sql := `SELECT ` + userCols + ` FROM users WHERE users.tenant_id = learnd_tenant() AND users.id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	var u User
	if err := store.QueryOne(t, sql, []any{id}, &u); err != nil {
		return nil, err
	}
	us := []User{u}
	if err := loadUserGroups(t, us); err != nil {
		return nil, err
	}
	return &us[0], nil
}

// emailTaken reports whether a user other than self holds email (case-insensitively).
func emailTaken(t *store.Tx, email string, self uuid.UUID) (bool, error) {
	var taken bool
	err := t.QueryRow(`SELECT EXISTS (SELECT 1 FROM users WHERE tenant_id = learnd_tenant() AND lower(email) = lower($1) AND id <> $2)`, email, self).Scan(&taken)
	if err != nil {
		return false, fmt.Errorf("email taken: %w", err)
	}
	return taken, nil
}

// isEmailConflict reports the unique violation of users_email (a concurrent writer won).
func isEmailConflict(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "23505" && pg.ConstraintName == "users_email"
}

// Find returns a page of users ordered by lower(name), then id.
func (r *UserRepo) Find(ctx context.Context, q UserQuery) (UserPage, error) {
	var page UserPage
	err := r.st.Read(ctx, func(t *store.Tx) error {
		var args store.Args
		sql := `SELECT ` + userCols + `, lower(users.name) AS sort_key FROM users WHERE users.tenant_id = learnd_tenant()`
		if q.Query != "" {
			pat := args.Add(likeContains(q.Query))
			sql += ` AND (lower(users.name) LIKE lower(` + pat + `) OR lower(users.email) LIKE lower(` + pat + `))`
		}
		if q.Role != "" {
			sql += ` AND users.role = ` + args.Add(q.Role)
		}
		if q.Status != "" {
			sql += ` AND users.status = ` + args.Add(q.Status)
		}
		if q.GroupID != nil {
			sql += ` AND EXISTS (SELECT 1 FROM group_members gm WHERE gm.tenant_id = users.tenant_id AND gm.group_id = ` + args.Add(*q.GroupID) + ` AND gm.user_id = users.id)`
		}
		sql += args.ByName("users", q.After, q.Limit)
		rows, next, err := store.KeysetRecords(t, q.Limit, sql, args, (*userRow).position)
		if err != nil {
			return err
		}
		page.Next = next
		page.Items = make([]User, len(rows))
		for i := range rows {
			page.Items[i] = rows[i].User
		}
		return loadUserGroups(t, page.Items)
	})
	if err != nil {
		return UserPage{}, fmt.Errorf("find users: %w", err)
	}
	return page, nil
}

// Get returns one user with its groups.
func (r *UserRepo) Get(ctx context.Context, id uuid.UUID) (*User, error) {
	var u *User
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		u, err = getUser(t, id, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get user: %w", err)
	}
	return u, nil
}

// dedupeIDs drops repeated ids, keeping the first occurrence's order.
func dedupeIDs(ids []uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	seen := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// missingIDs returns which of ids have no row in table (users or groups) of the tenant.
func missingIDs(t *store.Tx, table string, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	rows, err := t.Query(`SELECT id FROM `+pgx.Identifier{table}.Sanitize()+` WHERE tenant_id = learnd_tenant() AND id = ANY($1)`, ids)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", table, err)
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", table, err)
	}
	missing := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		missing[id] = true
	}
	for _, id := range found {
		delete(missing, id)
	}
	return missing, nil
}
