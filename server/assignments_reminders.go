package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// SendCourseReminders mails a reminder to a course's overdue learners, or to chosen ones
// (the seed's send_reminder): user_assign.
func (s *Server) SendCourseReminders(ctx context.Context, req api.SendCourseRemindersRequestObject) (api.SendCourseRemindersResponseObject, error) {
	ctx = dryRun(ctx, req.Params.DryRun)
	if err := needPerm(ctx, auth.PermUserAssign, true); err != nil {
		return nil, err
	}
	course, err := pathID(ctx, typeid.Course, "courseId", req.CourseId)
	if err != nil {
		return nil, err
	}
	v := &store.ValidationError{}
	var ids []uuid.UUID // nil: every overdue learner
	if req.Body.UserIds != nil {
		ids = bodyIDs(typeid.Person, *req.Body.UserIds, "/userIds", v)
	}
	if err := invalidIf(v); err != nil {
		return nil, err
	}
	sent, err := s.assignments.SendReminders(ctx, course, ids, deref(req.Body.Message))
	if err != nil {
		return nil, detailFirstViolation(about(err, "course "+req.CourseId))
	}
	out := api.ReminderResult{CourseId: typeid.Format(typeid.Course, course), Sent: len(sent), UserIds: make([]string, len(sent))}
	for i, u := range sent {
		out.UserIds[i] = typeid.Format(typeid.Person, u)
	}
	return api.SendCourseReminders200JSONResponse(out), nil
}
