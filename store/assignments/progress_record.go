package assignments

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

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
	if err := t.Emit(store.EventAssignmentCompleted, completedEvent{ID: typeid.Format(typeid.Assignment, a.id),
		UserID: typeid.Format(typeid.Person, user), CourseID: typeid.Format(typeid.Course, course), CompletedAt: ts, Score: score}); err != nil {
		return err
	}
	if !a.settings.CertificateOnCompletion {
		return nil
	}
	return issueCertificate(t, user, course, a.courseName, a.settings.validityMonths(), ts)
}

// completedEvent is the data of assignment.completed.
type completedEvent struct {
	ID          string    `json:"id"`
	UserID      string    `json:"userId"`
	CourseID    string    `json:"courseId"`
	CompletedAt time.Time `json:"completedAt"`
	Score       *float64  `json:"score"`
}
