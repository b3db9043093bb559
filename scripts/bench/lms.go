package main

// The baseline's LMS core hot paths (/api/v2): what learnd's handlers and store do per
// request, with no framework — the permission check, the ids, one transaction with the
// statements of lms_sql.go, the page token, and the JSON of learnd's API types (same
// members, same order; `bench load` compares the answers before measuring).

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/typeid"
)

// needPerm is server.needPerm: the read (or write) scope, then the role's permission.
func needPerm(w http.ResponseWriter, p principal, perm auth.Permission, write bool) bool {
	if !needScope(w, p, write) {
		return false
	}
	if !auth.Role(p.role).Can(perm) {
		problem(w, http.StatusForbidden, "this action needs the "+string(perm)+" permission, which the "+p.role+" role does not grant")
		return false
	}
	return true
}

func needScope(w http.ResponseWriter, p principal, write bool) bool {
	s := auth.ScopeRead
	if write {
		s = auth.ScopeWrite
	}
	for _, have := range p.scopes {
		if have == s {
			return true
		}
	}
	problem(w, http.StatusForbidden, "this action needs the "+s+" scope")
	return false
}

// v2Limit reads limit (default def, 1..50; the contract answers 400 outside).
func v2Limit(w http.ResponseWriter, q url.Values, def int) (int, bool) {
	s := q.Get("limit")
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 50 {
		problem(w, http.StatusBadRequest, "limit must be 1..50")
		return 0, false
	}
	return n, true
}

// pageScope binds a v2 page token to the list and every filter but pageToken and limit,
// as learnd's handlers do.
func pageScope(r *http.Request, resource string) string {
	vals, _ := url.ParseQuery(r.URL.RawQuery)
	vals.Del("pageToken")
	vals.Del("limit")
	sum := sha256.Sum256([]byte(vals.Encode()))
	return resource + "|" + hex.EncodeToString(sum[:8])
}

// ---- find_user: GET /api/v2/users?query=…&limit=…

type userGroupOut struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type userOut struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Email     string         `json:"email"`
	Role      string         `json:"role"`
	Status    string         `json:"status"`
	Groups    []userGroupOut `json:"groups"`
	BannedAt  *time.Time     `json:"bannedAt"`
	CreatedAt time.Time      `json:"createdAt"`
	UpdatedAt time.Time      `json:"updatedAt"`
	Version   int            `json:"version"`
}

type userList struct {
	Data          []userOut `json:"data"`
	NextPageToken *string   `json:"nextPageToken,omitempty"`
	HasMore       bool      `json:"hasMore"`
}

type peopleCursor struct {
	Name string    `json:"n"`
	ID   uuid.UUID `json:"i"`
}

func (b *baseline) findUsers(w http.ResponseWriter, r *http.Request, p principal) {
	if !needPerm(w, p, auth.PermUserView, false) {
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
	var after *peopleCursor
	if tok := q.Get("pageToken"); tok != "" {
		var c peopleCursor
		if err := b.pages.Decode(pageScope(r, "users"), tok, &c); err != nil {
			problem(w, http.StatusBadRequest, "pageToken is invalid, or was issued for another list or other filters")
			return
		}
		after = &c
	}
	var users []userOut
	var sortKeys []string
	err := b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		var rows pgx.Rows
		var err error
		pat := likeContains(query)
		switch {
		case query == "" && after == nil:
			rows, err = tx.Query(r.Context(), sqlFindUsers, p.tenant, limit+1)
		case after == nil:
			rows, err = tx.Query(r.Context(), sqlFindUsersQ, p.tenant, pat, pat, limit+1)
		case query == "":
			rows, err = tx.Query(r.Context(), sqlFindUsersAfter, p.tenant, after.Name, after.ID, limit+1)
		default:
			rows, err = tx.Query(r.Context(), sqlFindUsersQAfter, p.tenant, pat, pat, after.Name, after.ID, limit+1)
		}
		if err != nil {
			return err
		}
		ids := make([]uuid.UUID, 0, limit+1)
		for rows.Next() {
			var u userOut
			var id uuid.UUID
			var bannedBy, createdBy, updatedBy *uuid.UUID
			var key string
			if err := rows.Scan(&id, &u.Name, &u.Email, &u.Role, &u.Status, &u.BannedAt, &bannedBy, &u.CreatedAt, &u.UpdatedAt,
				&createdBy, &updatedBy, &u.Version, &key); err != nil {
				rows.Close()
				return err
			}
			u.ID = typeid.Format(typeid.Person, id)
			u.Groups = []userGroupOut{}
			users = append(users, u)
			ids = append(ids, id)
			sortKeys = append(sortKeys, key)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(users) > limit {
			users, ids = users[:limit], ids[:limit]
		}
		if len(ids) == 0 {
			return nil
		}
		at := make(map[uuid.UUID]int, len(ids))
		for i, id := range ids {
			at[id] = i
		}
		rows, err = tx.Query(r.Context(), sqlUserGroups, ids)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var uid, gid uuid.UUID
			var g userGroupOut
			if err := rows.Scan(&uid, &gid, &g.Name, &g.Kind); err != nil {
				return err
			}
			g.ID = typeid.Format(typeid.Group, gid)
			i := at[uid]
			users[i].Groups = append(users[i].Groups, g)
		}
		return rows.Err()
	})
	if err != nil {
		serverError(w, err)
		return
	}
	out := userList{Data: users}
	if out.Data == nil {
		out.Data = []userOut{}
	}
	if len(sortKeys) > limit {
		last := users[limit-1]
		id, _ := typeid.Parse(typeid.Person, last.ID)
		tok, err := b.pages.Encode(pageScope(r, "users"), peopleCursor{Name: sortKeys[limit-1], ID: id})
		if err != nil {
			serverError(w, err)
			return
		}
		out.NextPageToken, out.HasMore = &tok, true
	}
	writeJSON(w, http.StatusOK, out)
}

// likeContains is store.likeContains: s anywhere, LIKE's wildcards escaped.
func likeContains(s string) string {
	out := make([]byte, 0, len(s)+2)
	out = append(out, '%')
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\', '%', '_':
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(append(out, '%'))
}

// ---- list_assignments: GET /api/v2/users/{userId}/courses/assignments?limit=…

type assignmentOut struct {
	ID            string     `json:"id"`
	CourseID      string     `json:"courseId"`
	CourseName    string     `json:"courseName"`
	UserID        string     `json:"userId"`
	UserName      string     `json:"userName"`
	GroupID       *string    `json:"groupId,omitempty"`
	ChainID       *string    `json:"chainId,omitempty"`
	ChainPosition *int       `json:"chainPosition,omitempty"`
	Locked        bool       `json:"locked"`
	Status        string     `json:"status"`
	AssignedAt    time.Time  `json:"assignedAt"`
	StartAt       *time.Time `json:"startAt,omitempty"`
	DueAt         *time.Time `json:"dueAt,omitempty"`
	StartedAt     *time.Time `json:"startedAt,omitempty"`
	CompletedAt   *time.Time `json:"completedAt,omitempty"`
	Score         *float64   `json:"score,omitempty"`
	ProgressPct   int        `json:"progressPct"`
	PointsAwarded int        `json:"pointsAwarded"`
}

type assignmentList struct {
	Data          []assignmentOut `json:"data"`
	NextPageToken *string         `json:"nextPageToken,omitempty"`
	HasMore       bool            `json:"hasMore"`
}

// idCursor is learning.Cursor as the assignment lists sign it (order -id).
type idCursor struct {
	Order string    `json:"o"`
	Key   string    `json:"k,omitempty"`
	ID    uuid.UUID `json:"i"`
}

func (b *baseline) listUserAssignments(w http.ResponseWriter, r *http.Request, p principal) {
	user, limit, ok := userAssignmentsRequest(w, r, p)
	if !ok {
		return
	}
	var err error
	q := r.URL.Query()
	resource := "assignments:user:" + user.String()
	var after *uuid.UUID
	if tok := q.Get("pageToken"); tok != "" {
		var c idCursor
		if err := b.pages.Decode(pageScope(r, resource), tok, &c); err != nil || c.Order != "-id" {
			problem(w, http.StatusBadRequest, "pageToken is invalid, or was issued for another list or other filters")
			return
		}
		after = &c.ID
	}
	var items []assignmentOut
	notFound := false
	err = b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		var one int
		if err := tx.QueryRow(r.Context(), sqlUserExists, user).Scan(&one); errors.Is(err, pgx.ErrNoRows) {
			notFound = true
			return nil
		} else if err != nil {
			return err
		}
		args := pgx.NamedArgs{"limit": limit + 1, "user": user, "now": time.Now().UTC().Truncate(time.Microsecond)}
		sql := sqlUserAssignments
		if after != nil {
			sql, args["after"] = sqlUserAssignmentsAfter, *after
		}
		rows, err := tx.Query(r.Context(), sql, args)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a assignmentOut
			var id, courseID, userID uuid.UUID
			var groupID, chainID *uuid.UUID
			if err := rows.Scan(&id, &userID, &a.UserName, &courseID, &a.CourseName, &groupID, &chainID, &a.ChainPosition,
				&a.Locked, &a.Status, &a.AssignedAt, &a.StartAt, &a.DueAt, &a.StartedAt, &a.CompletedAt, &a.Score,
				&a.PointsAwarded, &a.ProgressPct); err != nil {
				return err
			}
			a.ID, a.CourseID, a.UserID = typeid.Format(typeid.Assignment, id), typeid.Format(typeid.Course, courseID), typeid.Format(typeid.Person, userID)
			a.GroupID, a.ChainID = idOut(typeid.Group, groupID), idOut(typeid.Chain, chainID)
			items = append(items, a)
		}
		return rows.Err()
	})
	switch {
	case err != nil:
		serverError(w, err)
		return
	case notFound:
		problem(w, http.StatusNotFound, "user "+r.PathValue("userId")+" not found")
		return
	}
	out := assignmentList{Data: items}
	if out.Data == nil {
		out.Data = []assignmentOut{}
	}
	if len(items) > limit {
		out.Data = items[:limit]
		id, _ := typeid.Parse(typeid.Assignment, items[limit-1].ID)
		tok, err := b.pages.Encode(pageScope(r, resource), idCursor{Order: "-id", ID: id})
		if err != nil {
			serverError(w, err)
			return
		}
		out.NextPageToken, out.HasMore = &tok, true
	}
	writeJSON(w, http.StatusOK, out)
}
