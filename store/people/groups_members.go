package people

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// GroupMember is a user in a group.
type GroupMember struct {
	ID      uuid.UUID `gorm:"column:id"`
	Name    string    `gorm:"column:name"`
	Email   string    `gorm:"column:email"`
	Role    string    `gorm:"column:role"`
	Status  string    `gorm:"column:status"`
	AddedAt time.Time `gorm:"column:added_at"`
	SortKey string    `gorm:"column:sort_key"`
}

func (m *GroupMember) position() store.NameCursor { return store.NameCursor{Name: m.SortKey, ID: m.ID} }

// MemberPage is one page of a group's members.
type MemberPage struct {
	Items []GroupMember
	Next  *store.NameCursor
}

// MembersAdded reports an AddMembers call.
type MembersAdded struct {
	Added          []uuid.UUID // joined with this call
	AlreadyMembers []uuid.UUID // were members already
	MemberCount    int
}

// Members returns a page of a group's members ordered by lower(name), then id. An unknown
// group is ErrNotFound.
func (r *GroupRepo) Members(ctx context.Context, groupID uuid.UUID, limit int, after *store.NameCursor) (MemberPage, error) {
	var page MemberPage
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		if _, err := getGroup(t, groupID, false); err != nil {
			return err
		}
		args := store.Args{groupID}
		sql := `SELECT users.id, users.name, users.email, users.role, users.status, gm.added_at, lower(users.name) AS sort_key
FROM users JOIN group_members gm ON gm.tenant_id = users.tenant_id AND gm.user_id = users.id
WHERE users.tenant_id = learnd_tenant() AND gm.group_id = $1`
		sql += args.ByName("users", after, limit)
		page.Items, page.Next, err = store.KeysetRecords(t, limit, sql, args, (*GroupMember).position)
		return err
	})
	if err != nil {
		return MemberPage{}, fmt.Errorf("group members: %w", err)
	}
	return page, nil
}

// AddMembers adds users to a group; members already in it stay as they are. Each new
// member gets the group's courses (the group_members trigger). An unknown user is a
// validation error naming /userIds/<i>, and nothing is added.
func (r *GroupRepo) AddMembers(ctx context.Context, groupID uuid.UUID, userIDs []uuid.UUID) (MembersAdded, error) {
	var out MembersAdded
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if _, err := getGroup(t, groupID, true); err != nil {
			return err
		}
		ids := dedupeIDs(userIDs)
		missing, err := missingIDs(t, "users", ids)
		if err != nil {
			return err
		}
		v := &store.ValidationError{}
		for i, id := range userIDs {
			if missing[id] {
				v.Add("/userIds/"+strconv.Itoa(i), "no such user")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		rows, err := t.Query(`INSERT INTO group_members (tenant_id, group_id, user_id, added_at, added_by)
SELECT $1, $2, u, $3, $4 FROM unnest($5::uuid[]) AS u
ON CONFLICT (tenant_id, group_id, user_id) DO NOTHING RETURNING user_id`, t.Caller().TenantID, groupID, store.Now(), actorID(t), ids)
		if err != nil {
			return err
		}
		added := map[uuid.UUID]bool{}
		for rows.Next() {
			var id uuid.UUID
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			added[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		out.Added, out.AlreadyMembers = []uuid.UUID{}, []uuid.UUID{}
		for _, id := range ids {
			if added[id] {
				out.Added = append(out.Added, id)
			} else {
				out.AlreadyMembers = append(out.AlreadyMembers, id)
			}
		}
		if err := t.QueryRow(`SELECT count(*) FROM group_members WHERE tenant_id = learnd_tenant() AND group_id = $1`, groupID).Scan(&out.MemberCount); err != nil {
			return err
		}
		if len(out.Added) == 0 {
			return nil
		}
		after := struct {
			GroupID string   `json:"groupId"`
			UserIDs []string `json:"userIds"`
		}{typeid.Format(typeid.Group, groupID), peopleIDStrings(typeid.Person, out.Added)}
		return t.Audit("group.members.add", "group", after.GroupID, nil, after)
	})
	if err != nil {
		return MembersAdded{}, fmt.Errorf("add group members: %w", err)
	}
	return out, nil
}

func peopleIDStrings(prefix string, ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = typeid.Format(prefix, id)
	}
	return out
}

// RemoveMember takes a user out of a group; assignments received through the group stay.
// An unknown group, or a user who is not a member, is ErrNotFound.
func (r *GroupRepo) RemoveMember(ctx context.Context, groupID, userID uuid.UUID) error {
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		var addedAt time.Time
		err := t.QueryRow(`DELETE FROM group_members WHERE tenant_id = learnd_tenant() AND group_id = $1 AND user_id = $2 RETURNING added_at`, groupID, userID).Scan(&addedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		} else if err != nil {
			return err
		}
		before := struct {
			GroupID string    `json:"groupId"`
			UserID  string    `json:"userId"`
			AddedAt time.Time `json:"addedAt"`
		}{typeid.Format(typeid.Group, groupID), typeid.Format(typeid.Person, userID), addedAt}
		return t.Audit("group.members.remove", "group", before.GroupID, before, nil)
	})
	if err != nil {
		return fmt.Errorf("remove group member: %w", err)
	}
	return nil
}
