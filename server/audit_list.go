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

// GetAuditLog reads the audit log, newest first, filtered by author and createdAt window: a
// page of JSON, or every matching entry as CSV.
func (s *Server) GetAuditLog(ctx context.Context, req api.GetAuditLogRequestObject) (api.GetAuditLogResponseObject, error) {
	if err := needPerm(ctx, auth.PermAuditView, false); err != nil {
		return nil, err
	}
	format, err := exportFormat(ctx, req.Params.Format)
	if err != nil {
		return nil, err
	}
	if err := unknownAuditFilter(ctx); err != nil {
		return nil, err
	}
	author, err := filterID(ctx, typeid.Person, "fields[author]", req.Params.FieldsAuthor)
	if err != nil {
		return nil, err
	}
	from, err := rptTimeParam(ctx, "fields[createdAt][from]", req.Params.FieldsCreatedAtFrom, false)
	if err != nil {
		return nil, err
	}
	to, err := rptTimeParam(ctx, "fields[createdAt][to]", req.Params.FieldsCreatedAtTo, true)
	if err != nil {
		return nil, err
	}
	if from != nil && to != nil && from.After(*to) {
		return nil, rptBadParam(ctx, "fields[createdAt][from]", "must not be after fields[createdAt][to]")
	}
	q := reports.AuditQuery{Author: author, From: from, To: to, Limit: auditDefaultLimit, Offset: deref(req.Params.Offset)}
	if format == formatCSV {
		return s.auditLogCSV(ctx, q)
	}
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
func unknownAuditFilter(ctx context.Context) error {
	vals, err := url.ParseQuery(queryFrom(ctx))
	if err != nil {
		return nil // the validator has already refused a malformed query
	}
	for name := range vals {
		if strings.HasPrefix(name, "fields[") && !auditFilters[name] {
			return fail(withFields(newProblem(ctx, kindBadRequest, "unknown audit filter "+name+"; use fields[author], fields[createdAt][from] or fields[createdAt][to]"),
				[]api.FieldError{{Parameter: &name, Detail: "unknown filter"}}))
		}
	}
	return nil
}
