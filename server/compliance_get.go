package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/reports"
	"github.com/learnd/learnd/typeid"
)

const (
	complianceDefaultLimit = 50
)

// GetComplianceStatus reports one course's compliance, optionally for one group: the totals
// and a page of rows as JSON, or every row as CSV.
func (s *Server) GetComplianceStatus(ctx context.Context, req api.GetComplianceStatusRequestObject) (api.GetComplianceStatusResponseObject, error) {
	if err := needPerm(ctx, auth.PermCommonStat, false); err != nil {
		return nil, err
	}
	format, err := exportFormat(ctx, req.Params.Format)
	if err != nil {
		return nil, err
	}
	course, err := typeid.Parse(typeid.Course, req.CourseId)
	if err != nil {
		return nil, rptBadParam(ctx, "courseId", "must be a crs_… id")
	}
	group, err := filterID(ctx, typeid.Group, "groupId", req.Params.GroupId)
	if err != nil {
		return nil, err
	}
	q := reports.ComplianceQuery{CourseID: course, GroupID: group, Limit: complianceDefaultLimit}
	if req.Params.Limit != nil {
		q.Limit = *req.Params.Limit
	}
	if req.Params.Status != nil {
		q.Status = string(*req.Params.Status)
	}
	if format == formatCSV {
		r, err := s.complianceCSV(ctx, q) // every row: the page size and token do not apply
		if err != nil {
			return nil, about(aboutPart(err, "group", "group "+deref(req.Params.GroupId)), "course "+req.CourseId)
		}
		return r, nil
	}
	// The token binds the course and every filter (not the page size).
	resource := "compliance|" + course.String()
	if q.After, err = v2PageCursor[store.NameCursor](ctx, s, resource, req.Params.PageToken); err != nil {
		return nil, rptBadParam(ctx, "pageToken", "is not a token this report issued for these filters")
	}
	r, err := s.reports.Compliance(ctx, q)
	if err != nil {
		return nil, about(aboutPart(err, "group", "group "+deref(req.Params.GroupId)), "course "+req.CourseId)
	}
	next, err := v2PageToken(ctx, s, resource, r.Next)
	if err != nil {
		return nil, err
	}
	return api.GetComplianceStatus200JSONResponse(toAPIComplianceReport(r, next)), nil
}
