package assignments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
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

// quizQuestion is a quiz question as scoring sees it.
type quizQuestion struct {
	id      uuid.UUID
	kind    string
	weight  float64
	options map[string]bool // option id → correct
}

// quizOption is one stored option of a question (courses store {id, text, correct}).
type quizOption struct {
	ID      json.RawMessage `json:"id"`
	Correct bool            `json:"correct"`
}

func optionKey(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw) // a numeric id
}

func quizQuestions(t *store.Tx, element uuid.UUID) ([]quizQuestion, error) {
	rows, err := t.Query(`SELECT id, kind, weight, options FROM quiz_questions WHERE tenant_id = learnd_tenant() AND element_id = $1 ORDER BY position, id`, element)
	if err != nil {
		return nil, err
	}
	var out []quizQuestion
	var q quizQuestion
	var raw []byte
	_, err = pgx.ForEachRow(rows, []any{&q.id, &q.kind, &q.weight, &raw}, func() error {
		var opts []quizOption
		if err := json.Unmarshal(raw, &opts); err != nil {
			return fmt.Errorf("question %s options: %w", q.id, err)
		}
		qq := q
		qq.options = make(map[string]bool, len(opts))
		for _, o := range opts {
			qq.options[optionKey(o.ID)] = o.Correct
		}
		out = append(out, qq)
		return nil
	})
	return out, err
}

// scoreQuiz checks the answers against the quiz's questions and returns the score in
// percent of the total weight (two decimals).
func scoreQuiz(questions []quizQuestion, answers []ProgressAnswer, v *store.ValidationError) float64 {
	byID := make(map[uuid.UUID]quizQuestion, len(questions))
	var total float64
	for _, q := range questions {
		byID[q.id] = q
		total += q.weight
	}
	seen := map[uuid.UUID]bool{}
	var got float64
	for i, a := range answers {
		ptr := "/answers/" + strconv.Itoa(i)
		q, ok := byID[a.QuestionID]
		if !ok {
			v.Add(ptr+"/questionId", "not a question of this quiz")
			continue
		}
		if seen[a.QuestionID] {
			v.Add(ptr+"/questionId", "answered twice")
			continue
		}
		seen[a.QuestionID] = true
		chosen := map[string]bool{}
		bad := false
		for j, o := range a.OptionIDs {
			if _, ok := q.options[o]; !ok {
				v.Add(ptr+"/optionIds/"+strconv.Itoa(j), "not an option of this question")
				bad = true
			}
			chosen[o] = true
		}
		if q.kind == "single" && len(chosen) > 1 {
			v.Add(ptr+"/optionIds", "a single-choice question takes one option")
			bad = true
		}
		if bad {
			continue
		}
		right := true
		for id, correct := range q.options {
			if correct != chosen[id] {
				right = false
				break
			}
		}
		if right {
			got += q.weight
		}
	}
	if total == 0 {
		return 0
	}
	return math.Round(got/total*10000) / 100
}

// elementAudit is an element's progress in the audit log.
type elementAudit struct {
	ElementID   string     `json:"elementId"`
	UserID      string     `json:"userId"`
	CompletedAt *time.Time `json:"completedAt,omitempty"`
	BestScore   *float64   `json:"bestScore,omitempty"`
	Attempts    int        `json:"attempts"`
	LastScore   *float64   `json:"lastScore,omitempty"`
}

// assignmentAudit is an assignment's progress state in the audit log.
type assignmentAudit struct {
	StartedAt     *time.Time `json:"startedAt"`
	CompletedAt   *time.Time `json:"completedAt"`
	Score         *float64   `json:"score"`
	PointsAwarded int        `json:"pointsAwarded"`
}

// RecordProgress records the caller's progress on an element of a course assigned to
// them and completes the course when that was the last thing missing. It returns the
// progress after the record.
func (s *Repo) RecordProgress(ctx context.Context, in ProgressInput) (Progress, error) {
	var out Progress
	err := s.st.InTenant(ctx, func(t *store.Tx) error {
		user := t.Caller().PersonID
		a, err := load(t, in.CourseID, user, true)
		if err != nil {
			return err
		}
		ts := store.Now()
		if a.startAt != nil && a.startAt.After(ts) {
			return &ProgressStateError{Code: "not_started", Detail: "this assignment is scheduled to start at " + a.startAt.UTC().Format(time.RFC3339)}
		}
		if a.locked {
			return &ProgressStateError{Code: "locked", Detail: "this course is locked until you complete the course before it in the learning path"}
		}
		var kind string
		err = t.QueryRow(`SELECT kind FROM course_elements WHERE tenant_id = learnd_tenant() AND id = $1 AND course_id = $2`, in.ElementID, in.CourseID).Scan(&kind)
		if errors.Is(err, pgx.ErrNoRows) {
			return &store.ValidationError{Fields: []store.FieldError{{Pointer: "/elementId", Detail: "not an element of this course"}}}
		}
		if err != nil {
			return err
		}
		v := &store.ValidationError{}
		var attempt *ProgressAttempt
		switch kind {
		case "lesson":
			if in.Answers != nil {
				v.Add("/answers", "a lesson takes completed: true, not answers")
			}
			if in.Completed == nil || !*in.Completed {
				v.Add("/completed", "must be true to complete a lesson")
			}
		case "survey":
			if in.Completed != nil && !*in.Completed {
				v.Add("/completed", "must be true to complete a survey")
			}
			if in.Completed == nil && in.Answers == nil {
				v.Add("/completed", "send completed: true or the survey's answers")
			}
		case "quiz":
			if in.Completed != nil {
				v.Add("/completed", "a quiz is completed by answering it: send answers")
			}
			if in.Answers == nil {
				v.Add("/answers", "a quiz attempt needs answers")
				break
			}
			qs, err := quizQuestions(t, in.ElementID)
			if err != nil {
				return err
			}
			if len(qs) == 0 {
				v.Add("/elementId", "this quiz has no questions yet")
				break
			}
			score := scoreQuiz(qs, in.Answers, v)
			attempt = &ProgressAttempt{ElementID: in.ElementID, Score: score, Passed: score >= a.settings.passing()}
		}
		if kind == "survey" && in.Answers != nil {
			qs, err := quizQuestions(t, in.ElementID)
			if err != nil {
				return err
			}
			scoreQuiz(qs, in.Answers, v) // checks the questions and options; surveys are not scored
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := writeElement(t, user, in, attempt, a.settings.passing(), ts); err != nil {
			return err
		}
		if a.startedAt == nil {
			before := assignmentAudit{PointsAwarded: a.points}
			if _, err := t.Exec(`UPDATE assignments SET started_at = $2, updated_at = $2 WHERE tenant_id = learnd_tenant() AND id = $1`, a.id, ts); err != nil {
				return err
			}
			a.startedAt = &ts
			after := before
			after.StartedAt = &ts
			if err := t.Audit("assignment.start", "assignment", typeid.Format(typeid.Assignment, a.id), before, after); err != nil {
				return err
			}
		}
		if a.completedAt == nil {
			if err := maybeComplete(t, &a, in.CourseID, user, ts); err != nil {
				return err
			}
		}
		out, err = readProgress(t, in.CourseID, user)
		if err != nil {
			return err
		}
		out.LastAttempt = attempt
		return nil
	})
	if err != nil {
		return Progress{}, fmt.Errorf("record progress: %w", err)
	}
	return out, nil
}

// writeElement upserts the element's progress, audited with before and after.
func writeElement(t *store.Tx, user uuid.UUID, in ProgressInput, attempt *ProgressAttempt, passing float64, ts time.Time) error {
	before := elementAudit{ElementID: typeid.Format(typeid.Element, in.ElementID), UserID: typeid.Format(typeid.Person, user)}
	existed := true
	err := t.QueryRow(`SELECT completed_at, best_score, attempts FROM element_progress WHERE tenant_id = learnd_tenant() AND user_id = $1 AND element_id = $2 FOR UPDATE`,
		user, in.ElementID).Scan(&before.CompletedAt, &before.BestScore, &before.Attempts)
	if errors.Is(err, pgx.ErrNoRows) {
		existed = false
	} else if err != nil {
		return err
	}
	before.CompletedAt = inUTC(before.CompletedAt)
	after := before
	var answers any
	if in.Answers != nil {
		b, err := json.Marshal(in.Answers)
		if err != nil {
			return err
		}
		answers = string(b)
	}
	if attempt != nil {
		after.Attempts++
		score := attempt.Score
		after.LastScore = &score
		if before.BestScore == nil || score > *before.BestScore {
			after.BestScore = &score
		}
		if after.CompletedAt == nil && *after.BestScore >= passing {
			after.CompletedAt = &ts
		}
	} else if after.CompletedAt == nil {
		after.CompletedAt = &ts
	}
	_, err = t.Exec(`INSERT INTO element_progress (tenant_id, user_id, course_id, element_id, completed_at, best_score, attempts, last_answers, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9)
ON CONFLICT (tenant_id, user_id, element_id) DO UPDATE SET completed_at = EXCLUDED.completed_at, best_score = EXCLUDED.best_score,
  attempts = EXCLUDED.attempts, last_answers = coalesce(EXCLUDED.last_answers, element_progress.last_answers), updated_at = EXCLUDED.updated_at`,
		t.Caller().TenantID, user, in.CourseID, in.ElementID, after.CompletedAt, after.BestScore, after.Attempts, answers, ts)
	if err != nil {
		return err
	}
	var b any
	if existed {
		b = before
	}
	return t.Audit("progress.record", "element", before.ElementID, b, after)
}

// maybeComplete completes the assignment when every required element is completed:
// score (average best score of the required quizzes), points, and a certificate when the
// course issues them.
func maybeComplete(t *store.Tx, a *courseProgress, course, user uuid.UUID, ts time.Time) error {
	rows, err := t.Query(`SELECT e.kind, ep.completed_at IS NOT NULL, ep.best_score FROM course_elements e
LEFT JOIN element_progress ep ON ep.tenant_id = learnd_tenant() AND ep.user_id = $2 AND ep.element_id = e.id
WHERE e.tenant_id = learnd_tenant() AND e.course_id = $1 AND e.required`, course, user)
	if err != nil {
		return err
	}
	var kind string
	var done bool
	var best *float64
	all := true
	var sum float64
	quizzes := 0
	if _, err := pgx.ForEachRow(rows, []any{&kind, &done, &best}, func() error {
		if !done {
			all = false
		}
		if kind == "quiz" && best != nil {
			sum += *best
			quizzes++
		}
		return nil
	}); err != nil {
		return err
	}
	if !all {
		return nil
	}
	var score *float64
	if quizzes > 0 {
		s := math.Round(sum/float64(quizzes)*100) / 100
		score = &s
	}
	before := assignmentAudit{StartedAt: inUTC(a.startedAt), PointsAwarded: a.points}
	points := max(a.settings.Points, 0)
	if _, err := t.Exec(`UPDATE assignments SET completed_at = $2, score = $3, points_awarded = $4, updated_at = $2 WHERE tenant_id = learnd_tenant() AND id = $1`,
		a.id, ts, score, points); err != nil {
		return err
	}
	a.completedAt, a.score, a.points = &ts, score, points
	after := assignmentAudit{StartedAt: inUTC(a.startedAt), CompletedAt: &ts, Score: score, PointsAwarded: points}
	if err := t.Audit("assignment.complete", "assignment", typeid.Format(typeid.Assignment, a.id), before, after); err != nil {
		return err
	}
	if !a.settings.CertificateOnCompletion {
		return nil
	}
	return issueCertificate(t, user, course, a.courseName, a.settings.CertificateValidityMonths, ts)
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
	err := s.st.InTenant(ctx, func(t *store.Tx) error {
		var err error
		out, err = readProgress(t, course, user)
		return err
	})
	if err != nil {
		return Progress{}, fmt.Errorf("get progress: %w", err)
	}
	return out, nil
}
