package server

import (
	"context"
	"errors"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/reports"
	"github.com/learnd/learnd/typeid"
)

const (
	complianceDefaultLimit = 50
)

// GetComplianceStatus reports one course's compliance, optionally for one group.
func (s *Server) GetComplianceStatus(ctx context.Context, req api.GetComplianceStatusRequestObject) (api.GetComplianceStatusResponseObject, error) {
	bad := func(p *api.Problem) (api.GetComplianceStatusResponseObject, error) {
		return api.GetComplianceStatus400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	if p := needPerm(ctx, auth.PermCommonStat, false); p != nil {
		return api.GetComplianceStatus403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	course, err := typeid.Parse(typeid.Course, req.CourseId)
	if err != nil {
		return bad(rptBadParam(ctx, "courseId", "must be a crs_… id"))
	}
	group, p := filterID(ctx, typeid.Group, "groupId", req.Params.GroupId)
	if p != nil {
		return bad(p)
	}
	q := reports.ComplianceQuery{CourseID: course, GroupID: group, Limit: complianceDefaultLimit}
	if req.Params.Limit != nil {
		q.Limit = *req.Params.Limit
	}
	if req.Params.Status != nil {
		q.Status = string(*req.Params.Status)
	}
	// The token binds the course and every filter (not the page size).
	resource := "compliance|" + course.String()
	if q.After, p = v2PageCursor[store.NameCursor](ctx, s, resource, req.Params.PageToken); p != nil {
		return bad(rptBadParam(ctx, "pageToken", "is not a token this report issued for these filters"))
	}
	r, err := s.reports.Compliance(ctx, q)
	var nf *reports.NotFoundError
	if errors.As(err, &nf) {
		what := "course " + req.CourseId
		if nf.What == "group" {
			what = "group " + deref(req.Params.GroupId)
		}
		p := newProblem(ctx, kindNotFound, what+" not found")
		return api.GetComplianceStatus404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(p)}, nil
	}
	if err != nil {
		return nil, err
	}
	next, err := v2PageToken(ctx, s, resource, r.Next)
	if err != nil {
		return nil, err
	}
	return api.GetComplianceStatus200JSONResponse(toAPIComplianceReport(r, next)), nil
}
