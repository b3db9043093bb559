package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/typeid"
)

// Element and question kinds.
const (
	ElementLesson    = "lesson"
	ElementQuiz      = "quiz"
	ElementSurvey    = "survey"
	QuestionSingle   = "single"
	QuestionMultiple = "multiple"
)

// ErrTransitionExists means the transition is already there.
var ErrTransitionExists = errors.New("transition already exists")

// PartNotFoundError means a course exists but a part a write names does not (a section,
// element, question, transition, share, or the user to share with). It is ErrNotFound.
type PartNotFoundError struct {
	What string
}

func (e *PartNotFoundError) Error() string { return "no such " + e.What }

// Is makes errors.Is(err, ErrNotFound) hold.
func (e *PartNotFoundError) Is(target error) bool { return target == ErrNotFound }

// CourseSection is a section of a course with its elements in order. Position is its
// 0-based index among the course's sections.
type CourseSection struct {
	ID       uuid.UUID
	Title    string
	Position int
	Elements []CourseElement
}

// CourseElement is a lesson, quiz or survey. Position is its 0-based index in its section.
type CourseElement struct {
	ID        uuid.UUID
	SectionID uuid.UUID
	Kind      string
	Title     string
	Position  int
	Required  bool
	Brief     *LessonBrief
	Pages     []LessonPage
	Questions []QuizQuestion // a quiz's questions in order
	CreatedAt time.Time
	UpdatedAt time.Time
}

// LessonBrief is course_elements.brief: what a lesson's content is written from.
type LessonBrief struct {
	Topic          string   `json:"topic,omitempty"`
	Title          string   `json:"title,omitempty"`
	Description    string   `json:"description,omitempty"`
	KeyPoints      []string `json:"keyPoints,omitempty"`
	TargetAudience string   `json:"targetAudience,omitempty"`
}

// LessonPage is one page of an element's content (course_elements.pages holds an array).
type LessonPage struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

// QuizQuestion is a quiz question. Position is its 0-based index in its quiz.
type QuizQuestion struct {
	ID            uuid.UUID
	ElementID     uuid.UUID
	Kind          string
	Text          string
	Options       []QuizOption
	Weight        float64
	Position      int
	SourceChunkID *uuid.UUID
}

// QuizOption is one answer option; quiz_questions.options holds an array of them with
// these members. Options are numbered o1, o2, … in order whenever they are written.
type QuizOption struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	Correct bool   `json:"correct"`
}

// CourseTransition links two elements: a learner who finishes From moves on to To.
type CourseTransition struct {
	From uuid.UUID
	To   uuid.UUID
}

// CourseDraft is a whole course to create in one transaction (CreateWithStructure): the
// course, its sections, elements, questions and transitions.
type CourseDraft struct {
	Name       string
	Annotation *string
	Tags       []string
	Settings   *CourseSettings // nil: DefaultCourseSettings
	Sections   []SectionDraft
	// Transitions between the draft's elements, by position.
	Transitions []TransitionDraft
	// LinkInOrder adds a transition between each element and the next in course order
	// (sections in order, then elements in order), besides Transitions.
	LinkInOrder bool
}

// SectionDraft is a section to create with its elements.
type SectionDraft struct {
	Title    string
	Elements []ElementDraft
}

// ElementDraft is an element to create. Only lessons carry a brief; questions only
// quizzes.
type ElementDraft struct {
	Kind      string
	Title     string
	Required  *bool // nil: true
	Brief     *LessonBrief
	Pages     []LessonPage
	Questions []QuestionDraft
}

// QuestionDraft is a quiz question to create: 2–10 options; single has exactly one
// correct option, multiple at least one; Weight 0 means 1.
type QuestionDraft struct {
	Kind          string
	Text          string
	Options       []OptionDraft
	Weight        float64
	SourceChunkID *uuid.UUID
}

// OptionDraft is an answer option to store.
type OptionDraft struct {
	Text    string
	Correct bool
}

// ElementRef names an element of a draft by position: Sections[Section].Elements[Element].
type ElementRef struct {
	Section int
	Element int
}

// TransitionDraft is a transition between two elements of a draft.
type TransitionDraft struct {
	From ElementRef
	To   ElementRef
}

// structure is the rows of a course's structure as read, before assembly.
type structure struct {
	sections    []CourseSection
	elements    []CourseElement
	questions   []QuizQuestion
	transitions []CourseTransition
}

// queue adds the reads of course id's structure to b.
func (st *structure) queue(b *pgx.Batch, id uuid.UUID) {
	b.Queue(`SELECT id, title FROM course_sections WHERE tenant_id = learnd_tenant() AND course_id = $1 ORDER BY position, id`, id).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var s CourseSection
				if err := rows.Scan(&s.ID, &s.Title); err != nil {
					return err
				}
				s.Elements = []CourseElement{}
				st.sections = append(st.sections, s)
			}
			return rows.Err()
		})
	b.Queue(`SELECT id, section_id, kind, title, required, brief, pages, created_at, updated_at FROM course_elements
WHERE tenant_id = learnd_tenant() AND course_id = $1 ORDER BY position, id`, id).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var e CourseElement
				var brief JSON[*LessonBrief]
				var pages JSON[[]LessonPage]
				if err := rows.Scan(&e.ID, &e.SectionID, &e.Kind, &e.Title, &e.Required, &brief, &pages, &e.CreatedAt, &e.UpdatedAt); err != nil {
					return err
				}
				e.Brief, e.Pages = brief.V, pages.V
				if e.Pages == nil {
					e.Pages = []LessonPage{}
				}
				e.Questions = []QuizQuestion{}
				st.elements = append(st.elements, e)
			}
			return rows.Err()
		})
	b.Queue(`SELECT id, element_id, kind, text, options, weight, source_chunk_id FROM quiz_questions
WHERE tenant_id = learnd_tenant() AND course_id = $1 ORDER BY position, id`, id).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var q QuizQuestion
				var opts JSON[[]QuizOption]
				if err := rows.Scan(&q.ID, &q.ElementID, &q.Kind, &q.Text, &opts, &q.Weight, &q.SourceChunkID); err != nil {
					return err
				}
				q.Options = opts.V
				if q.Options == nil {
					q.Options = []QuizOption{}
				}
				st.questions = append(st.questions, q)
			}
			return rows.Err()
		})
	b.Queue(`SELECT from_element_id, to_element_id FROM course_transitions WHERE tenant_id = learnd_tenant() AND course_id = $1
ORDER BY from_element_id, to_element_id`, id).
		Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var tr CourseTransition
				if err := rows.Scan(&tr.From, &tr.To); err != nil {
					return err
				}
				st.transitions = append(st.transitions, tr)
			}
			return rows.Err()
		})
}

// assemble nests the rows: questions into elements, elements into sections, positions as
// indexes (whatever the stored positions are, only their order counts).
func (st *structure) assemble() ([]CourseSection, []CourseTransition) {
	qs := map[uuid.UUID][]QuizQuestion{}
	for _, q := range st.questions {
		q.Position = len(qs[q.ElementID])
		qs[q.ElementID] = append(qs[q.ElementID], q)
	}
	es := map[uuid.UUID][]CourseElement{}
	for _, e := range st.elements {
		if q, ok := qs[e.ID]; ok {
			e.Questions = q
		}
		e.Position = len(es[e.SectionID])
		es[e.SectionID] = append(es[e.SectionID], e)
	}
	sections := make([]CourseSection, len(st.sections))
	for i, s := range st.sections {
		s.Position = i
		if e, ok := es[s.ID]; ok {
			s.Elements = e
		}
		sections[i] = s
	}
	tr := st.transitions
	if tr == nil {
		tr = []CourseTransition{}
	}
	return sections, tr
}

// courseOrder is the course's elements in course order: sections in order, then elements.
func courseOrder(c *Course) []*CourseElement {
	var out []*CourseElement
	for si := range c.Sections {
		for ei := range c.Sections[si].Elements {
			out = append(out, &c.Sections[si].Elements[ei])
		}
	}
	return out
}

// findSection, findElement and findQuestion locate parts of a loaded course.
func findSection(c *Course, id uuid.UUID) (int, bool) {
	for i, s := range c.Sections {
		if s.ID == id {
			return i, true
		}
	}
	return 0, false
}

func findElement(c *Course, id uuid.UUID) (*CourseElement, bool) {
	for _, e := range courseOrder(c) {
		if e.ID == id {
			return e, true
		}
	}
	return nil, false
}

func findQuestion(c *Course, id uuid.UUID) (*CourseElement, int, bool) {
	for _, e := range courseOrder(c) {
		for i, q := range e.Questions {
			if q.ID == id {
				return e, i, true
			}
		}
	}
	return nil, 0, false
}

// Validation of structure parts (the API schema checks the same; drafts from course
// generation are checked here).

func validateSectionTitle(v *ValidationError, ptr, title string) {
	if n := utf8.RuneCountInString(title); n < 1 || n > 200 {
		v.add(ptr, "must be 1–200 characters")
	}
}

func validateElement(v *ValidationError, ptr, kind, title string, brief *LessonBrief, pages []LessonPage) {
	switch kind {
	case ElementLesson, ElementQuiz, ElementSurvey:
	default:
		v.add(ptr+"/kind", "must be lesson, quiz or survey")
	}
	if n := utf8.RuneCountInString(title); n < 1 || n > 200 {
		v.add(ptr+"/title", "must be 1–200 characters")
	}
	if brief != nil {
		if kind != ElementLesson {
			v.add(ptr+"/brief", "only lessons carry a brief")
		}
		for _, f := range []struct {
			name string
			s    string
			max  int
		}{{"topic", brief.Topic, 200}, {"title", brief.Title, 200}, {"description", brief.Description, 5000}, {"targetAudience", brief.TargetAudience, 500}} {
			if utf8.RuneCountInString(f.s) > f.max {
				v.add(ptr+"/brief/"+f.name, "must be at most %d characters", f.max)
			}
		}
		if len(brief.KeyPoints) > 30 {
			v.add(ptr+"/brief/keyPoints", "at most 30 key points")
		}
		for i, k := range brief.KeyPoints {
			if n := utf8.RuneCountInString(k); n < 1 || n > 500 {
				v.add(ptr+"/brief/keyPoints/"+itoa(i), "must be 1–500 characters")
			}
		}
	}
	if len(pages) > 100 {
		v.add(ptr+"/pages", "at most 100 pages")
	}
	for i, p := range pages {
		if n := utf8.RuneCountInString(p.Title); n < 1 || n > 200 {
			v.add(ptr+"/pages/"+itoa(i)+"/title", "must be 1–200 characters")
		}
		if utf8.RuneCountInString(p.Body) > 200000 {
			v.add(ptr+"/pages/"+itoa(i)+"/body", "must be at most 200000 characters")
		}
	}
}

// validateQuestion checks a question: kind, text, 2–10 options of 1–500 characters,
// exactly one correct option for single, at least one for multiple, weight in (0, 100].
func validateQuestion(v *ValidationError, ptr string, q QuestionDraft) {
	if q.Kind != QuestionSingle && q.Kind != QuestionMultiple {
		v.add(ptr+"/kind", "must be single or multiple")
	}
	if n := utf8.RuneCountInString(q.Text); n < 1 || n > 2000 {
		v.add(ptr+"/text", "must be 1–2000 characters")
	}
	if n := len(q.Options); n < 2 || n > 10 {
		v.add(ptr+"/options", "a question needs 2–10 options")
	}
	correct := 0
	for i, o := range q.Options {
		if n := utf8.RuneCountInString(o.Text); n < 1 || n > 500 {
			v.add(ptr+"/options/"+itoa(i)+"/text", "must be 1–500 characters")
		}
		if o.Correct {
			correct++
		}
	}
	switch {
	case q.Kind == QuestionSingle && correct != 1:
		v.add(ptr+"/options", "a single-choice question needs exactly one correct option (it has %d)", correct)
	case q.Kind == QuestionMultiple && correct < 1:
		v.add(ptr+"/options", "a multiple-choice question needs at least one correct option")
	}
	if q.Weight < 0 || q.Weight > 100 { // 0 means the default, 1
		v.add(ptr+"/weight", "must be more than 0 and at most 100")
	}
}

// questionOptions numbers a draft's options o1, o2, ….
func questionOptions(in []OptionDraft) []QuizOption {
	out := make([]QuizOption, len(in))
	for i, o := range in {
		out[i] = QuizOption{ID: "o" + itoa(i+1), Text: o.Text, Correct: o.Correct}
	}
	return out
}

func validateDraft(d *CourseDraft) error {
	var v ValidationError
	s := DefaultCourseSettings()
	if d.Settings != nil {
		s = *d.Settings
	}
	validateCourseFields(&v, "", d.Name, d.Annotation, d.Tags, s)
	for si, sec := range d.Sections {
		sp := fmt.Sprintf("/sections/%d", si)
		validateSectionTitle(&v, sp+"/title", sec.Title)
		for ei, e := range sec.Elements {
			ep := fmt.Sprintf("%s/elements/%d", sp, ei)
			validateElement(&v, ep, e.Kind, e.Title, e.Brief, e.Pages)
			if len(e.Questions) > 0 && e.Kind != ElementQuiz {
				v.add(ep+"/questions", "only quizzes carry questions")
			}
			for qi, q := range e.Questions {
				validateQuestion(&v, fmt.Sprintf("%s/questions/%d", ep, qi), q)
			}
		}
	}
	valid := func(r ElementRef) bool {
		return r.Section >= 0 && r.Section < len(d.Sections) && r.Element >= 0 && r.Element < len(d.Sections[r.Section].Elements)
	}
	for i, tr := range d.Transitions {
		p := fmt.Sprintf("/transitions/%d", i)
		if !valid(tr.From) {
			v.add(p+"/from", "names no element of the draft")
		}
		if !valid(tr.To) {
			v.add(p+"/to", "names no element of the draft")
		}
		if tr.From == tr.To {
			v.add(p, "a transition joins two different elements")
		}
	}
	return v.err()
}

// CreateWithStructure creates a course and its whole structure in one transaction, owned
// by the caller, in draft status: the store function course generation builds on. A
// draft that breaks a rule is a ValidationError pointing into it (/sections/0/title, …).
func (r *CourseRepo) CreateWithStructure(ctx context.Context, d CourseDraft) (*Course, error) {
	var out *Course
	err := r.s.inTenant(ctx, func(t *tx) error {
		if !t.p.Can(auth.PermCourseEdit) {
			return ErrCourseAccess
		}
		var err error
		out, err = t.createCourse(d, "course.create", uuid.Nil)
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

// createCourse inserts a draft as a new course owned by the caller and audits it under
// action (course.create, course.clone with the source's id).
func (t *tx) createCourse(d CourseDraft, action string, source uuid.UUID) (*Course, error) {
	if err := validateDraft(&d); err != nil {
		return nil, err
	}
	ts := now()
	s := DefaultCourseSettings()
	if d.Settings != nil {
		s = *d.Settings
	}
	tags := d.Tags
	if tags == nil {
		tags = []string{}
	}
	c := &Course{ID: uuid.Must(uuid.NewV7()), Name: d.Name, Annotation: d.Annotation, Status: CourseStatusDraft, Tags: tags,
		OwnerID: t.p.PersonID, Settings: s, CreatedAt: ts, UpdatedAt: ts, CreatedBy: t.actor(), UpdatedBy: t.actor(), Version: 1,
		Shares: []CourseShare{}}
	if _, err := t.pg.Exec(t.ctx, `INSERT INTO courses (tenant_id, id, name, annotation, status, tags, owner_id, settings, created_at, updated_at, created_by, updated_by)
VALUES (learnd_tenant(), $1, $2, $3, 'draft', $4, $5, $6, $7, $7, $8, $8)`, c.ID, c.Name, c.Annotation, c.Tags, c.OwnerID, c.Settings, ts, c.CreatedBy); err != nil {
		return nil, err
	}
	added, err := t.insertSections(c, 0, d.Sections, ts)
	if err != nil {
		return nil, err
	}
	if _, err := t.linkDraft(c, added, d.Transitions, d.LinkInOrder); err != nil {
		return nil, err
	}
	a := auditCourse(c)
	if source != uuid.Nil {
		a.ClonedFrom = typeid.Format(typeid.Course, source)
	}
	if err := t.audit(action, "course", typeid.Format(typeid.Course, c.ID), nil, a); err != nil {
		return nil, err
	}
	return c, nil
}

// insertSections inserts drafted sections from section position first on (the course's
// sections must end there), appending them to c.Sections; it returns the new elements by
// draft position.
func (t *tx) insertSections(c *Course, first int, secs []SectionDraft, ts time.Time) ([][]uuid.UUID, error) {
	added := make([][]uuid.UUID, len(secs))
	b := &pgx.Batch{}
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
		c.Sections = append(c.Sections, sec)
	}
	if b.Len() == 0 {
		return added, nil
	}
	if err := t.pg.SendBatch(t.ctx, b).Close(); err != nil {
		return nil, err
	}
	return added, nil
}

// linkDraft inserts a draft's transitions (and, with inOrder, one between consecutive new
// elements in order, starting from the element before the first new one when there is
// one), skipping duplicates; it returns how many it added.
func (t *tx) linkDraft(c *Course, added [][]uuid.UUID, trs []TransitionDraft, inOrder bool) (int, error) {
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
	if err := t.insertTransitions(c.ID, links); err != nil {
		return 0, err
	}
	c.Transitions = append(c.Transitions, links...)
	return len(links), nil
}

func (t *tx) insertTransitions(course uuid.UUID, links []CourseTransition) error {
	from := make([]uuid.UUID, len(links))
	to := make([]uuid.UUID, len(links))
	for i, l := range links {
		from[i], to[i] = l.From, l.To
	}
	_, err := t.pg.Exec(t.ctx, `INSERT INTO course_transitions (tenant_id, course_id, from_element_id, to_element_id)
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
	return JSON[*LessonBrief]{V: b}
}

func queueInsertElement(b *pgx.Batch, course uuid.UUID, e *CourseElement) {
	b.Queue(`INSERT INTO course_elements (tenant_id, id, course_id, section_id, kind, title, position, required, brief, pages, created_at, updated_at)
VALUES (learnd_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
		e.ID, course, e.SectionID, e.Kind, e.Title, e.Position, e.Required, briefArg(e.Brief), JSON[[]LessonPage]{V: e.Pages}, e.CreatedAt)
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
		q.ID, course, q.ElementID, q.Kind, q.Text, JSON[[]QuizOption]{V: q.Options}, q.Weight, q.Position, q.SourceChunkID, ts)
}

// renumber stores positions 0..n-1 for ids, in that order.
func (t *tx) renumber(table string, ids []uuid.UUID) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := t.pg.Exec(t.ctx, `UPDATE `+table+` AS x SET position = o.n - 1 FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, n)
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

func without(ids []uuid.UUID, id uuid.UUID) []uuid.UUID {
	return slices.DeleteFunc(slices.Clone(ids), func(x uuid.UUID) bool { return x == id })
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

// structureWrite runs one structure write: lock the course for editing, run fn, bump the
// version and audit action on target with fn's before/after views. It returns the new
// course version.
func (r *CourseRepo) structureWrite(ctx context.Context, op string, course uuid.UUID, expected *int,
	fn func(t *tx, c *Course) (action, targetType, targetID string, before, after any, err error)) (int, error) {
	var version int
	err := r.s.inTenant(ctx, func(t *tx) error {
		c, err := t.editCourse(course, expected, accessEdit)
		if err != nil {
			return err
		}
		action, tt, tid, before, after, err := fn(t, c)
		if err != nil {
			return err
		}
		if err := t.bumpCourse(c); err != nil {
			return err
		}
		version = c.Version
		return t.audit(action, tt, tid, before, after)
	})
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	return version, nil
}

// Audit views of structure parts.

type sectionAudit struct {
	ID       string `json:"id"`
	CourseID string `json:"courseId"`
	Title    string `json:"title"`
	Position int    `json:"position"`
	Elements int    `json:"elements"`
}

func auditSection(c *Course, s *CourseSection) sectionAudit {
	return sectionAudit{ID: typeid.Format(typeid.Section, s.ID), CourseID: typeid.Format(typeid.Course, c.ID), Title: s.Title,
		Position: s.Position, Elements: len(s.Elements)}
}

type elementAudit struct {
	ID        string       `json:"id"`
	CourseID  string       `json:"courseId"`
	SectionID string       `json:"sectionId"`
	Kind      string       `json:"kind"`
	Title     string       `json:"title"`
	Position  int          `json:"position"`
	Required  bool         `json:"required"`
	Brief     *LessonBrief `json:"brief"`
	Pages     []LessonPage `json:"pages"`
	Questions int          `json:"questions"`
}

func auditElement(c *Course, e *CourseElement) elementAudit {
	return elementAudit{ID: typeid.Format(typeid.Element, e.ID), CourseID: typeid.Format(typeid.Course, c.ID),
		SectionID: typeid.Format(typeid.Section, e.SectionID), Kind: e.Kind, Title: e.Title, Position: e.Position,
		Required: e.Required, Brief: e.Brief, Pages: e.Pages, Questions: len(e.Questions)}
}

type questionAudit struct {
	ID        string       `json:"id"`
	CourseID  string       `json:"courseId"`
	ElementID string       `json:"elementId"`
	Kind      string       `json:"kind"`
	Text      string       `json:"text"`
	Options   []QuizOption `json:"options"`
	Weight    float64      `json:"weight"`
	Position  int          `json:"position"`
}

func auditQuestion(c *Course, q *QuizQuestion) questionAudit {
	return questionAudit{ID: typeid.Format(typeid.Question, q.ID), CourseID: typeid.Format(typeid.Course, c.ID),
		ElementID: typeid.Format(typeid.Element, q.ElementID), Kind: q.Kind, Text: q.Text, Options: q.Options, Weight: q.Weight, Position: q.Position}
}

type transitionAudit struct {
	CourseID      string `json:"courseId"`
	FromElementID string `json:"fromElementId"`
	ToElementID   string `json:"toElementId"`
}

func auditTransition(c *Course, tr CourseTransition) transitionAudit {
	return transitionAudit{CourseID: typeid.Format(typeid.Course, c.ID), FromElementID: typeid.Format(typeid.Element, tr.From),
		ToElementID: typeid.Format(typeid.Element, tr.To)}
}

func transitionTarget(tr CourseTransition) string {
	return typeid.Format(typeid.Element, tr.From) + ">" + typeid.Format(typeid.Element, tr.To)
}

// Sections.

// NewSection is a section to add; Position nil (or beyond the end) appends it.
type NewSection struct {
	Title    string
	Position *int
}

// SectionChange is a merge patch of a section.
type SectionChange struct {
	Title    *string
	Position *int
}

// AddSection adds an empty section to a course.
func (r *CourseRepo) AddSection(ctx context.Context, course uuid.UUID, expected *int, in NewSection) (CourseSection, int, error) {
	var out CourseSection
	v, err := r.structureWrite(ctx, "add section", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		var v ValidationError
		validateSectionTitle(&v, "/title", in.Title)
		if err := v.err(); err != nil {
			return "", "", "", nil, nil, err
		}
		id := uuid.Must(uuid.NewV7())
		ids, at := insertAt(sectionIDs(c), id, in.Position)
		if _, err := t.pg.Exec(t.ctx, `INSERT INTO course_sections (tenant_id, id, course_id, title, position) VALUES (learnd_tenant(), $1, $2, $3, $4)`,
			id, c.ID, in.Title, at); err != nil {
			return "", "", "", nil, nil, err
		}
		if err := t.renumber("course_sections", ids); err != nil {
			return "", "", "", nil, nil, err
		}
		out = CourseSection{ID: id, Title: in.Title, Position: at, Elements: []CourseElement{}}
		return "course.section.create", "course_section", typeid.Format(typeid.Section, id), nil, auditSection(c, &out), nil
	})
	if err != nil {
		return CourseSection{}, 0, err
	}
	return out, v, nil
}

// UpdateSection renames or moves a section.
func (r *CourseRepo) UpdateSection(ctx context.Context, course, section uuid.UUID, expected *int, ch SectionChange) (CourseSection, int, error) {
	var out CourseSection
	v, err := r.structureWrite(ctx, "update section", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		i, ok := findSection(c, section)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "section"}
		}
		s := c.Sections[i]
		before := auditSection(c, &s)
		if ch.Title != nil {
			var v ValidationError
			validateSectionTitle(&v, "/title", *ch.Title)
			if err := v.err(); err != nil {
				return "", "", "", nil, nil, err
			}
			s.Title = *ch.Title
			if _, err := t.pg.Exec(t.ctx, `UPDATE course_sections SET title = $2 WHERE tenant_id = learnd_tenant() AND id = $1`, s.ID, s.Title); err != nil {
				return "", "", "", nil, nil, err
			}
		}
		if ch.Position != nil {
			ids, at := insertAt(without(sectionIDs(c), s.ID), s.ID, ch.Position)
			if err := t.renumber("course_sections", ids); err != nil {
				return "", "", "", nil, nil, err
			}
			s.Position = at
		}
		out = s
		return "course.section.update", "course_section", typeid.Format(typeid.Section, s.ID), before, auditSection(c, &s), nil
	})
	if err != nil {
		return CourseSection{}, 0, err
	}
	return out, v, nil
}

// DeleteSection deletes a section with its elements, healing the path around them.
func (r *CourseRepo) DeleteSection(ctx context.Context, course, section uuid.UUID, expected *int) (int, error) {
	return r.structureWrite(ctx, "delete section", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		i, ok := findSection(c, section)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "section"}
		}
		s := c.Sections[i]
		if err := t.healAround(c, elementIDs(&s)); err != nil {
			return "", "", "", nil, nil, err
		}
		if _, err := t.pg.Exec(t.ctx, `DELETE FROM course_sections WHERE tenant_id = learnd_tenant() AND id = $1`, s.ID); err != nil {
			return "", "", "", nil, nil, err
		}
		if err := t.renumber("course_sections", without(sectionIDs(c), s.ID)); err != nil {
			return "", "", "", nil, nil, err
		}
		return "course.section.delete", "course_section", typeid.Format(typeid.Section, s.ID), auditSection(c, &s), nil, nil
	})
}

// healAround links, before the elements gone are deleted, every element outside gone that
// led into them to every element outside gone they led to (through any path inside gone).
func (t *tx) healAround(c *Course, gone []uuid.UUID) error {
	in := map[uuid.UUID]bool{}
	for _, id := range gone {
		in[id] = true
	}
	next := map[uuid.UUID][]uuid.UUID{}
	for _, tr := range c.Transitions {
		next[tr.From] = append(next[tr.From], tr.To)
	}
	var links []CourseTransition
	seen := map[CourseTransition]bool{}
	for _, tr := range c.Transitions {
		seen[tr] = true
	}
	for _, tr := range c.Transitions {
		if in[tr.From] || !in[tr.To] {
			continue
		}
		// Walk from tr.To through gone elements; every exit is a new successor of tr.From.
		visited := map[uuid.UUID]bool{}
		stack := []uuid.UUID{tr.To}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if visited[x] {
				continue
			}
			visited[x] = true
			for _, y := range next[x] {
				if in[y] {
					stack = append(stack, y)
					continue
				}
				l := CourseTransition{From: tr.From, To: y}
				if y != tr.From && !seen[l] {
					seen[l] = true
					links = append(links, l)
				}
			}
		}
	}
	if len(links) == 0 {
		return nil
	}
	return t.insertTransitions(c.ID, links)
}

// Elements.

// NewElement is an element to add. Position nil (or beyond the end) appends it to the
// section. AutoLink splices it into the path between its neighbours in course order.
type NewElement struct {
	SectionID uuid.UUID
	Kind      string
	Title     string
	Required  *bool
	Brief     *LessonBrief
	Pages     []LessonPage
	Position  *int
	AutoLink  bool
}

// ElementChange is a merge patch of an element. Moving: SectionID and/or Position.
type ElementChange struct {
	Title      *string
	Required   *bool
	Brief      *LessonBrief
	ClearBrief bool
	Pages      *[]LessonPage
	SectionID  *uuid.UUID
	Position   *int
}

// AddElement adds a lesson, quiz or survey to a section.
func (r *CourseRepo) AddElement(ctx context.Context, course uuid.UUID, expected *int, in NewElement) (CourseElement, int, error) {
	var out CourseElement
	v, err := r.structureWrite(ctx, "add element", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		var v ValidationError
		si, ok := findSection(c, in.SectionID)
		if !ok {
			v.add("/sectionId", "is not a section of this course")
		}
		validateElement(&v, "", in.Kind, in.Title, in.Brief, in.Pages)
		if err := v.err(); err != nil {
			return "", "", "", nil, nil, err
		}
		sec := &c.Sections[si]
		e := newElement(sec.ID, 0, in.Kind, in.Title, in.Required, in.Brief, in.Pages, now())
		ids, at := insertAt(elementIDs(sec), e.ID, in.Position)
		e.Position = at
		b := &pgx.Batch{}
		queueInsertElement(b, c.ID, &e)
		if err := t.pg.SendBatch(t.ctx, b).Close(); err != nil {
			return "", "", "", nil, nil, err
		}
		if err := t.renumber("course_elements", ids); err != nil {
			return "", "", "", nil, nil, err
		}
		sec.Elements = slices.Insert(sec.Elements, at, e)
		if in.AutoLink {
			if err := t.splice(c, e.ID); err != nil {
				return "", "", "", nil, nil, err
			}
		}
		out = e
		return "course.element.create", "course_element", typeid.Format(typeid.Element, e.ID), nil, auditElement(c, &e), nil
	})
	if err != nil {
		return CourseElement{}, 0, err
	}
	return out, v, nil
}

// splice links a new element into the path between its neighbours in course order: from
// the one before it (or, when it is first, to the one after it); a transition from the
// one before straight to the one after is rerouted through it.
func (t *tx) splice(c *Course, id uuid.UUID) error {
	order := courseOrder(c)
	i := slices.IndexFunc(order, func(e *CourseElement) bool { return e.ID == id })
	var prev, next *CourseElement
	if i > 0 {
		prev = order[i-1]
	}
	if i+1 < len(order) {
		next = order[i+1]
	}
	var links []CourseTransition
	switch {
	case prev != nil:
		links = append(links, CourseTransition{From: prev.ID, To: id})
		if next != nil && slices.Contains(c.Transitions, CourseTransition{From: prev.ID, To: next.ID}) {
			if _, err := t.pg.Exec(t.ctx, `DELETE FROM course_transitions WHERE tenant_id = learnd_tenant() AND course_id = $1 AND from_element_id = $2 AND to_element_id = $3`,
				c.ID, prev.ID, next.ID); err != nil {
				return err
			}
			links = append(links, CourseTransition{From: id, To: next.ID})
		}
	case next != nil:
		links = append(links, CourseTransition{From: id, To: next.ID})
	}
	if len(links) == 0 {
		return nil
	}
	return t.insertTransitions(c.ID, links)
}

// UpdateElement changes an element's title, required flag, brief and pages, or moves it.
func (r *CourseRepo) UpdateElement(ctx context.Context, course, element uuid.UUID, expected *int, ch ElementChange) (CourseElement, int, error) {
	var out CourseElement
	v, err := r.structureWrite(ctx, "update element", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		cur, ok := findElement(c, element)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "element"}
		}
		e := *cur
		before := auditElement(c, &e)
		if ch.Title != nil {
			e.Title = *ch.Title
		}
		if ch.Required != nil {
			e.Required = *ch.Required
		}
		if ch.ClearBrief {
			e.Brief = nil
		} else if ch.Brief != nil {
			e.Brief = ch.Brief
		}
		if ch.Pages != nil {
			e.Pages = *ch.Pages
			if e.Pages == nil {
				e.Pages = []LessonPage{}
			}
		}
		var v ValidationError
		validateElement(&v, "", e.Kind, e.Title, e.Brief, e.Pages)
		target := e.SectionID
		if ch.SectionID != nil {
			target = *ch.SectionID
			if _, ok := findSection(c, target); !ok {
				v.add("/sectionId", "is not a section of this course")
			}
		}
		if err := v.err(); err != nil {
			return "", "", "", nil, nil, err
		}
		e.UpdatedAt = now()
		if _, err := t.pg.Exec(t.ctx, `UPDATE course_elements SET title = $2, required = $3, brief = $4, pages = $5, section_id = $6, updated_at = $7
WHERE tenant_id = learnd_tenant() AND id = $1`, e.ID, e.Title, e.Required, briefArg(e.Brief), JSON[[]LessonPage]{V: e.Pages}, target, e.UpdatedAt); err != nil {
			return "", "", "", nil, nil, err
		}
		if target != e.SectionID || ch.Position != nil {
			oi, _ := findSection(c, e.SectionID)
			ti, _ := findSection(c, target)
			if oi != ti {
				if err := t.renumber("course_elements", without(elementIDs(&c.Sections[oi]), e.ID)); err != nil {
					return "", "", "", nil, nil, err
				}
			}
			ids, at := insertAt(without(elementIDs(&c.Sections[ti]), e.ID), e.ID, ch.Position)
			if err := t.renumber("course_elements", ids); err != nil {
				return "", "", "", nil, nil, err
			}
			e.SectionID, e.Position = target, at
		}
		out = e
		return "course.element.update", "course_element", typeid.Format(typeid.Element, e.ID), before, auditElement(c, &e), nil
	})
	if err != nil {
		return CourseElement{}, 0, err
	}
	return out, v, nil
}

// DeleteElement deletes an element, healing the path around it.
func (r *CourseRepo) DeleteElement(ctx context.Context, course, element uuid.UUID, expected *int) (int, error) {
	return r.structureWrite(ctx, "delete element", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		e, ok := findElement(c, element)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "element"}
		}
		if err := t.healAround(c, []uuid.UUID{e.ID}); err != nil {
			return "", "", "", nil, nil, err
		}
		if _, err := t.pg.Exec(t.ctx, `DELETE FROM course_elements WHERE tenant_id = learnd_tenant() AND id = $1`, e.ID); err != nil {
			return "", "", "", nil, nil, err
		}
		si, _ := findSection(c, e.SectionID)
		if err := t.renumber("course_elements", without(elementIDs(&c.Sections[si]), e.ID)); err != nil {
			return "", "", "", nil, nil, err
		}
		return "course.element.delete", "course_element", typeid.Format(typeid.Element, e.ID), auditElement(c, e), nil, nil
	})
}

// Transitions.

// AddTransition links two elements of the course; ErrTransitionExists when linked.
func (r *CourseRepo) AddTransition(ctx context.Context, course uuid.UUID, expected *int, tr CourseTransition) (int, error) {
	return r.structureWrite(ctx, "add transition", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		var v ValidationError
		if _, ok := findElement(c, tr.From); !ok {
			v.add("/fromElementId", "is not an element of this course")
		}
		if _, ok := findElement(c, tr.To); !ok {
			v.add("/toElementId", "is not an element of this course")
		}
		if tr.From == tr.To {
			v.add("/toElementId", "must differ from fromElementId")
		}
		if err := v.err(); err != nil {
			return "", "", "", nil, nil, err
		}
		if slices.Contains(c.Transitions, tr) {
			return "", "", "", nil, nil, ErrTransitionExists
		}
		if err := t.insertTransitions(c.ID, []CourseTransition{tr}); err != nil {
			return "", "", "", nil, nil, err
		}
		return "course.transition.create", "course_transition", transitionTarget(tr), nil, auditTransition(c, tr), nil
	})
}

// DeleteTransition removes a transition; ErrNotFound when there is none.
func (r *CourseRepo) DeleteTransition(ctx context.Context, course uuid.UUID, expected *int, tr CourseTransition) (int, error) {
	return r.structureWrite(ctx, "delete transition", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		tag, err := t.pg.Exec(t.ctx, `DELETE FROM course_transitions WHERE tenant_id = learnd_tenant() AND course_id = $1 AND from_element_id = $2 AND to_element_id = $3`,
			c.ID, tr.From, tr.To)
		if err != nil {
			return "", "", "", nil, nil, err
		}
		if tag.RowsAffected() == 0 {
			return "", "", "", nil, nil, &PartNotFoundError{What: "transition"}
		}
		return "course.transition.delete", "course_transition", transitionTarget(tr), auditTransition(c, tr), nil, nil
	})
}

// Questions.

// NewQuestion is a question to add to a quiz; Position nil (or beyond the end) appends it.
type NewQuestion struct {
	QuestionDraft
	Position *int
}

// QuestionChange is a merge patch of a question; Options replace the options whole.
type QuestionChange struct {
	Kind     *string
	Text     *string
	Options  *[]OptionDraft
	Weight   *float64
	Position *int
}

// ErrNotAQuiz means questions were added to a lesson or survey.
var ErrNotAQuiz = errors.New("only quiz elements carry questions")

// AddQuestion adds a question to a quiz element.
func (r *CourseRepo) AddQuestion(ctx context.Context, course, element uuid.UUID, expected *int, in NewQuestion) (QuizQuestion, int, error) {
	var out QuizQuestion
	v, err := r.structureWrite(ctx, "add question", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		e, ok := findElement(c, element)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "element"}
		}
		if e.Kind != ElementQuiz {
			return "", "", "", nil, nil, ErrNotAQuiz
		}
		var v ValidationError
		validateQuestion(&v, "", in.QuestionDraft)
		if err := v.err(); err != nil {
			return "", "", "", nil, nil, err
		}
		q := newQuestion(e.ID, 0, in.QuestionDraft)
		ids := make([]uuid.UUID, len(e.Questions))
		for i, x := range e.Questions {
			ids[i] = x.ID
		}
		ids, q.Position = insertAt(ids, q.ID, in.Position)
		b := &pgx.Batch{}
		queueInsertQuestion(b, c.ID, &q, now())
		if err := t.pg.SendBatch(t.ctx, b).Close(); err != nil {
			return "", "", "", nil, nil, err
		}
		if err := t.renumber("quiz_questions", ids); err != nil {
			return "", "", "", nil, nil, err
		}
		out = q
		return "course.question.create", "quiz_question", typeid.Format(typeid.Question, q.ID), nil, auditQuestion(c, &q), nil
	})
	if err != nil {
		return QuizQuestion{}, 0, err
	}
	return out, v, nil
}

// UpdateQuestion applies a merge patch to a question; the merged question must still
// satisfy the option rules.
func (r *CourseRepo) UpdateQuestion(ctx context.Context, course, question uuid.UUID, expected *int, ch QuestionChange) (QuizQuestion, int, error) {
	var out QuizQuestion
	v, err := r.structureWrite(ctx, "update question", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		e, i, ok := findQuestion(c, question)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "question"}
		}
		q := e.Questions[i]
		before := auditQuestion(c, &q)
		d := QuestionDraft{Kind: q.Kind, Text: q.Text, Weight: q.Weight, SourceChunkID: q.SourceChunkID}
		for _, o := range q.Options {
			d.Options = append(d.Options, OptionDraft{Text: o.Text, Correct: o.Correct})
		}
		if ch.Kind != nil {
			d.Kind = *ch.Kind
		}
		if ch.Text != nil {
			d.Text = *ch.Text
		}
		if ch.Options != nil {
			d.Options = *ch.Options
		}
		if ch.Weight != nil {
			d.Weight = *ch.Weight
		}
		var v ValidationError
		validateQuestion(&v, "", d)
		if err := v.err(); err != nil {
			return "", "", "", nil, nil, err
		}
		if d.Weight == 0 {
			d.Weight = 1
		}
		q.Kind, q.Text, q.Options, q.Weight = d.Kind, d.Text, questionOptions(d.Options), d.Weight
		if _, err := t.pg.Exec(t.ctx, `UPDATE quiz_questions SET kind = $2, text = $3, options = $4, weight = $5, updated_at = $6
WHERE tenant_id = learnd_tenant() AND id = $1`, q.ID, q.Kind, q.Text, JSON[[]QuizOption]{V: q.Options}, q.Weight, now()); err != nil {
			return "", "", "", nil, nil, err
		}
		if ch.Position != nil {
			ids := make([]uuid.UUID, 0, len(e.Questions))
			for _, x := range e.Questions {
				if x.ID != q.ID {
					ids = append(ids, x.ID)
				}
			}
			ids, q.Position = insertAt(ids, q.ID, ch.Position)
			if err := t.renumber("quiz_questions", ids); err != nil {
				return "", "", "", nil, nil, err
			}
		}
		out = q
		return "course.question.update", "quiz_question", typeid.Format(typeid.Question, q.ID), before, auditQuestion(c, &q), nil
	})
	if err != nil {
		return QuizQuestion{}, 0, err
	}
	return out, v, nil
}

// DeleteQuestion deletes a question.
func (r *CourseRepo) DeleteQuestion(ctx context.Context, course, question uuid.UUID, expected *int) (int, error) {
	return r.structureWrite(ctx, "delete question", course, expected, func(t *tx, c *Course) (string, string, string, any, any, error) {
		e, i, ok := findQuestion(c, question)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "question"}
		}
		q := e.Questions[i]
		if _, err := t.pg.Exec(t.ctx, `DELETE FROM quiz_questions WHERE tenant_id = learnd_tenant() AND id = $1`, q.ID); err != nil {
			return "", "", "", nil, nil, err
		}
		ids := make([]uuid.UUID, 0, len(e.Questions))
		for _, x := range e.Questions {
			if x.ID != q.ID {
				ids = append(ids, x.ID)
			}
		}
		if err := t.renumber("quiz_questions", ids); err != nil {
			return "", "", "", nil, nil, err
		}
		return "course.question.delete", "quiz_question", typeid.Format(typeid.Question, q.ID), auditQuestion(c, &q), nil, nil
	})
}

// Appending structure (course refinement).

// AppendResult says what AppendSections added.
type AppendResult struct {
	Course           *Course
	ElementsAdded    int
	TransitionsAdded int
}

// AppendSections appends drafted sections (with their elements and questions) to the end
// of an existing course the caller may edit, in one transaction: nothing already there
// is changed. With linkInOrder the new elements continue the path from the course's last
// element. Transitions name elements of secs by position. Audited as
// course.structure.append on the course; the version is bumped.
func (r *CourseRepo) AppendSections(ctx context.Context, course uuid.UUID, expected *int, secs []SectionDraft, trs []TransitionDraft, linkInOrder bool) (AppendResult, error) {
	var res AppendResult
	err := r.s.inTenant(ctx, func(t *tx) error {
		c, err := t.editCourse(course, expected, accessEdit)
		if err != nil {
			return err
		}
		d := CourseDraft{Name: c.Name, Annotation: c.Annotation, Tags: c.Tags, Settings: &c.Settings, Sections: secs, Transitions: trs}
		if err := validateDraft(&d); err != nil {
			return err
		}
		before := auditCourse(c)
		added, err := t.insertSections(c, len(c.Sections), secs, now())
		if err != nil {
			return err
		}
		n, err := t.linkDraft(c, added, trs, linkInOrder)
		if err != nil {
			return err
		}
		for _, s := range added {
			res.ElementsAdded += len(s)
		}
		res.TransitionsAdded = n
		if err := t.bumpCourse(c); err != nil {
			return err
		}
		res.Course = c
		return t.audit("course.structure.append", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c))
	})
	if err != nil {
		return AppendResult{}, fmt.Errorf("append to course: %w", err)
	}
	return res, nil
}
