package courses

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// ErrChainAccess means the caller may not change this chain: that needs its owner, an
// admin or an owner (and a role granting course_edit).
var ErrChainAccess = errors.New("not allowed to change this course chain")

// Chain is a course chain: an ordered learning path of courses.
type Chain struct {
	ID          uuid.UUID
	Name        string
	Description *string
	OwnerID     uuid.UUID
	CourseIDs   []uuid.UUID
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CreatedBy   *uuid.UUID
	UpdatedBy   *uuid.UUID
	Version     int
	IsDeleted   bool
	DeletedAt   *time.Time
	DeletedBy   *uuid.UUID
}

// ChainQuery selects a page of chains.
type ChainQuery struct {
	Query string // case-insensitive substring of the name
	Limit int
	After *store.NameCursor
}

// ChainPage is one page of chains; Next is nil on the last page.
type ChainPage struct {
	Items []Chain
	Next  *store.NameCursor
}

// NewChain is what creating a chain takes.
type NewChain struct {
	Name        string
	Description *string
	CourseIDs   []uuid.UUID
}

// ChainChange is a merge patch of a chain: nil members stay as they are.
type ChainChange struct {
	Name             *string
	Description      *string
	ClearDescription bool
	CourseIDs        *[]uuid.UUID
}

// ChainRepo reads and writes course chains.
type ChainRepo struct{ st *store.Store }

// Chains returns the course chain repository.
func (s *Repo) Chains() *ChainRepo { return &ChainRepo{st: s.st} }

const chainCols = `id, name, description, owner_id, course_ids, created_at, updated_at, created_by, updated_by, version, is_deleted, deleted_at, deleted_by`

func scanChain(row pgx.Row, c *Chain, extra ...any) error {
	dest := append([]any{&c.ID, &c.Name, &c.Description, &c.OwnerID, &c.CourseIDs, &c.CreatedAt, &c.UpdatedAt,
		&c.CreatedBy, &c.UpdatedBy, &c.Version, &c.IsDeleted, &c.DeletedAt, &c.DeletedBy}, extra...)
	return row.Scan(dest...)
}

// chainAudit is a chain as the audit log records it.
type chainAudit struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description *string  `json:"description"`
	OwnerID     string   `json:"ownerId"`
	CourseIDs   []string `json:"courseIds"`
	Deleted     bool     `json:"deleted,omitempty"`
	Version     int      `json:"version"`
}

func auditChain(c *Chain) chainAudit {
	ids := make([]string, len(c.CourseIDs))
	for i, id := range c.CourseIDs {
		ids[i] = typeid.Format(typeid.Course, id)
	}
	return chainAudit{ID: typeid.Format(typeid.Chain, c.ID), Name: c.Name, Description: c.Description,
		OwnerID: typeid.Format(typeid.Person, c.OwnerID), CourseIDs: ids, Deleted: c.IsDeleted, Version: c.Version}
}

// Find returns a page of live chains ordered by lower(name), then id.
func (r *ChainRepo) Find(ctx context.Context, q ChainQuery) (ChainPage, error) {
	var page ChainPage
	if q.Limit <= 0 {
		q.Limit = 20
	}
	err := r.st.Read(ctx, func(t *store.Tx) error {
		sql := `SELECT ` + chainCols + `, lower(name) FROM course_chains WHERE tenant_id = learnd_tenant() AND NOT is_deleted`
		var args store.Args
		if q.Query != "" {
			sql += ` AND lower(name) LIKE ` + args.Add(courseLike(q.Query))
		}
		sql += args.ByName("", q.After, q.Limit)
		var err error
		page.Items, page.Next, err = store.KeysetPage(t, q.Limit, sql, args, func(rows pgx.Rows, c *Chain) (store.NameCursor, error) {
			var key string
			err := scanChain(rows, c, &key)
			return store.NameCursor{Name: key, ID: c.ID}, err
		})
		return err
	})
	if err != nil {
		return ChainPage{}, fmt.Errorf("find course chains: %w", err)
	}
	return page, nil
}

// getChain reads a live chain, locking it FOR UPDATE when lock.
func getChain(t *store.Tx, id uuid.UUID, lock bool) (*Chain, error) {
	q := `SELECT ` + chainCols + ` FROM course_chains WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`
	if lock {
		q += ` FOR UPDATE`
	}
	var c Chain
	if err := scanChain(t.QueryRow(q, id), &c); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, store.ErrNotFound
		}
		return nil, err
	}
	return &c, nil
}

// Get returns a live chain.
func (r *ChainRepo) Get(ctx context.Context, id uuid.UUID) (*Chain, error) {
	var c *Chain
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		c, err = getChain(t, id, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get course chain: %w", err)
	}
	return c, nil
}

// validateChain checks a chain's fields, and that its courses are distinct live courses of
// the tenant (pointing at each one that is not).
func validateChain(t *store.Tx, name string, description *string, courses []uuid.UUID) error {
	var v store.ValidationError
	if n := utf8.RuneCountInString(name); n < 1 || n > 200 {
		v.Add("/name", "must be 1–200 characters")
	}
	if description != nil && utf8.RuneCountInString(*description) > 5000 {
		v.Add("/description", "must be at most 5000 characters")
	}
	if n := len(courses); n < 1 || n > 50 {
		v.Add("/courseIds", "a chain holds 1–50 courses")
	}
	live := map[uuid.UUID]bool{}
	rows, err := t.Query(`SELECT id FROM courses WHERE tenant_id = learnd_tenant() AND id = ANY($1) AND NOT is_deleted`, courses)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id uuid.UUID
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		live[id] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	seen := map[uuid.UUID]bool{}
	for i, id := range courses {
		switch {
		case seen[id]:
			v.Add("/courseIds/"+strconv.Itoa(i), "the course appears twice")
		case !live[id]:
			v.Add("/courseIds/"+strconv.Itoa(i), "no such course")
		}
		seen[id] = true
	}
	return v.Err()
}

// Create creates a chain owned by the caller.
func (r *ChainRepo) Create(ctx context.Context, in NewChain) (*Chain, error) {
	var out *Chain
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if !t.Caller().Can(auth.PermCourseEdit) {
			return ErrChainAccess
		}
		if err := validateChain(t, in.Name, in.Description, in.CourseIDs); err != nil {
			return err
		}
		ts := store.Now()
		c := &Chain{ID: uuid.Must(uuid.NewV7()), Name: in.Name, Description: in.Description, OwnerID: t.Caller().PersonID,
			CourseIDs: slices.Clone(in.CourseIDs), CreatedAt: ts, UpdatedAt: ts, CreatedBy: actor(t), UpdatedBy: actor(t), Version: 1}
		if _, err := t.Exec(`INSERT INTO course_chains (tenant_id, id, name, description, owner_id, course_ids, created_at, updated_at, created_by, updated_by)
VALUES (learnd_tenant(), $1, $2, $3, $4, $5, $6, $6, $7, $7)`, c.ID, c.Name, c.Description, c.OwnerID, c.CourseIDs, ts, c.CreatedBy); err != nil {
			return err
		}
		out = c
		return t.Audit("chain.create", "course_chain", typeid.Format(typeid.Chain, c.ID), nil, auditChain(c))
	})
	if err != nil {
		return nil, fmt.Errorf("create course chain: %w", err)
	}
	return out, nil
}

// editChain locks a live chain for a change by its owner (or an admin or owner).
func editChain(t *store.Tx, id uuid.UUID, expected *int) (*Chain, error) {
	c, err := getChain(t, id, true)
	if err != nil {
		return nil, err
	}
	if !t.Caller().Can(auth.PermCourseEdit) || !(t.Caller().Role.AtLeast(auth.RoleAdmin) || (t.Caller().PersonID != uuid.Nil && c.OwnerID == t.Caller().PersonID)) {
		return nil, ErrChainAccess
	}
	if expected != nil && *expected != c.Version {
		return nil, &store.VersionMismatchError{Expected: *expected, Current: c.Version}
	}
	return c, nil
}

// Update applies a merge patch to a chain; a new course list is checked like on create.
func (r *ChainRepo) Update(ctx context.Context, id uuid.UUID, expected *int, ch ChainChange) (*Chain, error) {
	var out *Chain
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editChain(t, id, expected)
		if err != nil {
			return err
		}
		before := auditChain(c)
		if ch.Name != nil {
			c.Name = *ch.Name
		}
		if ch.ClearDescription {
			c.Description = nil
		} else if ch.Description != nil {
			c.Description = ch.Description
		}
		if ch.CourseIDs != nil {
			c.CourseIDs = slices.Clone(*ch.CourseIDs)
			if err := validateChain(t, c.Name, c.Description, c.CourseIDs); err != nil {
				return err
			}
		} else {
			var v store.ValidationError
			if n := utf8.RuneCountInString(c.Name); n < 1 || n > 200 {
				v.Add("/name", "must be 1–200 characters")
			}
			if err := v.Err(); err != nil {
				return err
			}
		}
		err = t.QueryRow(`UPDATE course_chains SET name = $2, description = $3, course_ids = $4, version = version + 1, updated_at = $5, updated_by = $6
WHERE tenant_id = learnd_tenant() AND id = $1 RETURNING version, updated_at, updated_by`, c.ID, c.Name, c.Description, c.CourseIDs, store.Now(), actor(t)).
			Scan(&c.Version, &c.UpdatedAt, &c.UpdatedBy)
		if err != nil {
			return err
		}
		out = c
		return t.Audit("chain.update", "course_chain", typeid.Format(typeid.Chain, c.ID), before, auditChain(c))
	})
	if err != nil {
		return nil, fmt.Errorf("update course chain: %w", err)
	}
	return out, nil
}

// Delete soft-deletes a chain; assignments made from it are kept.
func (r *ChainRepo) Delete(ctx context.Context, id uuid.UUID, expected *int) error {
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editChain(t, id, expected)
		if err != nil {
			return err
		}
		before := auditChain(c)
		ts := store.Now()
		err = t.QueryRow(`UPDATE course_chains SET is_deleted = true, deleted_at = $2, deleted_by = $3, version = version + 1, updated_at = $2, updated_by = $3
WHERE tenant_id = learnd_tenant() AND id = $1 RETURNING version, updated_at`, c.ID, ts, actor(t)).Scan(&c.Version, &c.UpdatedAt)
		if err != nil {
			return err
		}
		c.IsDeleted, c.DeletedAt, c.DeletedBy = true, &ts, actor(t)
		return t.Audit("chain.delete", "course_chain", typeid.Format(typeid.Chain, c.ID), before, auditChain(c))
	})
	if err != nil {
		return fmt.Errorf("delete course chain: %w", err)
	}
	return nil
}
