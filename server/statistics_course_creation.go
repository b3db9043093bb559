package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// GetStatisticsCourseCreation returns the courseCreation scope: courses created in the window,
// per day and by owner.
func (s *Server) GetStatisticsCourseCreation(ctx context.Context, req api.GetStatisticsCourseCreationRequestObject) (api.GetStatisticsCourseCreationResponseObject, error) {
	if err := needPerm(ctx, auth.PermCommonStat, false); err != nil {
		return nil, err
	}
	w, err := rptWindow(ctx, req.Params.From, req.Params.To)
	if err != nil {
		return nil, err
	}
	r, err := s.reports.StatisticsCourseCreation(ctx, w)
	if err != nil {
		return nil, err
	}
	return api.GetStatisticsCourseCreation200JSONResponse(toAPIStatCourseCreation(w, r)), nil
}
