package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/typeid"
)

// Request parsing and page writing both baselines share (mirrored and bare): they
// answer the same requests the same way and differ only in their SQL.

// cohortPatchRequest reads a cohort PATCH: the id, the merge patch and the version the
// client expects (If-Match, else a version member); false when it has answered.
func cohortPatchRequest(w http.ResponseWriter, r *http.Request, p principal) (uuid.UUID, map[string]json.RawMessage, int, bool) {
	if !p.canWrite() {
		problem(w, http.StatusForbidden, "this action needs the write scope and the manager role or above")
		return uuid.Nil, nil, 0, false
	}
	id, err := typeid.Parse(typeid.Cohort, r.PathValue("id"))
	if err != nil {
		problem(w, http.StatusBadRequest, "the id is malformed")
		return uuid.Nil, nil, 0, false
	}
	var patch map[string]json.RawMessage
	if err := json.NewDecoder(r.Body).Decode(&patch); err != nil {
		problem(w, http.StatusBadRequest, "malformed JSON")
		return uuid.Nil, nil, 0, false
	}
	expected := 0
	if im := r.Header.Get("If-Match"); im != "" {
		v, err := strconv.Atoi(strings.Trim(strings.TrimSpace(im), `"`))
		if err != nil || v < 1 {
			problem(w, http.StatusBadRequest, "If-Match must be one version as returned in ETag")
			return uuid.Nil, nil, 0, false
		}
		expected = v
	} else if raw, ok := patch["version"]; ok {
		if err := json.Unmarshal(raw, &expected); err != nil {
			problem(w, http.StatusBadRequest, "version must be an integer")
			return uuid.Nil, nil, 0, false
		}
	} else {
		problem(w, http.StatusPreconditionRequired, "send If-Match with the version you read, or a version field in the body")
		return uuid.Nil, nil, 0, false
	}
	return id, patch, expected, true
}

// writeCohortPage writes a page of cohorts; rows holds up to size+1 (one more means a
// next page, whose token is made from the page's last row).
func (b *baseline) writeCohortPage(w http.ResponseWriter, rows []cohortRow, size int) {
	out := cohortList{Data: make([]cohortOut, 0, size)}
	if len(rows) > size {
		rows = rows[:size]
		last := rows[size-1]
		tok, err := b.pages.Encode("cohorts", cursor{Order: "-created_at", Key: last.CreatedAt.UTC().Format(time.RFC3339Nano), ID: last.ID})
		if err != nil {
			serverError(w, err)
			return
		}
		out.NextPageToken, out.HasMore = &tok, true
	}
	for i := range rows {
		out.Data = append(out.Data, rows[i].out())
	}
	writeJSON(w, http.StatusOK, out)
}

// courseRequest reads a course GET's id, for course_view holders; false when it has
// answered.
func courseRequest(w http.ResponseWriter, r *http.Request, p principal) (uuid.UUID, bool) {
	if !needScope(w, p, false) {
		return uuid.Nil, false
	}
	id, err := typeid.Parse(typeid.Course, r.PathValue("courseId"))
	if err != nil {
		problem(w, http.StatusBadRequest, "courseId must be a crs_… id")
		return uuid.Nil, false
	}
	if !auth.Role(p.role).Can(auth.PermCourseView) {
		problem(w, http.StatusForbidden, "the baseline serves course_view holders only")
		return uuid.Nil, false
	}
	return id, true
}

// userAssignmentsRequest reads a user's assignment list request: the user (the caller, or
// another with user_assign) and the page size; false when it has answered.
func userAssignmentsRequest(w http.ResponseWriter, r *http.Request, p principal) (uuid.UUID, int, bool) {
	user, err := typeid.Parse(typeid.Person, r.PathValue("userId"))
	if err != nil {
		problem(w, http.StatusBadRequest, "userId is not a per_… id")
		return uuid.Nil, 0, false
	}
	if p.personID == user {
		if !needScope(w, p, false) {
			return uuid.Nil, 0, false
		}
	} else if !needPerm(w, p, auth.PermUserAssign, false) {
		return uuid.Nil, 0, false
	}
	limit, ok := v2Limit(w, r.URL.Query(), 20)
	return user, limit, ok
}

// complianceRequest reads a compliance report request: the course, the page size and the
// page token's scope; false when it has answered.
func complianceRequest(w http.ResponseWriter, r *http.Request, p principal) (uuid.UUID, int, string, bool) {
	if !needPerm(w, p, auth.PermCommonStat, false) {
		return uuid.Nil, 0, "", false
	}
	course, err := typeid.Parse(typeid.Course, r.PathValue("courseId"))
	if err != nil {
		problem(w, http.StatusBadRequest, "courseId must be a crs_… id")
		return uuid.Nil, 0, "", false
	}
	limit, ok := v2Limit(w, r.URL.Query(), 50)
	return course, limit, "compliance|" + course.String() + "|" + pageScope(r, "")[1:], ok
}
