package people

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// GroupKinds are the kinds a group may have.
var GroupKinds = []string{"team", "department", "cohort", "location", "project", "other"}

// Group is a group of users: a team, department, cohort, location or project.
type Group struct {
	ID          uuid.UUID  `gorm:"column:id"`
	Name        string     `gorm:"column:name"`
	Kind        string     `gorm:"column:kind"`
	Description *string    `gorm:"column:description"`
	MemberCount int        `gorm:"column:member_count"`
	CreatedAt   time.Time  `gorm:"column:created_at"`
	UpdatedAt   time.Time  `gorm:"column:updated_at"`
	CreatedBy   *uuid.UUID `gorm:"column:created_by"`
	UpdatedBy   *uuid.UUID `gorm:"column:updated_by"`
	Version     int        `gorm:"column:version"`
}

type groupRow struct {
	Group
	SortKey string `gorm:"column:sort_key"`
}

func (r *groupRow) position() store.NameCursor { return store.NameCursor{Name: r.SortKey, ID: r.ID} }

const groupCols = `groups.id, groups.name, groups.kind, groups.description, groups.created_at, groups.updated_at, groups.created_by, groups.updated_by, groups.version,
(SELECT count(*) FROM group_members gm WHERE gm.tenant_id = groups.tenant_id AND gm.group_id = groups.id)::int AS member_count`

// GroupQuery selects a page of groups.
type GroupQuery struct {
	Query string // case-insensitive substring of the name
	Kind  string
	Limit int
	After *store.NameCursor
}

// GroupPage is one page of groups; Next is nil on the last page.
type GroupPage struct {
	Items []Group
	Next  *store.NameCursor
}

// NewGroup is what creating a group takes; Kind defaults to team.
type NewGroup struct {
	Name        string
	Kind        string
	Description *string
}

// GroupChange is a merge patch of a group: nil members stay; SetDescription with a nil
// Description clears it.
type GroupChange struct {
	Name           *string
	Kind           *string
	SetDescription bool
	Description    *string
}

// GroupRepo reads and writes groups and their members.
type GroupRepo struct{ st *store.Store }

// Groups returns the group repository.
func (s *Repo) Groups() *GroupRepo { return &GroupRepo{st: s.st} }

type groupAudit struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Kind        string  `json:"kind"`
	Description *string `json:"description"`
	Version     int     `json:"version"`
}

func auditGroup(g *Group) groupAudit {
	return groupAudit{ID: typeid.Format(typeid.Group, g.ID), Name: g.Name, Kind: g.Kind, Description: g.Description, Version: g.Version}
}

func getGroup(t *store.Tx, id uuid.UUID, lock bool) (*Group, error) {
	sql := `SELECT ` + groupCols + ` FROM groups WHERE groups.tenant_id = learnd_tenant() AND groups.id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	var g Group
	if err := store.QueryOne(t, sql, []any{id}, &g); err != nil {
		return nil, err
	}
	return &g, nil
}

// editGroup reads a group for a write, locking it, and checks the version the caller read
// (expected, optional).
func editGroup(t *store.Tx, id uuid.UUID, expected *int) (*Group, error) {
	g, err := getGroup(t, id, true)
	if err != nil {
		return nil, err
	}
	if expected != nil && *expected != g.Version {
		return nil, &store.VersionMismatchError{Expected: *expected, Current: g.Version}
	}
	return g, nil
}

func checkGroupKind(v *store.ValidationError, pointer, kind string) {
	for _, k := range GroupKinds {
		if k == kind {
			return
		}
	}
	v.Add(pointer, "must be one of %s", strings.Join(GroupKinds, ", "))
}

func groupDescription(v *store.ValidationError, d *string) *string {
	if d == nil {
		return nil
	}
	s := strings.TrimSpace(*d)
	if utf8.RuneCountInString(s) > 2000 {
		v.Add("/description", "must be at most 2000 characters")
	}
	if s == "" {
		return nil
	}
	return &s
}

// Find returns a page of groups ordered by lower(name), then id.
func (r *GroupRepo) Find(ctx context.Context, q GroupQuery) (GroupPage, error) {
	var page GroupPage
	err := r.st.Read(ctx, func(t *store.Tx) error {
		var args store.Args
		sql := `SELECT ` + groupCols + `, lower(groups.name) AS sort_key FROM groups WHERE groups.tenant_id = learnd_tenant()`
		if q.Query != "" {
			sql += ` AND lower(groups.name) LIKE lower(` + args.Add(likeContains(q.Query)) + `)`
		}
		if q.Kind != "" {
			sql += ` AND groups.kind = ` + args.Add(q.Kind)
		}
		sql += args.ByName("groups", q.After, q.Limit)
		rows, next, err := store.KeysetRecords(t, q.Limit, sql, args, (*groupRow).position)
		if err != nil {
			return err
		}
		page.Next = next
		page.Items = make([]Group, len(rows))
		for i := range rows {
			page.Items[i] = rows[i].Group
		}
		return nil
	})
	if err != nil {
		return GroupPage{}, fmt.Errorf("find groups: %w", err)
	}
	return page, nil
}

// Get returns one group.
func (r *GroupRepo) Get(ctx context.Context, id uuid.UUID) (*Group, error) {
	var g *Group
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		g, err = getGroup(t, id, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get group: %w", err)
	}
	return g, nil
}

// Create adds an empty group.
func (r *GroupRepo) Create(ctx context.Context, in NewGroup) (*Group, error) {
	var g *Group
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		v := &store.ValidationError{}
		in.Name = personName(v, "/name", in.Name)
		if in.Kind == "" {
			in.Kind = "team"
		}
		checkGroupKind(v, "/kind", in.Kind)
		in.Description = groupDescription(v, in.Description)
		if err := v.Err(); err != nil {
			return err
		}
		id, ts, by := uuid.Must(uuid.NewV7()), store.Now(), actorID(t)
		_, err := t.Exec(`INSERT INTO groups (tenant_id, id, name, kind, description, created_at, updated_at, created_by, updated_by, version)
VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7, 1)`, t.Caller().TenantID, id, in.Name, in.Kind, in.Description, ts, by)
		if err != nil {
			return err
		}
		if g, err = getGroup(t, id, false); err != nil {
			return err
		}
		return t.Audit("group.create", "group", typeid.Format(typeid.Group, id), nil, auditGroup(g))
	})
	if err != nil {
		return nil, fmt.Errorf("create group: %w", err)
	}
	return g, nil
}

// Update applies a merge patch. expected (optional) is the version the caller read. A
// patch that changes nothing returns the group as it is (changed false, no audit entry).
func (r *GroupRepo) Update(ctx context.Context, id uuid.UUID, expected *int, ch GroupChange) (*Group, bool, error) {
	var g *Group
	changed := false
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		cur, err := editGroup(t, id, expected)
		if err != nil {
			return err
		}
		v := &store.ValidationError{}
		next := *cur
		if ch.Name != nil {
			next.Name = personName(v, "/name", *ch.Name)
		}
		if ch.Kind != nil {
			next.Kind = *ch.Kind
			checkGroupKind(v, "/kind", next.Kind)
		}
		if ch.SetDescription {
			next.Description = groupDescription(v, ch.Description)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if next.Name == cur.Name && next.Kind == cur.Kind && equalStrPtr(next.Description, cur.Description) {
			g = cur
			return nil
		}
		_, err = t.Exec(`UPDATE groups SET name = $3, kind = $4, description = $5, updated_at = $6, updated_by = $7, version = version + 1
WHERE tenant_id = learnd_tenant() AND id = $1 AND version = $2`, id, cur.Version, next.Name, next.Kind, next.Description, store.Now(), actorID(t))
		if err != nil {
			return err
		}
		if g, err = getGroup(t, id, false); err != nil {
			return err
		}
		changed = true
		return t.Audit("group.update", "group", typeid.Format(typeid.Group, id), auditGroup(cur), auditGroup(g))
	})
	if err != nil {
		return nil, false, fmt.Errorf("update group: %w", err)
	}
	return g, changed, nil
}

func equalStrPtr(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// Delete removes a group with its memberships and group course assignments; assignments
// its members received stay.
func (r *GroupRepo) Delete(ctx context.Context, id uuid.UUID, expected *int) error {
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		cur, err := editGroup(t, id, expected)
		if err != nil {
			return err
		}
		if _, err := t.Exec(`DELETE FROM groups WHERE tenant_id = learnd_tenant() AND id = $1`, id); err != nil {
			return err
		}
		before := struct {
			groupAudit
			MemberCount int `json:"memberCount"`
		}{auditGroup(cur), cur.MemberCount}
		return t.Audit("group.delete", "group", typeid.Format(typeid.Group, id), before, nil)
	})
	if err != nil {
		return fmt.Errorf("delete group: %w", err)
	}
	return nil
}
