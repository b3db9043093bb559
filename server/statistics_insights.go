package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// GetStatisticsInsights returns the insights scope: the courses with the lowest completion,
// the learners with the most overdue assignments and the certificates expiring soon.
func (s *Server) GetStatisticsInsights(ctx context.Context, _ api.GetStatisticsInsightsRequestObject) (api.GetStatisticsInsightsResponseObject, error) {
	if err := needPerm(ctx, auth.PermCommonStat, false); err != nil {
		return nil, err
	}
	in, err := s.reports.StatisticsInsights(ctx)
	if err != nil {
		return nil, err
	}
	return api.GetStatisticsInsights200JSONResponse(toAPIStatInsights(in)), nil
}
