package server

import (
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

// toAPIAssessment converts a stored assessment to its API representation.
func toAPIAssessment(a *learning.Assessment) api.Assessment {
	e := toAPIEnvelope(typeid.Assessment, &a.Envelope)
	out := api.Assessment{
		Id: e.ID, TenantId: e.TenantID, AppId: e.AppID,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, CreatedBy: e.CreatedBy, UpdatedBy: e.UpdatedBy,
		Source: a.Source, SourceType: api.SourceType(a.SourceType),
		IsDeleted: e.IsDeleted, DeletedAt: e.DeletedAt, DeletedBy: e.DeletedBy,
		SchemaVersion: a.SchemaVersion, Version: a.Version,

		Kind:              api.AssessmentKind(a.Kind),
		Name:              a.Name,
		Description:       a.Description,
		ResponsibleUserId: idOut(typeid.Person, a.ResponsibleUserID),
		TargetCohortId:    idOut(typeid.Cohort, a.TargetCohortID),
		TargetGroupId:     idOut(typeid.Group, a.TargetGroupID),
		TargetAccountId:   a.TargetAccountID,
		FrameworkIds:      a.FrameworkIDs.V,
		ControlIds:        a.ControlIDs.V,
		Questions:         make([]api.Question, len(a.Questions.V)),
		QuestionBankId:    a.QuestionBankID,
		Frequency:         (*api.AssessmentFrequency)(a.Frequency),
		DueDate:           a.DueDate,
		ScheduledStartAt:  a.ScheduledStartAt,
		Status:            api.AssessmentStatus(a.Status),
		ResponseCount:     a.ResponseCount,
		CompletionPct:     a.CompletionPct,
		Findings:          make([]api.Finding, len(a.Findings.V)),
		Recommendations:   make([]api.Recommendation, len(a.Recommendations.V)),
		AssessmentTools:   a.AssessmentTools.V,
		OutputDocumentId:  a.OutputDocumentID,
		Tags:              a.Tags.V,
	}
	for i, q := range a.Questions.V {
		out.Questions[i] = toAPIQuestion(q)
	}
	for i, f := range a.Findings.V {
		out.Findings[i] = api.Finding{Title: f.Title, Detail: f.Detail, Severity: (*api.FindingSeverity)(f.Severity)}
	}
	for i, r := range a.Recommendations.V {
		out.Recommendations[i] = api.Recommendation{Title: r.Title, Detail: r.Detail, Priority: (*api.RecommendationPriority)(r.Priority)}
	}
	return out
}

func toAPIQuestion(q learning.Question) api.Question {
	out := api.Question{Id: q.ID, Text: q.Text, Type: api.QuestionType(q.Type), Weight: q.Weight, Required: ptr(q.Required)}
	if q.Options != nil {
		opts := q.Options
		out.Options = &opts
	}
	return out
}

// toModelAssessment converts a create body (or a merged patch) to an assessment to store.
// Server-stamped members of the body are ignored.
func toModelAssessment(in api.AssessmentCreate) (learning.Assessment, error) {
	var v store.ValidationError
	a := learning.Assessment{
		Kind:              string(in.Kind),
		Name:              in.Name,
		Description:       in.Description,
		ResponsibleUserID: idIn(typeid.Person, (*string)(in.ResponsibleUserId), "/responsible_user_id", &v),
		TargetCohortID:    idIn(typeid.Cohort, (*string)(in.TargetCohortId), "/target_cohort_id", &v),
		TargetGroupID:     idIn(typeid.Group, (*string)(in.TargetGroupId), "/target_group_id", &v),
		TargetAccountID:   in.TargetAccountId,
		FrameworkIDs:      store.JSON[[]string]{V: orEmpty(in.FrameworkIds)},
		ControlIDs:        store.JSON[[]string]{V: orEmpty(in.ControlIds)},
		QuestionBankID:    in.QuestionBankId,
		Frequency:         (*string)(in.Frequency),
		DueDate:           in.DueDate,
		ScheduledStartAt:  in.ScheduledStartAt,
		Status:            string(deref(in.Status)),
		AssessmentTools:   store.JSON[[]string]{V: orEmpty(in.AssessmentTools)},
		OutputDocumentID:  in.OutputDocumentId,
		Tags:              store.JSON[[]string]{V: orEmpty(in.Tags)},
	}
	a.Source = deref(in.Source)
	a.SourceType = string(deref(in.SourceType))
	for _, q := range orEmpty(in.Questions) {
		a.Questions.V = append(a.Questions.V, toModelQuestion(q))
	}
	for _, f := range orEmpty(in.Findings) {
		a.Findings.V = append(a.Findings.V, learning.Finding{Title: f.Title, Detail: f.Detail, Severity: (*string)(f.Severity)})
	}
	for _, r := range orEmpty(in.Recommendations) {
		a.Recommendations.V = append(a.Recommendations.V, learning.Recommendation{Title: r.Title, Detail: r.Detail, Priority: (*string)(r.Priority)})
	}
	if len(v.Fields) > 0 {
		return a, &v
	}
	return a, nil
}

func toModelQuestion(q api.Question) learning.Question {
	w := 1.0
	if q.Weight != nil {
		w = *q.Weight
	}
	out := learning.Question{ID: q.Id, Text: q.Text, Type: string(q.Type), Weight: &w, Required: deref(q.Required)}
	if q.Options != nil {
		out.Options = *q.Options
	}
	return out
}
