package learning

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// AnswerInput is one submitted answer: a question id of the assessment and the decoded
// JSON value.
type AnswerInput struct {
	QuestionID string
	Value      any
}

// ScoredAnswer is a stored answer with the score it earned (0 to the question's weight).
type ScoredAnswer struct {
	QuestionID string  `json:"question_id"`
	Value      any     `json:"value"`
	Score      float64 `json:"score"`
}

// AssessmentResponse is one person's scored answers to an assessment; there is at most
// one per person and assessment (a resubmission replaces it and bumps Version).
type AssessmentResponse struct {
	TenantID     string                     `gorm:"column:tenant_id"`
	ID           uuid.UUID                  `gorm:"column:id;type:uuid"`
	AssessmentID uuid.UUID                  `gorm:"column:assessment_id;type:uuid"`
	RespondentID uuid.UUID                  `gorm:"column:respondent_id;type:uuid"`
	AppID        *string                    `gorm:"column:app_id"`
	Answers      store.JSON[[]ScoredAnswer] `gorm:"column:answers;type:jsonb"`
	Score        float64                    `gorm:"column:score"`
	MaxScore     float64                    `gorm:"column:max_score"`
	SubmittedAt  time.Time                  `gorm:"column:submitted_at"`
	CreatedAt    time.Time                  `gorm:"column:created_at"`
	UpdatedAt    time.Time                  `gorm:"column:updated_at"`
	Version      int                        `gorm:"column:version"`
}

// ScorePct is 100 × Score ÷ MaxScore rounded to one decimal; 100 when nothing could be
// scored (MaxScore 0).
func (r *AssessmentResponse) ScorePct() float64 {
	if r.MaxScore <= 0 {
		return 100
	}
	return roundPct(r.Score, r.MaxScore)
}

// AssessmentNotOpenError means responses are taken only while an assessment is open.
type AssessmentNotOpenError struct {
	Status string
}

func (e *AssessmentNotOpenError) Error() string {
	return "the assessment is " + e.Status + "; responses are accepted only while it is open"
}

// ErrNoInlineQuestions means the assessment has no inline questions to answer (it uses a
// question bank, or has none yet).
var ErrNoInlineQuestions = errors.New("the assessment has no inline questions to answer")

const (
	responsesTable    = "assessment_responses"
	maxTextAnswerLen  = 5000
	responseColumns   = `tenant_id, id, assessment_id, respondent_id, app_id, answers, score, max_score, submitted_at, created_at, updated_at, version`
	responseInsertSQL = `INSERT INTO assessment_responses (` + responseColumns + `)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9, 1) RETURNING *`
	responseReplaceSQL = `UPDATE assessment_responses
   SET app_id = $3, answers = $4, score = $5, max_score = $6, submitted_at = $7, updated_at = $7, version = version + 1
 WHERE tenant_id = $1 AND id = $2 RETURNING *`
	responseMineSQL = `SELECT * FROM assessment_responses
 WHERE tenant_id = $1 AND assessment_id = $2 AND respondent_id = $3 FOR UPDATE`
	// responseStatsSQL counts an assessment's responses and measures its completion. The
	// expected respondents are the current members of the group behind the target cohort
	// (when live), else of the target group ($4); members counts them (0 without a group).
	responseStatsSQL = `WITH pop AS (
  SELECT coalesce((SELECT c.group_id FROM cohorts c WHERE c.tenant_id = $1 AND c.id = $3 AND NOT c.is_deleted), $4::uuid) AS group_id
), members AS (
  SELECT gm.user_id FROM group_members gm JOIN pop ON gm.group_id = pop.group_id WHERE gm.tenant_id = $1
)
SELECT count(*),
       coalesce(avg(CASE WHEN r.max_score > 0 THEN 100 * r.score / r.max_score ELSE 100 END), 0),
       count(*) FILTER (WHERE r.respondent_id IN (SELECT user_id FROM members)),
       (SELECT count(*) FROM members)
  FROM assessment_responses r
 WHERE r.tenant_id = $1 AND r.assessment_id = $2`
	assessmentStatsSQL = `UPDATE assessments SET response_count = $3, completion_pct = $4 WHERE tenant_id = $1 AND id = $2`
)

// SubmitResponse records the caller's answers to an open assessment, replacing their
// previous response if any, scores them by question weight, recomputes the assessment's
// response_count and completion_pct and writes the audit entry, all in one transaction.
// replaced reports whether a previous response was replaced.
func (r *AssessmentRepo) SubmitResponse(ctx context.Context, assessmentID uuid.UUID, answers []AnswerInput) (resp *AssessmentResponse, replaced bool, err error) {
	var out AssessmentResponse
	err = r.st.InTenant(ctx, func(t *store.Tx) error {
		// The lock serialises submissions to one assessment, so the one-per-person lookup
		// below and the counts cannot race.
		var a Assessment
		q, args := r.read.byID(t, assessmentID, store.LiveOnly, true)
		if err := store.QueryOne(t, q, args, &a); err != nil {
			return err
		}
		if a.Status != "open" {
			return &AssessmentNotOpenError{Status: a.Status}
		}
		if len(a.Questions.V) == 0 {
			return ErrNoInlineQuestions
		}
		scored, score, maxScore, err := scoreAnswers(a.Questions.V, answers)
		if err != nil {
			return err
		}
		var app *string
		if p := t.Caller(); p.AppID != "" {
			app = &p.AppID
		}
		ts := store.Now()
		var prev AssessmentResponse
		switch err := store.QueryOne(t, responseMineSQL, []any{t.Caller().TenantID, a.ID, t.Caller().PersonID}, &prev); {
		case err == nil:
			replaced = true
			err = store.QueryOne(t, responseReplaceSQL, []any{t.Caller().TenantID, prev.ID, app, store.JSON[[]ScoredAnswer]{V: scored}, score, maxScore, ts}, &out)
			if err != nil {
				return err
			}
		case errors.Is(err, store.ErrNotFound):
			err = store.QueryOne(t, responseInsertSQL, []any{t.Caller().TenantID, uuid.Must(uuid.NewV7()), a.ID, t.Caller().PersonID, app,
				store.JSON[[]ScoredAnswer]{V: scored}, score, maxScore, ts}, &out)
			if err != nil {
				return err
			}
		default:
			return err
		}
		if err := updateResponseStats(t, &a); err != nil {
			return err
		}
		var before any
		action := "assessment_response.create"
		if replaced {
			before, action = auditView(&prev, typeid.Response), "assessment_response.update"
		}
		return t.Audit(action, "assessment_response", typeid.Format(typeid.Response, out.ID), before, auditView(&out, typeid.Response))
	})
	if err != nil {
		return nil, false, fmt.Errorf("submit assessment response: %w", err)
	}
	return &out, replaced, nil
}

// updateResponseStats recomputes a's response_count and completion_pct: with expected
// respondents (the members of the target cohort's group, else of the target group),
// 100 × members who responded ÷ members; without, the mean score percentage of the
// responses. The assessment's version is not bumped: these are computed fields, and a
// learner answering must not make a manager's If-Match stale.
func updateResponseStats(t *store.Tx, a *Assessment) error {
	var count, responded, members int64
	var mean float64
	err := t.QueryRow(responseStatsSQL, t.Caller().TenantID, a.ID, a.TargetCohortID, a.TargetGroupID).Scan(&count, &mean, &responded, &members)
	if err != nil {
		return fmt.Errorf("response stats: %w", err)
	}
	pct := math.Min(100, math.Round(mean*10)/10)
	if members > 0 {
		pct = roundPct(float64(responded), float64(members))
	}
	if _, err := t.Exec(assessmentStatsSQL, t.Caller().TenantID, a.ID, count, pct); err != nil {
		return fmt.Errorf("response stats: %w", err)
	}
	return nil
}
