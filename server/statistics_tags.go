package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// GetStatisticsTags returns the tags scope: courses, assignments and completions per course
// tag.
func (s *Server) GetStatisticsTags(ctx context.Context, req api.GetStatisticsTagsRequestObject) (api.GetStatisticsTagsResponseObject, error) {
	if p := needPerm(ctx, auth.PermCommonStat, false); p != nil {
		return api.GetStatisticsTags403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	w, p := rptWindow(ctx, req.Params.From, req.Params.To)
	if p != nil {
		return api.GetStatisticsTags400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	r, err := s.reports.StatisticsTags(ctx, w)
	if err != nil {
		return nil, err
	}
	return api.GetStatisticsTags200JSONResponse(toAPIStatTags(w, r)), nil
}
