package server

import (
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

// toAPIAssessmentResponse converts a stored response to its API representation.
func toAPIAssessmentResponse(r *learning.AssessmentResponse) api.AssessmentResponse {
	answers := make([]api.ScoredAnswer, len(r.Answers.V))
	for i, a := range r.Answers.V {
		answers[i] = api.ScoredAnswer{QuestionId: a.QuestionID, Value: a.Value, Score: a.Score}
	}
	return api.AssessmentResponse{
		Id:           typeid.Format(typeid.Response, r.ID),
		TenantId:     r.TenantID,
		AppId:        r.AppID,
		AssessmentId: typeid.Format(typeid.Assessment, r.AssessmentID),
		RespondentId: typeid.Format(typeid.Person, r.RespondentID),
		Answers:      answers,
		Score:        r.Score,
		MaxScore:     r.MaxScore,
		ScorePct:     r.ScorePct(),
		SubmittedAt:  r.SubmittedAt,
		CreatedAt:    r.CreatedAt,
		UpdatedAt:    r.UpdatedAt,
		Version:      r.Version,
	}
}

// toModelAnswers converts submitted answers for the store, which checks them against the
// assessment's questions.
func toModelAnswers(in []api.AnswerInput) []learning.AnswerInput {
	out := make([]learning.AnswerInput, len(in))
	for i, a := range in {
		out[i] = learning.AnswerInput{QuestionID: a.QuestionId, Value: a.Value}
	}
	return out
}
