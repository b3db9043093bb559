package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/reports"
	"github.com/learnd/learnd/typeid"
)

// The reports' CSV answers: their columns (the JSON items' fields, same names), the
// converters of a row to its cells, and the generated text/csv responses named as
// attachments.

// auditCSVHeader are the audit log's CSV columns; before and after are compact JSON.
var auditCSVHeader = []string{"id", "createdAt", "actorId", "appId", "keyId", "surface", "action",
	"targetType", "targetId", "before", "after", "requestId"}

// toCSVAuditEntry is an audit entry's CSV row.
func toCSVAuditEntry(e reports.AuditLogEntry) []string {
	return []string{
		typeid.Format(typeid.Audit, e.ID), csvTime(e.CreatedAt), csvID(typeid.Person, e.ActorID), csvTextPtr(e.AppID),
		csvID(typeid.APIKey, e.KeyID), csvText(e.Surface), csvText(e.Action), csvText(e.TargetType), csvTextPtr(e.TargetID),
		csvJSON(e.Before), csvJSON(e.After), csvTextPtr(e.RequestID),
	}
}

// csvJSON is a JSON view as compact JSON text ("" when absent).
func csvJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return csvText(string(raw))
	}
	return csvText(b.String())
}

// auditLogCSV streams the audit entries q selects (all of them: no limit, no offset).
func (s *Server) auditLogCSV(ctx context.Context, q reports.AuditQuery) (api.GetAuditLogResponseObject, error) {
	body, err := s.streamCSV(ctx, auditCSVHeader, func(ctx context.Context, emit func([]string) error) error {
		return s.reports.AuditEach(ctx, q, func(e reports.AuditLogEntry) error { return emit(toCSVAuditEntry(e)) })
	})
	if err != nil {
		return nil, err
	}
	return auditLogCSVResponse{api.GetAuditLog200TextcsvResponse{Body: body}}, nil
}

// auditLogCSVResponse is the generated text/csv response of the audit log, a download.
type auditLogCSVResponse struct {
	api.GetAuditLog200TextcsvResponse
}

func (r auditLogCSVResponse) VisitGetAuditLogResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Disposition", attachment("audit-log.csv"))
	return r.GetAuditLog200TextcsvResponse.VisitGetAuditLogResponse(w)
}

// complianceCSVHeader are the compliance report's CSV columns (its users' fields).
var complianceCSVHeader = []string{"userId", "assignmentId", "name", "email", "status", "assignedAt",
	"startAt", "dueAt", "startedAt", "completedAt", "score"}

// toCSVComplianceRow is a compliance row's CSV row.
func toCSVComplianceRow(r reports.ComplianceRow) []string {
	return []string{
		typeid.Format(typeid.Person, r.UserID), typeid.Format(typeid.Assignment, r.AssignmentID), csvText(r.Name),
		csvText(r.Email), csvText(r.Status), csvTime(r.AssignedAt), csvTimePtr(r.StartAt), csvTimePtr(r.DueAt),
		csvTimePtr(r.StartedAt), csvTimePtr(r.CompletedAt), csvNumber(r.Score),
	}
}

// complianceCSV streams the compliance rows q selects (all of them: no limit, no page).
func (s *Server) complianceCSV(ctx context.Context, q reports.ComplianceQuery) (api.GetComplianceStatusResponseObject, error) {
	body, err := s.streamCSV(ctx, complianceCSVHeader, func(ctx context.Context, emit func([]string) error) error {
		return s.reports.ComplianceEach(ctx, q, func(r reports.ComplianceRow) error { return emit(toCSVComplianceRow(r)) })
	})
	if err != nil {
		return nil, err
	}
	return complianceCSVResponse{api.GetComplianceStatus200TextcsvResponse{Body: body},
		"compliance-" + typeid.Format(typeid.Course, q.CourseID) + ".csv"}, nil
}

// complianceCSVResponse is the generated text/csv response of the compliance report, a
// download named after the course.
type complianceCSVResponse struct {
	api.GetComplianceStatus200TextcsvResponse
	filename string
}

func (r complianceCSVResponse) VisitGetComplianceStatusResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Disposition", attachment(r.filename))
	return r.GetComplianceStatus200TextcsvResponse.VisitGetComplianceStatusResponse(w)
}
