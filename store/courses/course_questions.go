package courses

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

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
	v, err := r.structureWrite(ctx, "add question", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		e, ok := findElement(c, element)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "element"}
		}
		if e.Kind != ElementQuiz {
			return "", "", "", nil, nil, ErrNotAQuiz
		}
		var v store.ValidationError
		validateQuestion(&v, "", in.QuestionDraft)
		if err := v.Err(); err != nil {
			return "", "", "", nil, nil, err
		}
		q := newQuestion(e.ID, 0, in.QuestionDraft)
		ids := make([]uuid.UUID, len(e.Questions))
		for i, x := range e.Questions {
			ids[i] = x.ID
		}
		ids, q.Position = insertAt(ids, q.ID, in.Position)
		b := &pgx.Batch{}
		queueInsertQuestion(b, c.ID, &q, store.Now())
		if err := t.SendBatch(b).Close(); err != nil {
			return "", "", "", nil, nil, err
		}
		if err := renumber(t, "quiz_questions", ids); err != nil {
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
	v, err := r.structureWrite(ctx, "update question", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		e, i, ok := findQuestion(c, question)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "question"}
		}
		q := e.Questions[i]
		before := auditQuestion(c, &q)
		d := QuestionDraft{Kind: q.Kind, Text: q.Text, Weight: q.Weight, SourceChunkID: q.SourceChunkID}
		d.Options = optionDrafts(q.Options)
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
		var v store.ValidationError
		validateQuestion(&v, "", d)
		if err := v.Err(); err != nil {
			return "", "", "", nil, nil, err
		}
		if d.Weight == 0 {
			d.Weight = 1
		}
		q.Kind, q.Text, q.Options, q.Weight = d.Kind, d.Text, questionOptions(d.Options), d.Weight
		if _, err := t.Exec(`UPDATE quiz_questions SET kind = $2, text = $3, options = $4, weight = $5, updated_at = $6
WHERE tenant_id = learnd_tenant() AND id = $1`, q.ID, q.Kind, q.Text, store.JSON[[]QuizOption]{V: q.Options}, q.Weight, store.Now()); err != nil {
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
			if err := renumber(t, "quiz_questions", ids); err != nil {
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
	return r.structureWrite(ctx, "delete question", course, expected, func(t *store.Tx, c *Course) (string, string, string, any, any, error) {
		e, i, ok := findQuestion(c, question)
		if !ok {
			return "", "", "", nil, nil, &PartNotFoundError{What: "question"}
		}
		q := e.Questions[i]
		if _, err := t.Exec(`DELETE FROM quiz_questions WHERE tenant_id = learnd_tenant() AND id = $1`, q.ID); err != nil {
			return "", "", "", nil, nil, err
		}
		ids := make([]uuid.UUID, 0, len(e.Questions))
		for _, x := range e.Questions {
			if x.ID != q.ID {
				ids = append(ids, x.ID)
			}
		}
		if err := renumber(t, "quiz_questions", ids); err != nil {
			return "", "", "", nil, nil, err
		}
		return "course.question.delete", "quiz_question", typeid.Format(typeid.Question, q.ID), auditQuestion(c, &q), nil, nil
	})
}

// Appending structure (course refinement).
