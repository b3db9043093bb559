package server

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// SendCourseReminders mails a reminder to a course's overdue learners, or to chosen ones
// (the seed's send_reminder): user_assign.
func (s *Server) SendCourseReminders(ctx context.Context, req api.SendCourseRemindersRequestObject) (api.SendCourseRemindersResponseObject, error) {
	out, f, err := s.sendReminders(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return api.SendCourseReminders200JSONResponse(out), nil
	}
	switch f.status {
	case 400:
		return api.SendCourseReminders400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.SendCourseReminders403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 404:
		return api.SendCourseReminders404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 422:
		return api.SendCourseReminders422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("send course reminders: unexpected status %d", f.status)
}

func (s *Server) sendReminders(ctx context.Context, req api.SendCourseRemindersRequestObject) (api.ReminderResult, *asgFailure, error) {
	var zero api.ReminderResult
	if f := asgDenied(needPerm(ctx, auth.PermUserAssign, true)); f != nil {
		return zero, f, nil
	}
	course, f := asgPathID(ctx, typeid.Course, "courseId", req.CourseId)
	if f != nil {
		return zero, f, nil
	}
	v := &store.ValidationError{}
	var ids []uuid.UUID // nil: every overdue learner
	if req.Body.UserIds != nil {
		ids = asgBodyIDs(typeid.Person, *req.Body.UserIds, "/userIds", v)
	}
	if f := asgInvalid(ctx, v); f != nil {
		return zero, f, nil
	}
	sent, err := s.assignments.SendReminders(ctx, course, ids, deref(req.Body.Message))
	if err != nil {
		f, err := asgClassify(ctx, err, "course "+req.CourseId+" not found")
		return zero, f, err
	}
	out := api.ReminderResult{CourseId: typeid.Format(typeid.Course, course), Sent: len(sent), UserIds: make([]string, len(sent))}
	for i, u := range sent {
		out.UserIds[i] = typeid.Format(typeid.Person, u)
	}
	return out, nil, nil
}
