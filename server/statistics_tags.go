package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// GetStatisticsTags returns the tags scope: courses, assignments and completions per course
// tag.
func (s *Server) GetStatisticsTags(ctx context.Context, req api.GetStatisticsTagsRequestObject) (api.GetStatisticsTagsResponseObject, error) {
	if err := needPerm(ctx, auth.PermCommonStat, false); err != nil {
		return nil, err
	}
	w, err := rptWindow(ctx, req.Params.From, req.Params.To)
	if err != nil {
		return nil, err
	}
	r, err := s.reports.StatisticsTags(ctx, w)
	if err != nil {
		return nil, err
	}
	return api.GetStatisticsTags200JSONResponse(toAPIStatTags(w, r)), nil
}
