package assignments

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// ChainAssignInput assigns a course chain to users and groups.
type ChainAssignInput struct {
	ChainID  uuid.UUID
	UserIDs  []uuid.UUID
	GroupIDs []uuid.UUID
	DueAt    *time.Time
}

// ChainAssignResult is what a chain assignment did.
type ChainAssignResult struct {
	ChainID         uuid.UUID
	CourseIDs       []uuid.UUID
	Users           []uuid.UUID // every user reached, in order: named users, then group members
	Assigned        int
	AlreadyAssigned int
}

// chainAudit is a chain assignment in the audit log.
type chainAudit struct {
	ChainID  string     `json:"chainId"`
	Users    []string   `json:"users"`
	Groups   []string   `json:"groups"`
	DueAt    *time.Time `json:"dueAt,omitempty"`
	Assigned int        `json:"assigned"`
}

// AssignChain assigns every course of a chain, in order, to the users and to the active
// members of the groups (recording each group's chain courses for later members). Only
// the chain's owner may do it (ErrNotChainOwner); every chain course must be published.
func (s *Repo) AssignChain(ctx context.Context, in ChainAssignInput) (ChainAssignResult, error) {
	res := ChainAssignResult{ChainID: in.ChainID}
	err := s.st.InTenant(ctx, func(t *store.Tx) error {
		var owner uuid.UUID
		var name string
		err := t.QueryRow(`SELECT owner_id, name, course_ids FROM course_chains WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`, in.ChainID).
			Scan(&owner, &name, &res.CourseIDs)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if owner != t.Caller().PersonID {
			return ErrNotChainOwner
		}
		v := &store.ValidationError{}
		checkDates(v, nil, in.DueAt)
		names, err := chainCourses(t, v, res.CourseIDs)
		if err != nil {
			return err
		}
		users, err := learnerRows(t, in.UserIDs)
		if err != nil {
			return err
		}
		checkUsers(v, users, in.UserIDs, func(i int) string { return "/users/" + strconv.Itoa(i) })
		groups, err := liveGroups(t, in.GroupIDs)
		if err != nil {
			return err
		}
		for i, g := range in.GroupIDs {
			if !groups[g] {
				v.Add("/groups/"+strconv.Itoa(i), "no such group")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}

		reached := map[uuid.UUID]bool{}
		newFor := map[uuid.UUID]int{}
		count := func(ids []uuid.UUID, made []newAssignment) {
			for _, id := range ids {
				if !reached[id] {
					reached[id] = true
					res.Users = append(res.Users, id)
				}
			}
			for _, a := range made {
				newFor[a.user]++
			}
			res.Assigned += len(made)
		}
		made, err := insert(t, in.UserIDs, res.CourseIDs, nil, &in.ChainID, nil, in.DueAt)
		if err != nil {
			return err
		}
		count(in.UserIDs, made)
		for _, g := range in.GroupIDs {
			for i, c := range res.CourseIDs {
				pos := i + 1
				if err := upsertGroupCourse(t, g, c, &in.ChainID, &pos, nil, in.DueAt); err != nil {
					return err
				}
			}
			members, err := groupMembers(t, g)
			if err != nil {
				return err
			}
			var active []uuid.UUID
			for _, m := range members {
				if !m.Banned {
					active = append(active, m.ID)
					users[m.ID] = m
				}
			}
			made, err := insert(t, active, res.CourseIDs, &g, &in.ChainID, nil, in.DueAt)
			if err != nil {
				return err
			}
			count(active, made)
		}
		res.AlreadyAssigned = len(res.Users)*len(res.CourseIDs) - res.Assigned
		for _, u := range res.Users {
			if newFor[u] > 0 {
				if err := t.EnqueueMail(chainMail(users[u], name, names, in.DueAt)); err != nil {
					return err
				}
			}
		}
		after := chainAudit{ChainID: typeid.Format(typeid.Chain, in.ChainID), Users: formatIDs(typeid.Person, in.UserIDs),
			Groups: formatIDs(typeid.Group, in.GroupIDs), DueAt: inUTC(in.DueAt), Assigned: res.Assigned}
		return t.Audit("chain.assign", "course_chain", after.ChainID, nil, after)
	})
	if err != nil {
		return ChainAssignResult{}, fmt.Errorf("assign chain: %w", err)
	}
	return res, nil
}

// chainCourses records a field error per chain course that cannot be assigned and
// returns the course names in chain order.
func chainCourses(t *store.Tx, v *store.ValidationError, ids []uuid.UUID) ([]string, error) {
	rows, err := t.Query(`SELECT id, name, status, is_deleted FROM courses WHERE tenant_id = learnd_tenant() AND id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	type course struct {
		name, status string
		deleted      bool
	}
	found := map[uuid.UUID]course{}
	var id uuid.UUID
	var c course
	if _, err := pgx.ForEachRow(rows, []any{&id, &c.name, &c.status, &c.deleted}, func() error {
		found[id] = c
		return nil
	}); err != nil {
		return nil, err
	}
	names := make([]string, len(ids))
	for i, id := range ids {
		c, ok := found[id]
		switch {
		case !ok || c.deleted:
			v.Add("", "chain course %s no longer exists", typeid.Format(typeid.Course, id))
		case c.status != "published":
			v.Add("", "chain course %s is %s; only published courses can be assigned", typeid.Format(typeid.Course, id), c.status)
		}
		names[i] = c.name
	}
	return names, nil
}

func chainMail(u learnerRow, chain string, courses []string, dueAt *time.Time) store.Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nYou have been assigned the learning path %q. Take its courses in this order:\n", u.Name, chain)
	for i, c := range courses {
		fmt.Fprintf(&b, "  %d. %s\n", i+1, c)
	}
	if dueAt != nil {
		fmt.Fprintf(&b, "Please complete it by %s.\n", mailDate(*dueAt))
	}
	return store.Mail{Kind: "assignment", To: u.Email, Subject: "New learning path assigned: " + chain, Body: b.String()}
}

func formatIDs(prefix string, ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = typeid.Format(prefix, id)
	}
	return out
}
