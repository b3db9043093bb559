package learning

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// ratingScale is the scale of a rating question without options.
const ratingMin, ratingMax = 1, 5

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

// scoreAnswers checks the answers against the questions and scores them. Each question
// is worth its weight (default 1) and max is their sum. The question shape carries no
// answer key, so an answered single_choice, multiple_choice or text question earns its
// weight; a boolean earns it for true; a rating earns it in proportion to its place on the
// scale (its options, lowest first, or 1–5). Unanswered questions earn nothing.
func scoreAnswers(qs []Question, in []AnswerInput) (out []ScoredAnswer, score, maxScore float64, err error) {
	index := make(map[string]int, len(qs))
	for i, q := range qs {
		index[q.ID] = i
	}
	credit := make([]float64, len(qs))
	answered := make([]bool, len(qs))
	out = make([]ScoredAnswer, 0, len(in))
	var v store.ValidationError
	for i, a := range in {
		p := "/answers/" + strconv.Itoa(i)
		qi, ok := index[a.QuestionID]
		switch {
		case !ok:
			v.Add(p+"/question_id", "the assessment has no question %q", a.QuestionID)
			continue
		case answered[qi]:
			v.Add(p+"/question_id", "question %q is answered more than once", a.QuestionID)
			continue
		}
		answered[qi] = true
		c, problem := answerCredit(qs[qi], a.Value)
		if problem != "" {
			v.Add(p+"/value", "%s", problem)
			continue
		}
		credit[qi] = c
		out = append(out, ScoredAnswer{QuestionID: a.QuestionID, Value: a.Value, Score: c * questionWeight(qs[qi])})
	}
	for i, q := range qs {
		if q.Required && !answered[i] {
			v.Add("/answers", "question %q is required", q.ID)
		}
	}
	if err := v.Err(); err != nil {
		return nil, 0, 0, err
	}
	// One pass in question order: every term of score is at most the matching term of
	// maxScore, so score ≤ maxScore holds in floating point too.
	for i, q := range qs {
		w := questionWeight(q)
		maxScore += w
		score += credit[i] * w
	}
	return out, score, maxScore, nil
}

func questionWeight(q Question) float64 {
	if q.Weight == nil {
		return 1
	}
	return *q.Weight
}

// answerCredit checks value against q's type and returns the share (0–1) of q's weight it
// earns, or what is wrong with it.
func answerCredit(q Question, value any) (float64, string) {
	switch q.Type {
	case "single_choice":
		s, ok := value.(string)
		if !ok || !slices.Contains(q.Options, s) {
			return 0, "must be one of the question's options " + quoteList(q.Options)
		}
		return 1, ""
	case "multiple_choice":
		items, ok := value.([]any)
		if !ok || len(items) == 0 {
			return 0, "must be a non-empty array of the question's options " + quoteList(q.Options)
		}
		seen := map[string]bool{}
		for _, it := range items {
			s, ok := it.(string)
			if !ok || !slices.Contains(q.Options, s) {
				return 0, "every item must be one of the question's options " + quoteList(q.Options)
			}
			if seen[s] {
				return 0, fmt.Sprintf("option %q is chosen more than once", s)
			}
			seen[s] = true
		}
		return 1, ""
	case "text":
		s, ok := value.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return 0, "must be a non-empty string"
		}
		if utf8.RuneCountInString(s) > maxTextAnswerLen {
			return 0, "must be at most " + strconv.Itoa(maxTextAnswerLen) + " characters"
		}
		return 1, ""
	case "boolean":
		b, ok := value.(bool)
		if !ok {
			return 0, "must be true or false"
		}
		if b {
			return 1, ""
		}
		return 0, ""
	case "rating":
		if len(q.Options) > 0 {
			s, ok := value.(string)
			i := slices.Index(q.Options, s)
			if !ok || i < 0 {
				return 0, "must be one of the question's options " + quoteList(q.Options)
			}
			if len(q.Options) == 1 {
				return 1, ""
			}
			return float64(i) / float64(len(q.Options)-1), ""
		}
		n, ok := number(value)
		if !ok || n != math.Trunc(n) || n < ratingMin || n > ratingMax {
			return 0, "must be a whole number from " + strconv.Itoa(ratingMin) + " to " + strconv.Itoa(ratingMax)
		}
		return (n - ratingMin) / (ratingMax - ratingMin), ""
	}
	return 0, "the question's type " + q.Type + " cannot be answered"
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

func quoteList(opts []string) string {
	q := make([]string, len(opts))
	for i, o := range opts {
		q[i] = strconv.Quote(o)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// responseOrders are the orders a response list takes (optionally prefixed with "-").
var responseOrders = map[string]ordering[AssessmentResponse]{
	"created_at": {expr: "created_at", cast: "timestamptz", key: func(r *AssessmentResponse) string { return timeKey(r.CreatedAt) }},
	"score":      {expr: "score", cast: "float8", key: func(r *AssessmentResponse) string { return strconv.FormatFloat(r.Score, 'g', -1, 64) }},
}

// ResponseQuery selects a page of an assessment's responses.
type ResponseQuery struct {
	PageSize     int
	OrderBy      string // created_at, score; "-" for descending (default -created_at)
	After        *Cursor
	RespondentID *uuid.UUID
}

// ListResponses returns one page of the responses to an assessment the caller can see
// (live, same tenant and application); ErrNotFound otherwise.
func (r *AssessmentRepo) ListResponses(ctx context.Context, assessmentID uuid.UUID, q ResponseQuery) (Page[AssessmentResponse], error) {
	var page Page[AssessmentResponse]
	if q.OrderBy == "" {
		q.OrderBy = "-created_at"
	}
	desc := strings.HasPrefix(q.OrderBy, "-")
	ord, ok := responseOrders[strings.TrimPrefix(q.OrderBy, "-")]
	if !ok {
		return page, fmt.Errorf("list assessment responses: unknown order %q", q.OrderBy)
	}
	if q.After != nil && q.After.Order != q.OrderBy {
		return page, fmt.Errorf("list assessment responses: cursor is for order %q, not %q", q.After.Order, q.OrderBy)
	}
	if q.PageSize <= 0 {
		q.PageSize = 20
	}
	var rows []AssessmentResponse
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if ok, err := visible(t, assessmentTable.name, assessmentID); err != nil || !ok {
			if err == nil {
				err = store.ErrNotFound
			}
			return err
		}
		sq := t.TenantTable(responsesTable).Where("assessment_id = ?", assessmentID)
		if q.RespondentID != nil {
			sq = sq.Where("respondent_id = ?", *q.RespondentID)
		}
		dir, cmp := " ASC", ">"
		if desc {
			dir, cmp = " DESC", "<"
		}
		if q.After != nil {
			sq = sq.Where(fmt.Sprintf("(%s, id) %s (?::%s, ?)", ord.expr, cmp, ord.cast), q.After.Key, q.After.ID)
		}
		var err error
		rows, err = store.QueryRows[AssessmentResponse](t, sq.Order(ord.expr+dir+", id"+dir).Limit(q.PageSize+1), q.PageSize+1)
		return err
	})
	if err != nil {
		return page, fmt.Errorf("list assessment responses: %w", err)
	}
	if len(rows) > q.PageSize {
		rows = rows[:q.PageSize]
		last := &rows[len(rows)-1]
		page.Next = &Cursor{Order: q.OrderBy, Key: ord.key(last), ID: last.ID}
	}
	page.Items = rows
	return page, nil
}

// GetResponse returns one response to an assessment the caller can see. With
// onlyRespondent, another person's response is ErrNotFound.
func (r *AssessmentRepo) GetResponse(ctx context.Context, assessmentID, responseID uuid.UUID, onlyRespondent *uuid.UUID) (*AssessmentResponse, error) {
	var out *AssessmentResponse
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if ok, err := visible(t, assessmentTable.name, assessmentID); err != nil || !ok {
			if err == nil {
				err = store.ErrNotFound
			}
			return err
		}
		sq := t.TenantTable(responsesTable).Where("assessment_id = ? AND id = ?", assessmentID, responseID)
		if onlyRespondent != nil {
			sq = sq.Where("respondent_id = ?", *onlyRespondent)
		}
		rows, err := store.QueryRows[AssessmentResponse](t, sq.Limit(1), 1)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return store.ErrNotFound
		}
		out = &rows[0]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get assessment response: %w", err)
	}
	return out, nil
}
