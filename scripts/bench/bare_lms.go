package main

// The bare baseline's LMS hot paths (/api/v2): the same checks and JSON as lms.go, one
// statement each (bare_sql.go).

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/typeid"
)

func (b *baseline) bareFindUsers(w http.ResponseWriter, r *http.Request, p principal) {
	if !bareTenantOnly(w, p) || !needPerm(w, p, auth.PermUserView, false) {
		return
	}
	q := r.URL.Query()
	limit, ok := v2Limit(w, q, 20)
	if !ok {
		return
	}
	query := q.Get("query")
	if q.Has("query") && (query == "" || len([]rune(query)) > 200) {
		problem(w, http.StatusBadRequest, "query must be 1..200 characters")
		return
	}
	sql, args := bareFindUsersHead, []any{p.tenant, limit + 1}
	if query != "" {
		sql, args = sql+bareFindUsersQuery, append(args, likeContains(query))
	}
	if tok := q.Get("pageToken"); tok != "" {
		var c peopleCursor
		if err := b.pages.Decode(pageScope(r, "users"), tok, &c); err != nil {
			problem(w, http.StatusBadRequest, "pageToken is invalid, or was issued for another list or other filters")
			return
		}
		args = append(args, c.Name, c.ID)
		sql += " AND (lower(u.name), u.id) > ($" + strconv.Itoa(len(args)-1) + ", $" + strconv.Itoa(len(args)) + ")"
	}
	rows, err := b.pool.Query(r.Context(), sql+bareFindUsersTail, args...)
	if err != nil {
		serverError(w, err)
		return
	}
	out := userList{Data: make([]userOut, 0, limit+1)}
	var ids []uuid.UUID
	var keys []string
	for rows.Next() {
		var u userOut
		var id uuid.UUID
		var key string
		var groups []byte
		if err := rows.Scan(&id, &u.Name, &u.Email, &u.Role, &u.Status, &u.BannedAt, &u.CreatedAt, &u.UpdatedAt, &u.Version, &key, &groups); err != nil {
			rows.Close()
			serverError(w, err)
			return
		}
		u.ID, u.Groups = typeid.Format(typeid.Person, id), []userGroupOut{}
		if groups != nil {
			var gs [][3]string // [id, name, kind]
			if err := json.Unmarshal(groups, &gs); err != nil {
				rows.Close()
				serverError(w, err)
				return
			}
			for _, g := range gs {
				gid, err := uuid.Parse(g[0])
				if err != nil {
					rows.Close()
					serverError(w, err)
					return
				}
				u.Groups = append(u.Groups, userGroupOut{ID: typeid.Format(typeid.Group, gid), Name: g[1], Kind: g[2]})
			}
		}
		out.Data, ids, keys = append(out.Data, u), append(ids, id), append(keys, key)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		serverError(w, err)
		return
	}
	if len(out.Data) > limit {
		out.Data = out.Data[:limit]
		tok, err := b.pages.Encode(pageScope(r, "users"), peopleCursor{Name: keys[limit-1], ID: ids[limit-1]})
		if err != nil {
			serverError(w, err)
			return
		}
		out.NextPageToken, out.HasMore = &tok, true
	}
	writeJSON(w, http.StatusOK, out)
}

func (b *baseline) bareListUserAssignments(w http.ResponseWriter, r *http.Request, p principal) {
	if !bareTenantOnly(w, p) {
		return
	}
	user, limit, ok := userAssignmentsRequest(w, r, p)
	if !ok {
		return
	}
	var err error
	q := r.URL.Query()
	resource := "assignments:user:" + user.String()
	args := pgx.NamedArgs{"tenant": p.tenant, "limit": limit + 1, "user": user, "now": time.Now().UTC().Truncate(time.Microsecond)}
	sql := bareUserAssignments
	if tok := q.Get("pageToken"); tok != "" {
		var c idCursor
		if err := b.pages.Decode(pageScope(r, resource), tok, &c); err != nil || c.Order != "-id" {
			problem(w, http.StatusBadRequest, "pageToken is invalid, or was issued for another list or other filters")
			return
		}
		sql, args["after"] = bareUserAssignmentsAfter, c.ID
	}
	rows, err := b.pool.Query(r.Context(), sql, args)
	if err != nil {
		serverError(w, err)
		return
	}
	out := assignmentList{Data: make([]assignmentOut, 0, limit+1)}
	for rows.Next() {
		var a assignmentOut
		var id, courseID, userID uuid.UUID
		var groupID, chainID *uuid.UUID
		if err := rows.Scan(&id, &userID, &a.UserName, &courseID, &a.CourseName, &groupID, &chainID, &a.ChainPosition,
			&a.Locked, &a.Status, &a.AssignedAt, &a.StartAt, &a.DueAt, &a.StartedAt, &a.CompletedAt, &a.Score,
			&a.PointsAwarded, &a.ProgressPct); err != nil {
			rows.Close()
			serverError(w, err)
			return
		}
		a.ID, a.CourseID, a.UserID = typeid.Format(typeid.Assignment, id), typeid.Format(typeid.Course, courseID), typeid.Format(typeid.Person, userID)
		a.GroupID, a.ChainID = idOut(typeid.Group, groupID), idOut(typeid.Chain, chainID)
		out.Data = append(out.Data, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		serverError(w, err)
		return
	}
	if len(out.Data) == 0 { // an empty page: is there such a user at all?
		var one int
		if err := b.pool.QueryRow(r.Context(), bareUserExists, p.tenant, user).Scan(&one); errors.Is(err, pgx.ErrNoRows) {
			problem(w, http.StatusNotFound, "user "+r.PathValue("userId")+" not found")
			return
		} else if err != nil {
			serverError(w, err)
			return
		}
	}
	if len(out.Data) > limit {
		out.Data = out.Data[:limit]
		id, _ := typeid.Parse(typeid.Assignment, out.Data[limit-1].ID)
		tok, err := b.pages.Encode(pageScope(r, resource), idCursor{Order: "-id", ID: id})
		if err != nil {
			serverError(w, err)
			return
		}
		out.NextPageToken, out.HasMore = &tok, true
	}
	writeJSON(w, http.StatusOK, out)
}

// bareComplianceRow is a row of the report's page as the statement's json_agg writes it.
type bareComplianceRow struct {
	UserID       uuid.UUID  `json:"user_id"`
	AssignmentID uuid.UUID  `json:"assignment_id"`
	Name         string     `json:"name"`
	Email        string     `json:"email"`
	Status       string     `json:"status"`
	CreatedAt    time.Time  `json:"created_at"`
	StartAt      *time.Time `json:"start_at"`
	DueAt        *time.Time `json:"due_at"`
	StartedAt    *time.Time `json:"started_at"`
	CompletedAt  *time.Time `json:"completed_at"`
	Score        *float64   `json:"score"`
	SortName     string     `json:"sort_name"`
}

func (b *baseline) bareCompliance(w http.ResponseWriter, r *http.Request, p principal) {
	if !bareTenantOnly(w, p) {
		return
	}
	course, limit, scope, ok := complianceRequest(w, r, p)
	if !ok {
		return
	}
	var err error
	q := r.URL.Query()
	at := time.Now().UTC().Truncate(time.Microsecond)
	sql, args := bareComplianceHead, []any{at, course, p.tenant, limit + 1}
	if tok := q.Get("pageToken"); tok != "" {
		var c peopleCursor
		if err := b.pages.Decode(scope, tok, &c); err != nil {
			problem(w, http.StatusBadRequest, "pageToken is not a token this report issued for these filters")
			return
		}
		sql, args = sql+bareComplianceAfter, append(args, c.Name, c.ID)
	}
	out := complianceReport{CourseID: typeid.Format(typeid.Course, course), Users: make([]complianceUser, 0, limit)}
	t := &out.Totals
	var page []byte
	err = b.pool.QueryRow(r.Context(), sql+bareComplianceTail, args...).
		Scan(&out.CourseName, &t.Assigned, &t.Scheduled, &t.Completed, &t.Overdue, &t.InProgress, &t.NotStarted, &t.Expired, &page)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		problem(w, http.StatusNotFound, "course "+r.PathValue("courseId")+" not found")
		return
	case err != nil:
		serverError(w, err)
		return
	}
	var rows []bareComplianceRow
	if page != nil {
		if err := json.Unmarshal(page, &rows); err != nil {
			serverError(w, err)
			return
		}
	}
	for i, c := range rows {
		if i == limit {
			last := rows[limit-1]
			tok, err := b.pages.Encode(scope, peopleCursor{Name: last.SortName, ID: last.UserID})
			if err != nil {
				serverError(w, err)
				return
			}
			out.NextPageToken, out.HasMore = &tok, true
			break
		}
		out.Users = append(out.Users, complianceUser{
			UserID: typeid.Format(typeid.Person, c.UserID), AssignmentID: typeid.Format(typeid.Assignment, c.AssignmentID),
			Name: c.Name, Email: c.Email, Status: c.Status, AssignedAt: c.CreatedAt, StartAt: c.StartAt, DueAt: c.DueAt,
			StartedAt: c.StartedAt, CompletedAt: c.CompletedAt, Score: c.Score,
		})
	}
	out.CompletionPct = reportPct(out.Totals.Completed, out.Totals.Assigned)
	writeJSON(w, http.StatusOK, out)
}
