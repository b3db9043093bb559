package people

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// ProvisionedGroup is a group with its external id and (when asked for) its members.
type ProvisionedGroup struct {
	Group
	ExternalID *string `gorm:"column:external_id"`
	Members    []MemberRef
}

// MemberRef is a member of a provisioned group.
type MemberRef struct {
	ID   uuid.UUID
	Name string
}

// GroupProfile is what an identity provider says about a group: Members are user ids.
type GroupProfile struct {
	Name       string
	ExternalID *string
	Members    []uuid.UUID
}

// Profile returns the group's current profile (Members as loaded).
func (g *ProvisionedGroup) Profile() GroupProfile {
	p := GroupProfile{Name: g.Name, ExternalID: g.ExternalID, Members: make([]uuid.UUID, len(g.Members))}
	for i, m := range g.Members {
		p.Members[i] = m.ID
	}
	return p
}

const provisionGroupCols = groupCols + ", groups.external_id"

// loadMembers fills in the members of groups, deprovisioned users left out.
func loadMembers(t *store.Tx, gs []ProvisionedGroup) error {
	if len(gs) == 0 {
		return nil
	}
	ids := make([]uuid.UUID, len(gs))
	at := make(map[uuid.UUID]int, len(gs))
	for i := range gs {
		ids[i], at[gs[i].ID] = gs[i].ID, i
		gs[i].Members = []MemberRef{}
	}
	rows, err := t.Query(`SELECT gm.group_id, u.id, u.name
FROM group_members gm JOIN users u ON u.tenant_id = gm.tenant_id AND u.id = gm.user_id
WHERE gm.tenant_id = learnd_tenant() AND gm.group_id = ANY($1) AND u.deprovisioned_at IS NULL
ORDER BY gm.added_at, u.id`, ids)
	if err != nil {
		return fmt.Errorf("group members: %w", err)
	}
	var gid uuid.UUID
	var m MemberRef
	_, err = pgx.ForEachRow(rows, []any{&gid, &m.ID, &m.Name}, func() error {
		gs[at[gid]].Members = append(gs[at[gid]].Members, m)
		return nil
	})
	if err != nil {
		return fmt.Errorf("group members: %w", err)
	}
	return nil
}

func getProvisionedGroup(t *store.Tx, id uuid.UUID, lock, members bool) (*ProvisionedGroup, error) {
	sql := `SELECT ` + provisionGroupCols + ` FROM groups WHERE groups.tenant_id = learnd_tenant() AND groups.id = $1`
	if lock {
		sql += ` FOR UPDATE`
	}
	var g ProvisionedGroup
	if err := store.QueryOne(t, sql, []any{id}, &g); err != nil {
		return nil, err
	}
	if members {
		gs := []ProvisionedGroup{g}
		if err := loadMembers(t, gs); err != nil {
			return nil, err
		}
		g = gs[0]
	}
	return &g, nil
}

type provisionGroupAudit struct {
	groupAudit
	ExternalID *string `json:"externalId,omitempty"`
}

func auditProvisionedGroup(g *ProvisionedGroup) provisionGroupAudit {
	return provisionGroupAudit{groupAudit: auditGroup(&g.Group), ExternalID: g.ExternalID}
}

func checkGroupProfile(p *GroupProfile) error {
	v := &store.ValidationError{}
	p.Name = personName(v, "/displayName", p.Name)
	checkExternalID(v, "/externalId", p.ExternalID)
	p.Members = dedupeIDs(p.Members)
	return v.Err()
}

// FindGroups returns the groups a filter selects, ordered by creation, and how many there
// are in all.
func (r *ProvisionRepo) FindGroups(ctx context.Context, q ProvisionQuery) ([]ProvisionedGroup, int, error) {
	var out []ProvisionedGroup
	total := 0
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		out, total, err = offsetPage[ProvisionedGroup](t, q, provisionGroupCols, ` FROM groups WHERE groups.tenant_id = learnd_tenant()`,
			groupFilterColumns, `groups.created_at, groups.id`)
		if err != nil || len(out) == 0 {
			return err
		}
		if q.WithMembers {
			return loadMembers(t, out)
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("find provisioned groups: %w", err)
	}
	return out, total, nil
}

// GetGroup returns one group, with its members when members is true.
func (r *ProvisionRepo) GetGroup(ctx context.Context, id uuid.UUID, members bool) (*ProvisionedGroup, error) {
	var g *ProvisionedGroup
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		g, err = getProvisionedGroup(t, id, false, members)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get provisioned group: %w", err)
	}
	return g, nil
}

// CreateGroup provisions a group (kind team) with its members; each new member gets the
// group's courses, as with AddMembers.
func (r *ProvisionRepo) CreateGroup(ctx context.Context, p GroupProfile) (*ProvisionedGroup, error) {
	var g *ProvisionedGroup
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if err := checkGroupProfile(&p); err != nil {
			return err
		}
		id, ts, by := uuid.Must(uuid.NewV7()), store.Now(), actorID(t)
		_, err := t.Exec(`INSERT INTO groups (tenant_id, id, name, kind, external_id, created_at, updated_at, created_by, updated_by, version)
VALUES ($1, $2, $3, 'team', $4, $5, $5, $6, $6, 1)`, t.Caller().TenantID, id, p.Name, p.ExternalID, ts, by)
		if isExternalIDConflict(err) {
			return ErrExternalIDTaken
		} else if err != nil {
			return err
		}
		created, err := getProvisionedGroup(t, id, false, false)
		if err != nil {
			return err
		}
		if err := t.Audit("group.create", "group", typeid.Format(typeid.Group, id), nil, auditProvisionedGroup(created)); err != nil {
			return err
		}
		if len(p.Members) > 0 {
			if _, err := r.groups.AddMembers(t.Ctx(), id, p.Members); err != nil {
				return err
			}
		}
		g, err = getProvisionedGroup(t, id, false, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("provision group: %w", err)
	}
	return g, nil
}

// ChangeGroup changes a provisioned group: change edits the current profile (a SCIM PUT
// replaces it, a PATCH applies its operations). A new name or external id is one
// group.update entry; members joining go through AddMembers, members leaving through
// RemoveMember, all in one transaction.
func (r *ProvisionRepo) ChangeGroup(ctx context.Context, id uuid.UUID, change func(p *GroupProfile) error) (*ProvisionedGroup, error) {
	var g *ProvisionedGroup
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		cur, err := getProvisionedGroup(t, id, true, true)
		if err != nil {
			return err
		}
		p := cur.Profile()
		if err := change(&p); err != nil {
			return err
		}
		if err := checkGroupProfile(&p); err != nil {
			return err
		}
		if p.Name != cur.Name || !equalStrPtr(p.ExternalID, cur.ExternalID) {
			_, err := t.Exec(`UPDATE groups SET name = $2, external_id = $3, updated_at = $4, updated_by = $5, version = version + 1
WHERE tenant_id = learnd_tenant() AND id = $1`, id, p.Name, p.ExternalID, store.Now(), actorID(t))
			if isExternalIDConflict(err) {
				return ErrExternalIDTaken
			} else if err != nil {
				return err
			}
			next, err := getProvisionedGroup(t, id, false, false)
			if err != nil {
				return err
			}
			if err := t.Audit("group.update", "group", typeid.Format(typeid.Group, id), auditProvisionedGroup(cur), auditProvisionedGroup(next)); err != nil {
				return err
			}
		}
		was, now := idSet(cur.Profile().Members), idSet(p.Members)
		var join []uuid.UUID
		for _, m := range p.Members {
			if !was[m] {
				join = append(join, m)
			}
		}
		if len(join) > 0 {
			if _, err := r.groups.AddMembers(t.Ctx(), id, join); err != nil {
				return err
			}
		}
		for _, m := range cur.Members {
			if !now[m.ID] {
				if err := r.groups.RemoveMember(t.Ctx(), id, m.ID); err != nil {
					return err
				}
			}
		}
		g, err = getProvisionedGroup(t, id, false, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("change provisioned group: %w", err)
	}
	return g, nil
}

// DeleteGroup removes a group (Delete: its memberships and group assignments go, the
// assignments its members received stay).
func (r *ProvisionRepo) DeleteGroup(ctx context.Context, id uuid.UUID) error {
	return r.groups.Delete(ctx, id, nil)
}

func idSet(ids []uuid.UUID) map[uuid.UUID]bool {
	m := make(map[uuid.UUID]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
