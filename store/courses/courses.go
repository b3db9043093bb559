package courses

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// Course statuses.
const (
	CourseStatusDraft     = "draft"
	CourseStatusPublished = "published"
	CourseStatusArchived  = "archived"
)

// ErrCourseAccess means the caller may not change this course: course_edit on one course
// needs its owner, a share holder (whose role grants course_edit), or an admin or owner;
// managing shares needs its owner, an admin or an owner.
var ErrCourseAccess = errors.New("not allowed to edit this course")

// ErrAlreadyPublished and ErrNotPublished are publish and unpublish on a course in the
// wrong state.
var (
	ErrAlreadyPublished = errors.New("course is already published")
	ErrNotPublished     = errors.New("course is not published")
)

// ErrShareOwner means a course was to be shared with its own owner; ErrShareRole that the
// user's role does not grant course_edit (a learner), so a share would grant nothing.
var (
	ErrShareOwner = errors.New("the user owns the course")
	ErrShareRole  = errors.New("the user's role does not grant course_edit")
)

// CourseSettings is courses.settings, stored as JSON with these camelCase members
// (progress and certificates read them). Members missing from a stored document take the
// defaults of DefaultCourseSettings.
type CourseSettings struct {
	PassingScore              int  `json:"passingScore"`
	CertificateOnCompletion   bool `json:"certificateOnCompletion"`
	CertificateValidityMonths *int `json:"certificateValidityMonths,omitempty"`
	Points                    int  `json:"points"`
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

// CourseChange is a merge patch of a course: nil members stay as they are.
type CourseChange struct {
	Name            *string
	Annotation      *string
	ClearAnnotation bool
	Tags            *[]string
	Settings        *CourseSettingsChange
}

// CourseSettingsChange is a merge patch of a course's settings.
type CourseSettingsChange struct {
	PassingScore              *int
	CertificateOnCompletion   *bool
	CertificateValidityMonths *int
	ClearCertificateValidity  bool
	Points                    *int
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
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		sql := `SELECT ` + courseCols + `, lower(name) FROM courses WHERE tenant_id = learnd_tenant() AND NOT is_deleted`
		var args []any
		arg := func(v any) string {
			args = append(args, v)
			return fmt.Sprintf("$%d", len(args))
		}
		if q.Query != "" {
			sql += ` AND lower(name) LIKE ` + arg(courseLike(q.Query))
		}
		if q.Status != "" {
			sql += ` AND status = ` + arg(q.Status)
		}
		if q.Tag != "" {
			sql += ` AND ` + arg(q.Tag) + ` = ANY(tags)`
		}
		if q.After != nil {
			sql += ` AND (lower(name), id) > (` + arg(q.After.Name) + `, ` + arg(q.After.ID) + `)`
		}
		sql += ` ORDER BY lower(name), id LIMIT ` + arg(q.Limit+1)
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
	err := r.st.InTenant(ctx, func(t *store.Tx) (err error) {
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

// courseAccess is what a write needs of the caller.
type courseAccess int

const (
	accessEdit   courseAccess = iota // owner, share holder, admin or owner role
	accessManage                     // owner, admin or owner role (shares)
)

// editCourse locks a live course for a write: ErrNotFound when there is none,
// ErrCourseAccess when the caller may not make it, a VersionMismatchError when expected
// is stale. The course comes with its structure.
func editCourse(t *store.Tx, id uuid.UUID, expected *int, need courseAccess) (*Course, error) {
	c, err := loadCourse(t, id, true)
	if err != nil {
		return nil, err
	}
	if err := mayEdit(t, c, need); err != nil {
		return nil, err
	}
	if expected != nil && *expected != c.Version {
		return nil, &store.VersionMismatchError{Expected: *expected, Current: c.Version}
	}
	return c, nil
}

func mayEdit(t *store.Tx, c *Course, need courseAccess) error {
	if !t.Caller().Can(auth.PermCourseEdit) {
		return ErrCourseAccess
	}
	if t.Caller().Role.AtLeast(auth.RoleAdmin) || (t.Caller().PersonID != uuid.Nil && c.OwnerID == t.Caller().PersonID) {
		return nil
	}
	if need == accessEdit {
		for _, s := range c.Shares {
			if s.UserID == t.Caller().PersonID {
				return nil
			}
		}
	}
	return ErrCourseAccess
}

// bumpCourse records a write to a course: version, updated_at, updated_by.
func bumpCourse(t *store.Tx, c *Course) error {
	err := t.QueryRow(`UPDATE courses SET version = version + 1, updated_at = $2, updated_by = $3
WHERE tenant_id = learnd_tenant() AND id = $1 RETURNING version, updated_at, updated_by`, c.ID, store.Now(), actor(t)).
		Scan(&c.Version, &c.UpdatedAt, &c.UpdatedBy)
	if err != nil {
		return fmt.Errorf("bump course: %w", err)
	}
	return nil
}

// validateCourseFields checks what the API schema checks too, for callers that are not
// the API (course generation).
func validateCourseFields(v *store.ValidationError, prefix, name string, annotation *string, tags []string, s CourseSettings) {
	if n := utf8.RuneCountInString(name); n < 1 || n > 200 {
		v.Add(prefix+"/name", "must be 1–200 characters")
	}
	if annotation != nil && utf8.RuneCountInString(*annotation) > 5000 {
		v.Add(prefix+"/annotation", "must be at most 5000 characters")
	}
	if len(tags) > 50 {
		v.Add(prefix+"/tags", "at most 50 tags")
	}
	seen := map[string]bool{}
	for i, tg := range tags {
		if n := utf8.RuneCountInString(tg); n < 1 || n > 64 {
			v.Add(prefix+"/tags/"+strconv.Itoa(i), "must be 1–64 characters")
		}
		if seen[tg] {
			v.Add(prefix+"/tags/"+strconv.Itoa(i), "appears twice")
		}
		seen[tg] = true
	}
	if s.PassingScore < 0 || s.PassingScore > 100 {
		v.Add(prefix+"/settings/passingScore", "must be 0–100")
	}
	if m := s.CertificateValidityMonths; m != nil && (*m < 1 || *m > 120) {
		v.Add(prefix+"/settings/certificateValidityMonths", "must be 1–120")
	}
	if s.Points < 0 || s.Points > 100000 {
		v.Add(prefix+"/settings/points", "must be 0–100000")
	}
}

// Update applies a merge patch to a course's name, annotation, tags and settings.
func (r *CourseRepo) Update(ctx context.Context, id uuid.UUID, expected *int, ch CourseChange) (*Course, error) {
	var out *Course
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessEdit)
		if err != nil {
			return err
		}
		before := auditCourse(c)
		if ch.Name != nil {
			c.Name = *ch.Name
		}
		if ch.ClearAnnotation {
			c.Annotation = nil
		} else if ch.Annotation != nil {
			c.Annotation = ch.Annotation
		}
		if ch.Tags != nil {
			c.Tags = slices.Clone(*ch.Tags)
		}
		if s := ch.Settings; s != nil {
			if s.PassingScore != nil {
				c.Settings.PassingScore = *s.PassingScore
			}
			if s.CertificateOnCompletion != nil {
				c.Settings.CertificateOnCompletion = *s.CertificateOnCompletion
			}
			if s.ClearCertificateValidity {
				c.Settings.CertificateValidityMonths = nil
			} else if s.CertificateValidityMonths != nil {
				c.Settings.CertificateValidityMonths = s.CertificateValidityMonths
			}
			if s.Points != nil {
				c.Settings.Points = *s.Points
			}
		}
		var v store.ValidationError
		validateCourseFields(&v, "", c.Name, c.Annotation, c.Tags, c.Settings)
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := t.Exec(`UPDATE courses SET name = $2, annotation = $3, tags = $4, settings = $5
WHERE tenant_id = learnd_tenant() AND id = $1`, c.ID, c.Name, c.Annotation, c.Tags, c.Settings); err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		out = c
		return t.Audit("course.update", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c))
	})
	if err != nil {
		return nil, fmt.Errorf("update course: %w", err)
	}
	return out, nil
}

// Delete soft-deletes a course. Its assignments, progress and certificates stay as
// history; its group assignment rules are removed so people who join a group later do
// not receive it.
func (r *CourseRepo) Delete(ctx context.Context, id uuid.UUID, expected *int) error {
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessEdit)
		if err != nil {
			return err
		}
		before := auditCourse(c)
		ts := store.Now()
		if _, err := t.Exec(`UPDATE courses SET is_deleted = true, deleted_at = $2, deleted_by = $3 WHERE tenant_id = learnd_tenant() AND id = $1`,
			c.ID, ts, actor(t)); err != nil {
			return err
		}
		if _, err := t.Exec(`DELETE FROM group_course_assignments WHERE tenant_id = learnd_tenant() AND course_id = $1`, c.ID); err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		c.IsDeleted, c.DeletedAt, c.DeletedBy = true, &ts, actor(t)
		return t.Audit("course.delete", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c))
	})
	if err != nil {
		return fmt.Errorf("delete course: %w", err)
	}
	return nil
}

// Publish publishes a draft or archived course: it needs at least one element and every
// quiz at least one question (a ValidationError with a pointer per problem otherwise).
func (r *CourseRepo) Publish(ctx context.Context, id uuid.UUID, expected *int) (*Course, error) {
	var out *Course
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessEdit)
		if err != nil {
			return err
		}
		if c.Status == CourseStatusPublished {
			return ErrAlreadyPublished
		}
		if err := publishable(c); err != nil {
			return err
		}
		before := auditCourse(c)
		ts := store.Now()
		if _, err := t.Exec(`UPDATE courses SET status = 'published', published_at = $2 WHERE tenant_id = learnd_tenant() AND id = $1`, c.ID, ts); err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		c.Status, c.PublishedAt = CourseStatusPublished, &ts
		out = c
		return t.Audit("course.publish", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c))
	})
	if err != nil {
		return nil, fmt.Errorf("publish course: %w", err)
	}
	return out, nil
}

// publishable checks the publish rules, pointing into the course's structure.
func publishable(c *Course) error {
	var v store.ValidationError
	n := 0
	for si, s := range c.Sections {
		for ei, e := range s.Elements {
			n++
			if e.Kind == ElementQuiz && len(e.Questions) == 0 {
				v.Add(fmt.Sprintf("/structure/sections/%d/elements/%d/questions", si, ei), "the quiz %q needs at least one question", e.Title)
			}
		}
	}
	if n == 0 {
		v.Add("/structure/sections", "a course needs at least one element (lesson, quiz or survey) to be published")
	}
	return v.Err()
}

// Unpublish takes a published course back to draft, or to archived.
func (r *CourseRepo) Unpublish(ctx context.Context, id uuid.UUID, expected *int, archive bool) (*Course, error) {
	var out *Course
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessEdit)
		if err != nil {
			return err
		}
		if c.Status != CourseStatusPublished {
			return ErrNotPublished
		}
		before := auditCourse(c)
		status := CourseStatusDraft
		if archive {
			status = CourseStatusArchived
		}
		if _, err := t.Exec(`UPDATE courses SET status = $2, published_at = NULL WHERE tenant_id = learnd_tenant() AND id = $1`, c.ID, status); err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		c.Status, c.PublishedAt = status, nil
		out = c
		return t.Audit("course.unpublish", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c))
	})
	if err != nil {
		return nil, fmt.Errorf("unpublish course: %w", err)
	}
	return out, nil
}

// Clone copies a live course into a draft owned by the caller: annotation, tags,
// settings and the whole structure with new ids (transitions remapped); not its shares.
// The copy is named name, or "<name> (copy)" (cut to fit) when name is nil.
func (r *CourseRepo) Clone(ctx context.Context, sourceID uuid.UUID, name *string) (*Course, error) {
	var out *Course
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if !t.Caller().Can(auth.PermCourseEdit) {
			return ErrCourseAccess
		}
		src, err := loadCourse(t, sourceID, false)
		if err != nil {
			return err
		}
		d := draftOf(src)
		if name != nil {
			d.Name = *name
		} else {
			d.Name = copyName(src.Name)
		}
		out, err = Insert(t, d, "course.clone", src.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("clone course: %w", err)
	}
	return out, nil
}

// copyName is "<name> (copy)", the name cut so the result fits 200 characters.
func copyName(name string) string {
	const suffix = " (copy)"
	r := []rune(name)
	if max := 200 - utf8.RuneCountInString(suffix); len(r) > max {
		r = r[:max]
	}
	return string(r) + suffix
}

// draftOf is a course's content as a draft (for cloning).
func draftOf(c *Course) CourseDraft {
	s := c.Settings
	if s.CertificateValidityMonths != nil {
		m := *s.CertificateValidityMonths
		s.CertificateValidityMonths = &m
	}
	d := CourseDraft{Name: c.Name, Annotation: c.Annotation, Tags: slices.Clone(c.Tags), Settings: &s}
	refs := map[uuid.UUID]ElementRef{}
	for si, sec := range c.Sections {
		sd := SectionDraft{Title: sec.Title}
		for ei, e := range sec.Elements {
			refs[e.ID] = ElementRef{Section: si, Element: ei}
			req := e.Required
			ed := ElementDraft{Kind: e.Kind, Title: e.Title, Required: &req, Brief: e.Brief, Pages: slices.Clone(e.Pages)}
			for _, q := range e.Questions {
				qd := QuestionDraft{Kind: q.Kind, Text: q.Text, Weight: q.Weight, SourceChunkID: q.SourceChunkID}
				qd.Options = optionDrafts(q.Options)
				ed.Questions = append(ed.Questions, qd)
			}
			sd.Elements = append(sd.Elements, ed)
		}
		d.Sections = append(d.Sections, sd)
	}
	for _, tr := range c.Transitions {
		from, ok1 := refs[tr.From]
		to, ok2 := refs[tr.To]
		if ok1 && ok2 {
			d.Transitions = append(d.Transitions, TransitionDraft{From: from, To: to})
		}
	}
	return d
}

// Share lets a user whose role grants course_edit edit the course. Re-sharing is a no-op
// (no version bump, no audit entry); created says whether the share is new.
func (r *CourseRepo) Share(ctx context.Context, id, userID uuid.UUID, expected *int) (share CourseShare, version int, created bool, err error) {
	err = r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessManage)
		if err != nil {
			return err
		}
		version = c.Version
		for _, s := range c.Shares {
			if s.UserID == userID {
				share = s
				return nil
			}
		}
		var role string
		if err := t.QueryRow(`SELECT role FROM users WHERE tenant_id = learnd_tenant() AND id = $1`, userID).Scan(&role); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return &PartNotFoundError{What: "user"}
			}
			return err
		}
		if userID == c.OwnerID {
			return ErrShareOwner
		}
		if !auth.Role(role).Can(auth.PermCourseEdit) {
			return ErrShareRole
		}
		share = CourseShare{UserID: userID, CreatedAt: store.Now(), CreatedBy: actor(t)}
		if _, err := t.Exec(`INSERT INTO course_shares (tenant_id, course_id, user_id, created_at, created_by) VALUES (learnd_tenant(), $1, $2, $3, $4)`,
			c.ID, userID, share.CreatedAt, share.CreatedBy); err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		version, created = c.Version, true
		return t.Audit("course.share", "course", typeid.Format(typeid.Course, c.ID), nil, shareAudit{UserID: typeid.Format(typeid.Person, userID), Version: c.Version})
	})
	if err != nil {
		return CourseShare{}, 0, false, fmt.Errorf("share course: %w", err)
	}
	return share, version, created, nil
}

type shareAudit struct {
	UserID  string `json:"userId"`
	Version int    `json:"version"`
}

// Unshare removes a user's share; ErrNotFound when there is none.
func (r *CourseRepo) Unshare(ctx context.Context, id, userID uuid.UUID, expected *int) (version int, err error) {
	err = r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessManage)
		if err != nil {
			return err
		}
		tag, err := t.Exec(`DELETE FROM course_shares WHERE tenant_id = learnd_tenant() AND course_id = $1 AND user_id = $2`, c.ID, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return &PartNotFoundError{What: "share"}
		}
		before := shareAudit{UserID: typeid.Format(typeid.Person, userID), Version: c.Version}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		version = c.Version
		return t.Audit("course.unshare", "course", typeid.Format(typeid.Course, c.ID), before, nil)
	})
	if err != nil {
		return 0, fmt.Errorf("unshare course: %w", err)
	}
	return version, nil
}
