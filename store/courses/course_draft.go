package courses

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// CreateWithStructure creates a course and its whole structure in one transaction, owned
// by the caller, in draft status: the store function course generation builds on. A
// draft that breaks a rule is a ValidationError pointing into it (/sections/0/title, …).
func (r *CourseRepo) CreateWithStructure(ctx context.Context, d CourseDraft) (*Course, error) {
	var out *Course
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if !t.Caller().Can(auth.PermCourseEdit) {
			return ErrCourseAccess
		}
		var err error
		out, err = Insert(t, d, "course.create", uuid.Nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create course: %w", err)
	}
	return out, nil
}

// Create creates an empty course (CreateWithStructure without sections).
func (r *CourseRepo) Create(ctx context.Context, name string, annotation *string, tags []string, settings *CourseSettings) (*Course, error) {
	return r.CreateWithStructure(ctx, CourseDraft{Name: name, Annotation: annotation, Tags: tags, Settings: settings})
}

// Insert inserts a draft as a new course owned by the caller and audits it under
// action (course.create, course.clone with the source's id).
func Insert(t *store.Tx, d CourseDraft, action string, source uuid.UUID) (*Course, error) {
	if err := validateDraft(&d); err != nil {
		return nil, err
	}
	ts := store.Now()
	s := DefaultCourseSettings()
	if d.Settings != nil {
		s = *d.Settings
	}
	tags := d.Tags
	if tags == nil {
		tags = []string{}
	}
	c := &Course{ID: uuid.Must(uuid.NewV7()), Name: d.Name, Annotation: d.Annotation, Status: CourseStatusDraft, Tags: tags,
		OwnerID: t.Caller().PersonID, Settings: s, CreatedAt: ts, UpdatedAt: ts, CreatedBy: actor(t), UpdatedBy: actor(t), Version: 1,
		Shares: []CourseShare{}}
	if _, err := t.Exec(`INSERT INTO courses (tenant_id, id, name, annotation, status, tags, owner_id, settings, created_at, updated_at, created_by, updated_by)
VALUES (learnd_tenant(), $1, $2, $3, 'draft', $4, $5, $6, $7, $7, $8, $8)`, c.ID, c.Name, c.Annotation, c.Tags, c.OwnerID, c.Settings, ts, c.CreatedBy); err != nil {
		return nil, err
	}
	added, err := insertSections(t, c, 0, 0, d.Sections, ts)
	if err != nil {
		return nil, err
	}
	if _, err := linkDraft(t, c, added, d.Transitions, d.LinkInOrder); err != nil {
		return nil, err
	}
	a := auditCourse(c)
	if source != uuid.Nil {
		a.ClonedFrom = typeid.Format(typeid.Course, source)
	}
	if err := t.Audit(action, "course", typeid.Format(typeid.Course, c.ID), nil, a); err != nil {
		return nil, err
	}
	return c, nil
}

// insertSections inserts drafted sections with positions first, first+1, … (the caller
// has made room), and into c.Sections at index at; it returns the new elements by draft
// position.
func insertSections(t *store.Tx, c *Course, at, first int, secs []SectionDraft, ts time.Time) ([][]uuid.UUID, error) {
	added := make([][]uuid.UUID, len(secs))
	b := &pgx.Batch{}
	var made []CourseSection
	for si, sd := range secs {
		sec := CourseSection{ID: uuid.Must(uuid.NewV7()), Title: sd.Title, Position: first + si, Elements: []CourseElement{}}
		b.Queue(`INSERT INTO course_sections (tenant_id, id, course_id, title, position) VALUES (learnd_tenant(), $1, $2, $3, $4)`, sec.ID, c.ID, sec.Title, sec.Position)
		for ei, ed := range sd.Elements {
			e := newElement(sec.ID, ei, ed.Kind, ed.Title, ed.Required, ed.Brief, ed.Pages, ts)
			queueInsertElement(b, c.ID, &e)
			for qi, qd := range ed.Questions {
				q := newQuestion(e.ID, qi, qd)
				queueInsertQuestion(b, c.ID, &q, ts)
				e.Questions = append(e.Questions, q)
			}
			sec.Elements = append(sec.Elements, e)
			added[si] = append(added[si], e.ID)
		}
		made = append(made, sec)
	}
	c.Sections = slices.Insert(c.Sections, at, made...)
	if b.Len() == 0 {
		return added, nil
	}
	if err := t.SendBatch(b).Close(); err != nil {
		return nil, err
	}
	return added, nil
}

// linkDraft inserts a draft's transitions (and, with inOrder, one between consecutive new
// elements in order, starting from the element before the first new one when there is
// one), skipping duplicates; it returns how many it added.
func linkDraft(t *store.Tx, c *Course, added [][]uuid.UUID, trs []TransitionDraft, inOrder bool) (int, error) {
	var links []CourseTransition
	have := map[CourseTransition]bool{}
	for _, tr := range c.Transitions {
		have[tr] = true
	}
	add := func(from, to uuid.UUID) {
		tr := CourseTransition{From: from, To: to}
		if from != to && !have[tr] {
			have[tr] = true
			links = append(links, tr)
		}
	}
	if inOrder {
		var flat []uuid.UUID
		for _, s := range added {
			flat = append(flat, s...)
		}
		if len(flat) > 0 {
			order := courseOrder(c)
			for i, e := range order {
				if e.ID == flat[0] && i > 0 {
					add(order[i-1].ID, flat[0])
				}
			}
		}
		for i := 1; i < len(flat); i++ {
			add(flat[i-1], flat[i])
		}
	}
	for _, tr := range trs {
		add(added[tr.From.Section][tr.From.Element], added[tr.To.Section][tr.To.Element])
	}
	if len(links) == 0 {
		return 0, nil
	}
	if err := insertTransitions(t, c.ID, links); err != nil {
		return 0, err
	}
	c.Transitions = append(c.Transitions, links...)
	return len(links), nil
}

func insertTransitions(t *store.Tx, course uuid.UUID, links []CourseTransition) error {
	from := make([]uuid.UUID, len(links))
	to := make([]uuid.UUID, len(links))
	for i, l := range links {
		from[i], to[i] = l.From, l.To
	}
	_, err := t.Exec(`INSERT INTO course_transitions (tenant_id, course_id, from_element_id, to_element_id)
SELECT learnd_tenant(), $1, f, t FROM unnest($2::uuid[], $3::uuid[]) AS x(f, t) ON CONFLICT DO NOTHING`, course, from, to)
	return err
}

func newElement(section uuid.UUID, pos int, kind, title string, required *bool, brief *LessonBrief, pages []LessonPage, ts time.Time) CourseElement {
	req := true
	if required != nil {
		req = *required
	}
	if pages == nil {
		pages = []LessonPage{}
	}
	return CourseElement{ID: uuid.Must(uuid.NewV7()), SectionID: section, Kind: kind, Title: title, Position: pos, Required: req,
		Brief: brief, Pages: pages, Questions: []QuizQuestion{}, CreatedAt: ts, UpdatedAt: ts}
}

func briefArg(b *LessonBrief) any {
	if b == nil {
		return nil
	}
	return store.JSON[*LessonBrief]{V: b}
}

func queueInsertElement(b *pgx.Batch, course uuid.UUID, e *CourseElement) {
	b.Queue(`INSERT INTO course_elements (tenant_id, id, course_id, section_id, kind, title, position, required, brief, pages, created_at, updated_at)
VALUES (learnd_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
		e.ID, course, e.SectionID, e.Kind, e.Title, e.Position, e.Required, briefArg(e.Brief), store.JSON[[]LessonPage]{V: e.Pages}, e.CreatedAt)
}

func newQuestion(element uuid.UUID, pos int, d QuestionDraft) QuizQuestion {
	w := d.Weight
	if w == 0 {
		w = 1
	}
	return QuizQuestion{ID: uuid.Must(uuid.NewV7()), ElementID: element, Kind: d.Kind, Text: d.Text, Options: questionOptions(d.Options),
		Weight: w, Position: pos, SourceChunkID: d.SourceChunkID}
}

func queueInsertQuestion(b *pgx.Batch, course uuid.UUID, q *QuizQuestion, ts time.Time) {
	b.Queue(`INSERT INTO quiz_questions (tenant_id, id, course_id, element_id, kind, text, options, weight, position, source_chunk_id, created_at, updated_at)
VALUES (learnd_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
		q.ID, course, q.ElementID, q.Kind, q.Text, store.JSON[[]QuizOption]{V: q.Options}, q.Weight, q.Position, q.SourceChunkID, ts)
}

// renumber stores positions 0..n-1 for ids, in that order.
func renumber(t *store.Tx, table string, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := t.Exec(`UPDATE `+table+` AS x SET position = o.n - 1 FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, n)
WHERE x.tenant_id = learnd_tenant() AND x.id = o.id AND x.position IS DISTINCT FROM o.n - 1`, ids)
	return err
}

// insertAt returns ids with id inserted at pos (nil or beyond the end: appended), and
// the index it landed at.
func insertAt(ids []uuid.UUID, id uuid.UUID, pos *int) ([]uuid.UUID, int) {
	at := len(ids)
	if pos != nil && *pos < at {
		at = *pos
	}
	return slices.Insert(slices.Clone(ids), at, id), at
}

func sectionIDs(c *Course) []uuid.UUID {
	out := make([]uuid.UUID, len(c.Sections))
	for i, s := range c.Sections {
		out[i] = s.ID
	}
	return out
}

func elementIDs(s *CourseSection) []uuid.UUID {
	out := make([]uuid.UUID, len(s.Elements))
	for i, e := range s.Elements {
		out[i] = e.ID
	}
	return out
}
