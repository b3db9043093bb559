package server

import (
	"github.com/google/uuid"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// toAPICourseChain converts a stored course chain.
func toAPICourseChain(c *courses.Chain) api.CourseChain {
	out := api.CourseChain{
		Id:          typeid.Format(typeid.Chain, c.ID),
		Name:        c.Name,
		Description: c.Description,
		OwnerId:     typeid.Format(typeid.Person, c.OwnerID),
		CourseIds:   make([]api.CourseID, len(c.CourseIDs)),
		CreatedAt:   c.CreatedAt,
		UpdatedAt:   c.UpdatedAt,
		Version:     c.Version,
	}
	for i, id := range c.CourseIDs {
		out.CourseIds[i] = typeid.Format(typeid.Course, id)
	}
	return out
}

// toModelChainCourses parses a chain's course ids, recording a field error per malformed
// one.
func toModelChainCourses(in []api.CourseID, v *store.ValidationError) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(in))
	for i, s := range in {
		u, err := typeid.Parse(typeid.Course, s)
		if err != nil {
			v.Fields = append(v.Fields, store.FieldError{Pointer: "/courseIds/" + itoa(i), Detail: "must be a crs_… id"})
			continue
		}
		out = append(out, u)
	}
	return out
}

// toModelNewChain converts a chain create body.
func toModelNewChain(in api.CourseChainCreate) (courses.NewChain, error) {
	var v store.ValidationError
	c := courses.NewChain{Name: in.Name, Description: in.Description, CourseIDs: toModelChainCourses(in.CourseIds, &v)}
	if len(v.Fields) > 0 {
		return c, &v
	}
	return c, nil
}

// toModelChainChange converts a merge patch of a chain.
func toModelChainChange(in api.CourseChainPatch) (courses.ChainChange, error) {
	var v store.ValidationError
	ch := courses.ChainChange{Name: in.Name}
	ch.Description, ch.ClearDescription = courseNullable(in.Description)
	if in.CourseIds != nil {
		ids := toModelChainCourses(*in.CourseIds, &v)
		ch.CourseIDs = &ids
	}
	if len(v.Fields) > 0 {
		return ch, &v
	}
	return ch, nil
}
