package assignments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
)

// Progress (seed 003): a learner records lesson and survey completion and quiz attempts on
// a course assigned to them. A quiz attempt is scored by question weights (a question
// scores its weight when the options chosen are exactly its correct ones); the best score
// is kept, and the quiz counts as completed once that reaches the course's passing score.
// The course completes when every required element is completed: completion stamps the
// assignment, awards the course's points and, when the course says so, issues a
// certificate. Every write is audited in its transaction.

// defaultPassing is the passing score of a course whose settings name none.
const defaultPassing = 70.0

// ProgressStateError means the assignment's state refuses progress: Code is "not_started"
// (a scheduled assignment before its start) or "locked" (a chain course whose predecessor
// is not completed).
type ProgressStateError struct {
	Code   string
	Detail string
}

func (e *ProgressStateError) Error() string { return e.Detail }

// ProgressInput is one progress record of the caller.
type ProgressInput struct {
	CourseID, ElementID uuid.UUID
	Completed           *bool
	Answers             []ProgressAnswer // nil when absent
}

// ProgressAnswer is the options chosen for one question.
type ProgressAnswer struct {
	QuestionID uuid.UUID `json:"questionId"`
	OptionIDs  []string  `json:"optionIds"`
}

// ProgressElement is a learner's progress on one element.
type ProgressElement struct {
	ElementID   uuid.UUID
	Kind        string
	Title       string
	Required    bool
	Completed   bool
	CompletedAt *time.Time
	BestScore   *float64
	Attempts    int
}

// ProgressAttempt is the outcome of the attempt just recorded.
type ProgressAttempt struct {
	ElementID uuid.UUID
	Score     float64
	Passed    bool
}

// Progress is a learner's progress on one course.
type Progress struct {
	CourseID, UserID  uuid.UUID
	Status            string
	Locked            bool
	CompletedElements int // required elements completed
	RequiredElements  int
	ProgressPct       int
	Score             *float64
	StartedAt         *time.Time
	CompletedAt       *time.Time
	DueAt             *time.Time
	PointsAwarded     int
	Certificate       *Certificate
	LastAttempt       *ProgressAttempt
	Elements          []ProgressElement
}

// progressSettings are the members of courses.settings progress reads.
type progressSettings struct {
	PassingScore              *float64 `json:"passingScore"`
	CertificateOnCompletion   bool     `json:"certificateOnCompletion"`
	CertificateValidityMonths *int     `json:"certificateValidityMonths"`
	Points                    int      `json:"points"`
	Recertification           *struct {
		EveryMonths int `json:"everyMonths"`
	} `json:"recertification"`
}

// validityMonths is how long the course's certificates are valid: the recertification
// period when it has one, else certificateValidityMonths (nil: forever).
func (c progressSettings) validityMonths() *int {
	if c.Recertification != nil {
		return &c.Recertification.EveryMonths
	}
	return c.CertificateValidityMonths
}

func (c progressSettings) passing() float64 {
	if c.PassingScore == nil {
		return defaultPassing
	}
	return *c.PassingScore
}

// courseProgress is the assignment progress is recorded against.
type courseProgress struct {
	id                                     uuid.UUID
	startAt, dueAt, startedAt, completedAt *time.Time
	score                                  *float64
	points                                 int
	locked                                 bool
	courseName                             string
	settings                               progressSettings
}

// load reads (and, with lock, locks) the user's assignment of a live course.
func load(t *store.Tx, course, user uuid.UUID, lock bool) (courseProgress, error) {
	var a courseProgress
	var settings []byte
	q := `SELECT a.id, a.start_at, a.due_at, a.started_at, a.completed_at, a.score, a.points_awarded, ` + lockedSQL + `, c.name, c.settings
FROM assignments a
JOIN courses c ON c.tenant_id = learnd_tenant() AND c.id = a.course_id AND NOT c.is_deleted
WHERE a.tenant_id = learnd_tenant() AND a.course_id = $1 AND a.user_id = $2`
	if lock {
		q += " FOR UPDATE OF a"
	}
	err := t.QueryRow(q, course, user).Scan(&a.id, &a.startAt, &a.dueAt, &a.startedAt, &a.completedAt, &a.score, &a.points, &a.locked, &a.courseName, &settings)
	if errors.Is(err, pgx.ErrNoRows) {
		return a, store.ErrNotFound
	}
	if err != nil {
		return a, err
	}
	if len(settings) > 0 {
		if err := json.Unmarshal(settings, &a.settings); err != nil {
			return a, fmt.Errorf("course settings: %w", err)
		}
	}
	return a, nil
}

// readProgress reads a user's progress on a course (ErrNotFound without an assignment).
func readProgress(t *store.Tx, course, user uuid.UUID) (Progress, error) {
	a, err := load(t, course, user, false)
	if err != nil {
		return Progress{}, err
	}
	ts := store.Now()
	p := Progress{CourseID: course, UserID: user, Locked: a.locked, Score: a.score, StartedAt: a.startedAt,
		CompletedAt: a.completedAt, DueAt: a.dueAt, PointsAwarded: a.points,
		Status: assignmentStatus(ts, a.startAt, a.dueAt, a.startedAt, a.completedAt)}
	rows, err := t.Query(`SELECT e.id, e.kind, e.title, e.required, ep.completed_at, ep.best_score, coalesce(ep.attempts, 0)
FROM course_elements e
LEFT JOIN course_sections s ON s.tenant_id = learnd_tenant() AND s.id = e.section_id
LEFT JOIN element_progress ep ON ep.tenant_id = learnd_tenant() AND ep.user_id = $2 AND ep.element_id = e.id
WHERE e.tenant_id = learnd_tenant() AND e.course_id = $1
ORDER BY s.position NULLS LAST, e.position, e.id`, course, user)
	if err != nil {
		return Progress{}, err
	}
	var e ProgressElement
	if _, err := pgx.ForEachRow(rows, []any{&e.ElementID, &e.Kind, &e.Title, &e.Required, &e.CompletedAt, &e.BestScore, &e.Attempts}, func() error {
		x := e
		x.Completed = x.CompletedAt != nil
		if x.Required {
			p.RequiredElements++
			if x.Completed {
				p.CompletedElements++
			}
		}
		p.Elements = append(p.Elements, x)
		return nil
	}); err != nil {
		return Progress{}, err
	}
	switch {
	case a.completedAt != nil:
		p.ProgressPct = 100
	case p.RequiredElements > 0:
		p.ProgressPct = 100 * p.CompletedElements / p.RequiredElements
	}
	certs, err := listCertificates(t, user, &course, nil)
	if err != nil {
		return Progress{}, err
	}
	if len(certs) > 0 {
		p.Certificate = &certs[0]
	}
	if p.Elements == nil {
		p.Elements = []ProgressElement{}
	}
	return p, nil
}

// GetProgress returns a user's progress on a course; ErrNotFound when the course is not
// assigned to them.
func (s *Repo) GetProgress(ctx context.Context, course, user uuid.UUID) (Progress, error) {
	var out Progress
	err := s.st.Read(ctx, func(t *store.Tx) error {
		var err error
		out, err = readProgress(t, course, user)
		return err
	})
	if err != nil {
		return Progress{}, fmt.Errorf("get progress: %w", err)
	}
	return out, nil
}
