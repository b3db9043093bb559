package courses

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// Course statuses.
const (
	CourseStatusDraft     = "draft"
	CourseStatusPublished = "published"
	CourseStatusArchived  = "archived"
)

// CourseSettings is courses.settings, stored as JSON with these camelCase members
// (progress and certificates read them). Members missing from a stored document take the
// defaults of DefaultCourseSettings.
type CourseSettings struct {
	PassingScore              int  `json:"passingScore"`
	CertificateOnCompletion   bool `json:"certificateOnCompletion"`
	CertificateValidityMonths *int `json:"certificateValidityMonths,omitempty"`
	Points                    int  `json:"points"`
	// Recertification renews the course's certificates (course_recertification.go).
	Recertification *Recertification `json:"recertification,omitempty"`
	// OverdueEscalationDays overrides the tenant's overdue escalation for this course.
	OverdueEscalationDays *int `json:"overdueEscalationDays,omitempty"`
}

// DefaultCourseSettings: passing score 70, no certificate, no points.
func DefaultCourseSettings() CourseSettings { return CourseSettings{PassingScore: 70} }

// Value implements driver.Valuer (a jsonb parameter).
func (c CourseSettings) Value() (driver.Value, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("encode course settings: %w", err)
	}
	return string(b), nil
}

// Scan implements sql.Scanner over the defaults.
func (c *CourseSettings) Scan(src any) error {
	*c = DefaultCourseSettings()
	var b []byte
	switch s := src.(type) {
	case nil:
		return nil
	case []byte:
		b = s
	case string:
		b = []byte(s)
	default:
		return fmt.Errorf("scan course settings: unexpected %T", src)
	}
	if err := json.Unmarshal(b, c); err != nil {
		return fmt.Errorf("scan course settings: %w", err)
	}
	return nil
}

// Course is a course with (from Get and the writes that return it) its shares and
// structure.
type Course struct {
	ID          uuid.UUID
	Name        string
	Annotation  *string
	Status      string
	Tags        []string
	OwnerID     uuid.UUID
	Settings    CourseSettings
	PublishedAt *time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CreatedBy   *uuid.UUID
	UpdatedBy   *uuid.UUID
	Version     int
	IsDeleted   bool
	DeletedAt   *time.Time
	DeletedBy   *uuid.UUID

	Shares      []CourseShare
	Sections    []CourseSection    // in order, each with its elements in order
	Transitions []CourseTransition // ordered by from, then to
}

// CourseShare is a user who may edit a course besides its owner.
type CourseShare struct {
	UserID    uuid.UUID
	CreatedAt time.Time
	CreatedBy *uuid.UUID
}

// CourseQuery selects a page of courses (find_course).
type CourseQuery struct {
	Query  string // case-insensitive substring of the name
	Status string
	Tag    string
	Limit  int
	After  *store.NameCursor
}

// CoursePage is one page of courses (without shares or structure); Next is nil on the
// last page.
type CoursePage struct {
	Items []Course
	Next  *store.NameCursor
}

// CourseRepo reads and writes courses and their structure. Every write runs in one
// transaction that locks the course, checks the caller may edit it, bumps its version
// and writes an audit entry.
type CourseRepo struct{ st *store.Store }

// Courses returns the course repository.
func (s *Repo) Courses() *CourseRepo { return &CourseRepo{st: s.st} }

const courseCols = `id, name, annotation, status, tags, owner_id, settings, published_at, created_at, updated_at, created_by, updated_by, version, is_deleted, deleted_at, deleted_by`

// scanCourse scans courseCols (and extra columns after them) into c.
func scanCourse(row pgx.Row, c *Course, extra ...any) error {
	var settings []byte
	dest := append([]any{&c.ID, &c.Name, &c.Annotation, &c.Status, &c.Tags, &c.OwnerID, &settings, &c.PublishedAt,
		&c.CreatedAt, &c.UpdatedAt, &c.CreatedBy, &c.UpdatedBy, &c.Version, &c.IsDeleted, &c.DeletedAt, &c.DeletedBy}, extra...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	if c.Tags == nil {
		c.Tags = []string{}
	}
	return c.Settings.Scan(settings)
}

// courseAudit is a course as the audit log records it (its structure as counts).
type courseAudit struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Annotation  *string        `json:"annotation"`
	Status      string         `json:"status"`
	Tags        []string       `json:"tags"`
	OwnerID     string         `json:"ownerId"`
	Settings    CourseSettings `json:"settings"`
	PublishedAt *time.Time     `json:"publishedAt"`
	Deleted     bool           `json:"deleted,omitempty"`
	Version     int            `json:"version"`
	Sections    *int           `json:"sections,omitempty"`
	Elements    *int           `json:"elements,omitempty"`
	ClonedFrom  string         `json:"clonedFrom,omitempty"`
}

func auditCourse(c *Course) courseAudit {
	a := courseAudit{ID: typeid.Format(typeid.Course, c.ID), Name: c.Name, Annotation: c.Annotation, Status: c.Status,
		Tags: c.Tags, OwnerID: typeid.Format(typeid.Person, c.OwnerID), Settings: c.Settings, PublishedAt: c.PublishedAt,
		Deleted: c.IsDeleted, Version: c.Version}
	if c.Sections != nil {
		ns, ne := len(c.Sections), 0
		for _, s := range c.Sections {
			ne += len(s.Elements)
		}
		a.Sections, a.Elements = &ns, &ne
	}
	return a
}

// actor is the caller's person id, or nil (a NULL column) when the token names none.
func actor(t *store.Tx) *uuid.UUID {
	if t.Caller().PersonID == uuid.Nil {
		return nil
	}
	id := t.Caller().PersonID
	return &id
}

// courseLike is a LIKE pattern matching s anywhere (case-insensitively with lower()).
func courseLike(s string) string { return "%" + store.EscapeLike(strings.ToLower(s)) + "%" }

// Find returns a page of live courses ordered by lower(name), then id.
func (r *CourseRepo) Find(ctx context.Context, q CourseQuery) (CoursePage, error) {
	var page CoursePage
	if q.Limit <= 0 {
		q.Limit = 20
	}
	err := r.st.Read(ctx, func(t *store.Tx) error {
		sql := `SELECT ` + courseCols + `, lower(name) FROM courses WHERE tenant_id = learnd_tenant() AND NOT is_deleted`
		var args store.Args
		if q.Query != "" {
			sql += ` AND lower(name) LIKE ` + args.Add(courseLike(q.Query))
		}
		if q.Status != "" {
			sql += ` AND status = ` + args.Add(q.Status)
		}
		if q.Tag != "" {
			sql += ` AND ` + args.Add(q.Tag) + ` = ANY(tags)`
		}
		sql += args.ByName("", q.After, q.Limit)
		var err error
		page.Items, page.Next, err = store.KeysetPage(t, q.Limit, sql, args, func(rows pgx.Rows, c *Course) (store.NameCursor, error) {
			var key string
			err := scanCourse(rows, c, &key)
			return store.NameCursor{Name: key, ID: c.ID}, err
		})
		return err
	})
	if err != nil {
		return CoursePage{}, fmt.Errorf("find courses: %w", err)
	}
	return page, nil
}

// Get returns a live course with its shares and structure.
func (r *CourseRepo) Get(ctx context.Context, id uuid.UUID) (*Course, error) {
	var c *Course
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		c, err = loadCourse(t, id, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get course: %w", err)
	}
	return c, nil
}

// GetAssigned returns a course as a learner may see it: only when it is live, published
// and assigned to the caller by an assignment that has started (no start_at, or one in
// the past); ErrNotFound otherwise. The answers are still in it: the API leaves them out.
func (r *CourseRepo) GetAssigned(ctx context.Context, id uuid.UUID) (*Course, error) {
	var c *Course
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		var ok bool
		err := t.QueryRow(`SELECT EXISTS (SELECT 1 FROM courses c JOIN assignments a ON a.tenant_id = c.tenant_id AND a.course_id = c.id
WHERE c.tenant_id = learnd_tenant() AND c.id = $1 AND NOT c.is_deleted AND c.status = 'published'
  AND a.user_id = $2 AND (a.start_at IS NULL OR a.start_at <= now()))`, id, t.Caller().PersonID).Scan(&ok)
		if err != nil {
			return err
		}
		if !ok {
			return store.ErrNotFound
		}
		c, err = loadCourse(t, id, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("get assigned course: %w", err)
	}
	return c, nil
}

// loadCourse reads a live course (locking it FOR UPDATE when lock) with its shares and
// structure, in one round trip.
func loadCourse(t *store.Tx, id uuid.UUID, lock bool) (*Course, error) {
	c := &Course{}
	found := false
	q := `SELECT ` + courseCols + ` FROM courses WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`
	if lock {
		q += ` FOR UPDATE`
	}
	b := &pgx.Batch{}
	b.Queue(q, id).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			found = true
			if err := scanCourse(rows, c); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	var st structure
	b.Queue(`SELECT user_id, created_at, created_by FROM course_shares WHERE tenant_id = learnd_tenant() AND course_id = $1 ORDER BY created_at, user_id`, id).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var s CourseShare
				if err := rows.Scan(&s.UserID, &s.CreatedAt, &s.CreatedBy); err != nil {
					return err
				}
				c.Shares = append(c.Shares, s)
			}
			return rows.Err()
		})
	st.queue(b, id)
	if err := t.SendBatch(b).Close(); err != nil {
		return nil, err
	}
	if !found {
		return nil, store.ErrNotFound
	}
	if c.Shares == nil {
		c.Shares = []CourseShare{}
	}
	c.Sections, c.Transitions = st.assemble()
	return c, nil
}
