package server

import (
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/typeid"
)

// toAPIAssignment is the API view of an assignment.
func toAPIAssignment(a assignments.Assignment) api.Assignment {
	return api.Assignment{
		Id:            typeid.Format(typeid.Assignment, a.ID),
		CourseId:      typeid.Format(typeid.Course, a.CourseID),
		CourseName:    a.CourseName,
		UserId:        typeid.Format(typeid.Person, a.UserID),
		UserName:      a.UserName,
		GroupId:       idOut(typeid.Group, a.GroupID),
		ChainId:       idOut(typeid.Chain, a.ChainID),
		ChainPosition: a.ChainPosition,
		Locked:        a.Locked,
		Status:        api.AssignmentStatus(a.Status),
		AssignedAt:    a.AssignedAt,
		StartAt:       a.StartAt,
		DueAt:         a.DueAt,
		StartedAt:     a.StartedAt,
		CompletedAt:   a.CompletedAt,
		Score:         a.Score,
		ProgressPct:   a.ProgressPct,
		PointsAwarded: a.PointsAwarded,
	}
}

// toAPIAssignments converts a page of assignments.
func toAPIAssignments(in []assignments.Assignment) []api.Assignment {
	out := make([]api.Assignment, len(in))
	for i, a := range in {
		out[i] = toAPIAssignment(a)
	}
	return out
}

// toAPIGroupAssignment is the API view of a group assignment's counts.
func toAPIGroupAssignment(course string, dueAt, startAt *time.Time, counts []assignments.GroupAssignCount) api.GroupAssignmentResult {
	out := api.GroupAssignmentResult{CourseId: course, DueAt: dueAt, StartAt: startAt, Groups: make([]api.GroupAssignmentCount, len(counts))}
	for i, c := range counts {
		out.Groups[i] = api.GroupAssignmentCount{GroupId: typeid.Format(typeid.Group, c.GroupID), Members: c.Members,
			Assigned: c.Assigned, AlreadyAssigned: c.AlreadyAssigned, Skipped: c.Skipped,
			AssignedUsers: personIDs(c.AssignedUsers), SkippedUsers: personIDs(c.SkippedUsers)}
		out.Assigned += c.Assigned
		out.AlreadyAssigned += c.AlreadyAssigned
	}
	return out
}

// toAPIChainAssignment is the API view of a chain assignment.
func toAPIChainAssignment(r assignments.ChainAssignResult, dueAt *time.Time) api.ChainAssignmentResult {
	out := api.ChainAssignmentResult{ChainId: typeid.Format(typeid.Chain, r.ChainID), DueAt: dueAt,
		CourseIds: make([]string, len(r.CourseIDs)), Users: make([]string, len(r.Users)),
		Assigned: r.Assigned, AlreadyAssigned: r.AlreadyAssigned}
	for i, c := range r.CourseIDs {
		out.CourseIds[i] = typeid.Format(typeid.Course, c)
	}
	for i, u := range r.Users {
		out.Users[i] = typeid.Format(typeid.Person, u)
	}
	return out
}

// personIDs formats user ids (an empty list, never null).
func personIDs(ids []uuid.UUID) *[]api.UserID {
	out := make([]api.UserID, len(ids))
	for i, id := range ids {
		out[i] = typeid.Format(typeid.Person, id)
	}
	return &out
}
