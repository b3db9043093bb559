package courses

import (
	"errors"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/learnd/learnd/store"
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
func (e *PartNotFoundError) Is(target error) bool { return target == store.ErrNotFound }

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
	// Feedback is shown to a learner after choosing the option ("" when none).
	Feedback string `json:"feedback,omitempty"`
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
	Text     string
	Correct  bool
	Feedback string
}

// optionDrafts are stored options as a draft again (to re-validate or copy them).
func optionDrafts(in []QuizOption) []OptionDraft {
	out := make([]OptionDraft, len(in))
	for i, o := range in {
		out[i] = OptionDraft{Text: o.Text, Correct: o.Correct, Feedback: o.Feedback}
	}
	return out
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
				var brief store.JSON[*LessonBrief]
				var pages store.JSON[[]LessonPage]
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
				var opts store.JSON[[]QuizOption]
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
