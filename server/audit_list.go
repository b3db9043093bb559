package server

import (
	"context"
	"net/url"
	"strings"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/reports"
	"github.com/learnd/learnd/typeid"
)

const auditDefaultLimit = 50

// GetAuditLog reads the audit log, newest first, filtered by author and createdAt window.
func (s *Server) GetAuditLog(ctx context.Context, req api.GetAuditLogRequestObject) (api.GetAuditLogResponseObject, error) {
	bad := func(p *api.Problem) (api.GetAuditLogResponseObject, error) {
		return api.GetAuditLog400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*p)}, nil
	}
	if p := needPerm(ctx, auth.PermAuditView, false); p != nil {
		return api.GetAuditLog403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*p)}, nil
	}
	if p := unknownAuditFilter(ctx); p != nil {
		return bad(p)
	}
	author, p := filterID(ctx, typeid.Person, "fields[author]", req.Params.FieldsAuthor)
	if p != nil {
		return bad(p)
	}
	from, p := rptTimeParam(ctx, "fields[createdAt][from]", req.Params.FieldsCreatedAtFrom, false)
	if p != nil {
		return bad(p)
	}
	to, p := rptTimeParam(ctx, "fields[createdAt][to]", req.Params.FieldsCreatedAtTo, true)
	if p != nil {
		return bad(p)
	}
	if from != nil && to != nil && from.After(*to) {
		return bad(rptBadParam(ctx, "fields[createdAt][from]", "must not be after fields[createdAt][to]"))
	}
	q := reports.AuditQuery{Author: author, From: from, To: to, Limit: auditDefaultLimit, Offset: deref(req.Params.Offset)}
	if req.Params.Limit != nil {
		q.Limit = *req.Params.Limit
	}
	page, err := s.reports.AuditLog(ctx, q)
	if err != nil {
		return nil, err
	}
	return api.GetAuditLog200JSONResponse(toAPIAuditLogPage(page, q.Limit, q.Offset)), nil
}

// auditFilters are the fields[…] filters the audit log knows (seed 003).
var auditFilters = map[string]bool{"fields[author]": true, "fields[createdAt][from]": true, "fields[createdAt][to]": true}

// unknownAuditFilter answers 400 for a fields[…] filter the audit log does not know: a
// mistyped filter must not silently return the unfiltered log to an investigator.
func unknownAuditFilter(ctx context.Context) *api.Problem {
	vals, err := url.ParseQuery(queryFrom(ctx))
	if err != nil {
		return nil // the validator has already refused a malformed query
	}
	for name := range vals {
		if strings.HasPrefix(name, "fields[") && !auditFilters[name] {
			pr := withFields(newProblem(ctx, kindBadRequest, "unknown audit filter "+name+"; use fields[author], fields[createdAt][from] or fields[createdAt][to]"),
				[]api.FieldError{{Parameter: &name, Detail: "unknown filter"}})
			return &pr
		}
	}
	return nil
}
