package server

import (
	"github.com/google/uuid"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// toAPIProgress is the API view of a learner's progress on a course.
func toAPIProgress(p assignments.Progress) api.CourseProgress {
	out := api.CourseProgress{
		CourseId:          typeid.Format(typeid.Course, p.CourseID),
		UserId:            typeid.Format(typeid.Person, p.UserID),
		Status:            api.AssignmentStatus(p.Status),
		Locked:            p.Locked,
		CompletedElements: p.CompletedElements,
		RequiredElements:  p.RequiredElements,
		ProgressPct:       p.ProgressPct,
		Score:             p.Score,
		StartedAt:         p.StartedAt,
		CompletedAt:       p.CompletedAt,
		DueAt:             p.DueAt,
		PointsAwarded:     p.PointsAwarded,
		Elements:          make([]api.ElementProgress, len(p.Elements)),
	}
	if p.Certificate != nil {
		c := toAPICertificate(*p.Certificate)
		out.Certificate = &c
	}
	if p.LastAttempt != nil {
		out.LastAttempt = &api.QuizAttemptResult{ElementId: typeid.Format(typeid.Element, p.LastAttempt.ElementID),
			Score: p.LastAttempt.Score, Passed: p.LastAttempt.Passed}
	}
	for i, e := range p.Elements {
		out.Elements[i] = api.ElementProgress{ElementId: typeid.Format(typeid.Element, e.ElementID), Kind: api.ElementProgressKind(e.Kind),
			Title: e.Title, Required: e.Required, Completed: e.Completed, CompletedAt: e.CompletedAt, BestScore: e.BestScore, Attempts: e.Attempts}
	}
	return out
}

// toModelProgress builds a progress record from the request body, recording malformed ids.
func toModelProgress(course uuid.UUID, body api.ProgressRecord, v *store.ValidationError) assignments.ProgressInput {
	in := assignments.ProgressInput{CourseID: course, Completed: body.Completed}
	if e := idIn(typeid.Element, &body.ElementId, "/elementId", v); e != nil {
		in.ElementID = *e
	}
	if body.Answers != nil {
		in.Answers = make([]assignments.ProgressAnswer, 0, len(*body.Answers))
		for i, a := range *body.Answers {
			q := idIn(typeid.Question, &a.QuestionId, "/answers/"+itoa(i)+"/questionId", v)
			if q == nil {
				continue
			}
			in.Answers = append(in.Answers, assignments.ProgressAnswer{QuestionID: *q, OptionIDs: a.OptionIds})
		}
	}
	return in
}

// toAPICertificate is the API view of a certificate.
func toAPICertificate(c assignments.Certificate) api.Certificate {
	return api.Certificate{
		Id:         typeid.Format(typeid.Certificate, c.ID),
		Number:     c.Number,
		CourseId:   typeid.Format(typeid.Course, c.CourseID),
		CourseName: c.CourseName,
		IssuedAt:   c.IssuedAt,
		ExpiresAt:  c.ExpiresAt,
		Expired:    c.Expired,
	}
}
