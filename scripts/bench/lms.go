package main

// The baseline's LMS core hot paths (/api/v2): what learnd's handlers and store do per
// request, with no framework — the permission check, the ids, one transaction with the
// statements of lms_sql.go, the page token, and the JSON of learnd's API types (same
// members, same order; `bench load` compares the answers before measuring).

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
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

// idCursor is store.Cursor as the assignment lists sign it (order -id).
type idCursor struct {
	Order string    `json:"o"`
	Key   string    `json:"k,omitempty"`
	ID    uuid.UUID `json:"i"`
}

func (b *baseline) listUserAssignments(w http.ResponseWriter, r *http.Request, p principal) {
	user, err := typeid.Parse(typeid.Person, r.PathValue("userId"))
	if err != nil {
		problem(w, http.StatusBadRequest, "userId is not a per_… id")
		return
	}
	if p.personID == user {
		if !needScope(w, p, false) {
			return
		}
	} else if !needPerm(w, p, auth.PermUserAssign, false) {
		return
	}
	q := r.URL.Query()
	limit, ok := v2Limit(w, q, 20)
	if !ok {
		return
	}
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

// ---- compliance: GET /api/v2/courses/{courseId}/statistics/users

type complianceTotals struct {
	Assigned   int `json:"assigned"`
	Completed  int `json:"completed"`
	InProgress int `json:"inProgress"`
	NotStarted int `json:"notStarted"`
	Overdue    int `json:"overdue"`
	Scheduled  int `json:"scheduled"`
}

type complianceUser struct {
	UserID       string     `json:"userId"`
	AssignmentID string     `json:"assignmentId"`
	Name         string     `json:"name"`
	Email        string     `json:"email"`
	Status       string     `json:"status"`
	AssignedAt   time.Time  `json:"assignedAt"`
	StartAt      *time.Time `json:"startAt,omitempty"`
	DueAt        *time.Time `json:"dueAt,omitempty"`
	StartedAt    *time.Time `json:"startedAt,omitempty"`
	CompletedAt  *time.Time `json:"completedAt,omitempty"`
	Score        *float64   `json:"score,omitempty"`
}

type complianceReport struct {
	CourseID      string           `json:"courseId"`
	CourseName    string           `json:"courseName"`
	GroupID       *string          `json:"groupId,omitempty"`
	Totals        complianceTotals `json:"totals"`
	CompletionPct float64          `json:"completionPct"`
	Users         []complianceUser `json:"users"`
	NextPageToken *string          `json:"nextPageToken,omitempty"`
	HasMore       bool             `json:"hasMore"`
}

func (b *baseline) compliance(w http.ResponseWriter, r *http.Request, p principal) {
	if !needPerm(w, p, auth.PermCommonStat, false) {
		return
	}
	course, err := typeid.Parse(typeid.Course, r.PathValue("courseId"))
	if err != nil {
		problem(w, http.StatusBadRequest, "courseId must be a crs_… id")
		return
	}
	q := r.URL.Query()
	limit, ok := v2Limit(w, q, 50)
	if !ok {
		return
	}
	scope := "compliance|" + course.String() + "|" + pageScope(r, "")[1:]
	var afterName *string
	var afterID *uuid.UUID
	if tok := q.Get("pageToken"); tok != "" {
		var c peopleCursor
		if err := b.pages.Decode(scope, tok, &c); err != nil {
			problem(w, http.StatusBadRequest, "pageToken is not a token this report issued for these filters")
			return
		}
		afterName, afterID = &c.Name, &c.ID
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	out := complianceReport{CourseID: typeid.Format(typeid.Course, course), Users: make([]complianceUser, 0, limit)}
	var next *peopleCursor
	notFound := false
	err = b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		err := tx.QueryRow(r.Context(), sqlComplianceCourse, course).Scan(&out.CourseName)
		if errors.Is(err, pgx.ErrNoRows) {
			notFound = true
			return nil
		}
		if err != nil {
			return err
		}
		var group *uuid.UUID
		t := &out.Totals
		var notStarted int
		if err := tx.QueryRow(r.Context(), sqlComplianceTotals, at, course, group).
			Scan(&t.Assigned, &t.Scheduled, &t.Completed, &t.Overdue, &t.InProgress, &notStarted); err != nil {
			return err
		}
		t.NotStarted = notStarted
		var status *string
		rows, err := tx.Query(r.Context(), sqlComplianceRows, at, course, group, status, afterName, afterID, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		var sortName, lastSort string
		var lastID uuid.UUID
		for rows.Next() {
			var c complianceUser
			var uid, aid uuid.UUID
			if err := rows.Scan(&uid, &aid, &c.Name, &c.Email, &c.Status, &c.AssignedAt, &c.StartAt, &c.DueAt,
				&c.StartedAt, &c.CompletedAt, &c.Score, &sortName); err != nil {
				return err
			}
			if len(out.Users) == limit {
				next = &peopleCursor{Name: lastSort, ID: lastID}
				break
			}
			c.UserID, c.AssignmentID = typeid.Format(typeid.Person, uid), typeid.Format(typeid.Assignment, aid)
			out.Users = append(out.Users, c)
			lastSort, lastID = sortName, uid
		}
		return rows.Err()
	})
	switch {
	case err != nil:
		serverError(w, err)
		return
	case notFound:
		problem(w, http.StatusNotFound, "course "+r.PathValue("courseId")+" not found")
		return
	}
	out.CompletionPct = reportPct(out.Totals.Completed, out.Totals.Assigned)
	if next != nil {
		tok, err := b.pages.Encode(scope, next)
		if err != nil {
			serverError(w, err)
			return
		}
		out.NextPageToken, out.HasMore = &tok, true
	}
	writeJSON(w, http.StatusOK, out)
}

// reportPct is store.ReportPct.
func reportPct(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return math.Round(float64(part)*1000/float64(whole)) / 10
}

// ---- get_course: GET /api/v2/courses/{courseId}

type courseSettingsOut struct {
	PassingScore              int  `json:"passingScore"`
	CertificateOnCompletion   bool `json:"certificateOnCompletion"`
	CertificateValidityMonths *int `json:"certificateValidityMonths,omitempty"`
	Points                    int  `json:"points"`
}

type courseShareOut struct {
	UserID    string    `json:"userId"`
	CreatedAt time.Time `json:"createdAt"`
	CreatedBy *string   `json:"createdBy,omitempty"`
}

type lessonBriefOut struct {
	Topic          string   `json:"topic,omitempty"`
	Title          string   `json:"title,omitempty"`
	Description    string   `json:"description,omitempty"`
	KeyPoints      []string `json:"keyPoints,omitempty"`
	TargetAudience string   `json:"targetAudience,omitempty"`
}

type lessonPageOut struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

type quizOptionOut struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	Correct *bool  `json:"correct,omitempty"`
}

type quizQuestionOut struct {
	ID        string          `json:"id"`
	ElementID string          `json:"elementId"`
	Kind      string          `json:"kind"`
	Text      string          `json:"text"`
	Options   []quizOptionOut `json:"options"`
	Weight    float64         `json:"weight"`
	Position  int             `json:"position"`
}

type courseElementOut struct {
	ID        string            `json:"id"`
	SectionID string            `json:"sectionId"`
	Kind      string            `json:"kind"`
	Title     string            `json:"title"`
	Position  int               `json:"position"`
	Required  bool              `json:"required"`
	Brief     *lessonBriefOut   `json:"brief,omitempty"`
	Pages     []lessonPageOut   `json:"pages"`
	Questions []quizQuestionOut `json:"questions"`
}

type courseSectionOut struct {
	ID       string             `json:"id"`
	Title    string             `json:"title"`
	Position int                `json:"position"`
	Elements []courseElementOut `json:"elements"`
}

type courseTransitionOut struct {
	FromElementID string `json:"fromElementId"`
	ToElementID   string `json:"toElementId"`
}

type courseStructureOut struct {
	Sections    []courseSectionOut    `json:"sections"`
	Transitions []courseTransitionOut `json:"transitions"`
}

type courseOut struct {
	ID          string             `json:"id"`
	Name        string             `json:"name"`
	Annotation  *string            `json:"annotation,omitempty"`
	Status      string             `json:"status"`
	Tags        []string           `json:"tags"`
	OwnerID     string             `json:"ownerId"`
	Shares      []courseShareOut   `json:"shares"`
	Settings    courseSettingsOut  `json:"settings"`
	PublishedAt *time.Time         `json:"publishedAt,omitempty"`
	CreatedAt   time.Time          `json:"createdAt"`
	UpdatedAt   time.Time          `json:"updatedAt"`
	CreatedBy   *string            `json:"createdBy,omitempty"`
	UpdatedBy   *string            `json:"updatedBy,omitempty"`
	Version     int                `json:"version"`
	Structure   courseStructureOut `json:"structure"`
}

// storedOption is an option as quiz_questions.options stores it.
type storedOption struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	Correct bool   `json:"correct"`
}

// getCourse serves a course with its shares and structure to a course_view holder (the
// benchmark's admins); a learner's path (published and assigned only) is not part of the
// benchmark and answers 403 here.
func (b *baseline) getCourse(w http.ResponseWriter, r *http.Request, p principal) {
	if !needScope(w, p, false) {
		return
	}
	id, err := typeid.Parse(typeid.Course, r.PathValue("courseId"))
	if err != nil {
		problem(w, http.StatusBadRequest, "courseId must be a crs_… id")
		return
	}
	if !auth.Role(p.role).Can(auth.PermCourseView) {
		problem(w, http.StatusForbidden, "the baseline serves course_view holders only")
		return
	}
	c := courseOut{Shares: []courseShareOut{}}
	found := false
	type elem struct {
		courseElementOut
		section uuid.UUID
		id      uuid.UUID
	}
	type qst struct {
		quizQuestionOut
		element uuid.UUID
	}
	var (
		sectionIDs []uuid.UUID
		sections   []courseSectionOut
		elements   []elem
		questions  []qst
	)
	c.Structure.Transitions = []courseTransitionOut{}
	err = b.inTenant(r.Context(), p, func(tx pgx.Tx) error {
		bt := &pgx.Batch{}
		bt.Queue(sqlCourse, id).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				found = true
				var cid, owner uuid.UUID
				var createdBy, updatedBy, deletedBy *uuid.UUID
				var deleted bool
				var deletedAt *time.Time
				var settings []byte
				if err := rows.Scan(&cid, &c.Name, &c.Annotation, &c.Status, &c.Tags, &owner, &settings, &c.PublishedAt,
					&c.CreatedAt, &c.UpdatedAt, &createdBy, &updatedBy, &c.Version, &deleted, &deletedAt, &deletedBy); err != nil {
					return err
				}
				c.ID, c.OwnerID = typeid.Format(typeid.Course, cid), typeid.Format(typeid.Person, owner)
				c.CreatedBy, c.UpdatedBy = idOut(typeid.Person, createdBy), idOut(typeid.Person, updatedBy)
				if c.Tags == nil {
					c.Tags = []string{}
				}
				c.Settings = courseSettingsOut{PassingScore: 70} // store.DefaultCourseSettings under the stored members
				if settings != nil {
					if err := json.Unmarshal(settings, &c.Settings); err != nil {
						return err
					}
				}
			}
			return rows.Err()
		})
		bt.Queue(sqlCourseShares, id).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var s courseShareOut
				var uid uuid.UUID
				var by *uuid.UUID
				if err := rows.Scan(&uid, &s.CreatedAt, &by); err != nil {
					return err
				}
				s.UserID, s.CreatedBy = typeid.Format(typeid.Person, uid), idOut(typeid.Person, by)
				c.Shares = append(c.Shares, s)
			}
			return rows.Err()
		})
		bt.Queue(sqlCourseSections, id).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var s courseSectionOut
				var sid uuid.UUID
				if err := rows.Scan(&sid, &s.Title); err != nil {
					return err
				}
				s.ID, s.Elements = typeid.Format(typeid.Section, sid), []courseElementOut{}
				sectionIDs, sections = append(sectionIDs, sid), append(sections, s)
			}
			return rows.Err()
		})
		bt.Queue(sqlCourseElements, id).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var e elem
				var brief, pages []byte
				if err := rows.Scan(&e.id, &e.section, &e.Kind, &e.Title, &e.Required, &brief, &pages, new(time.Time), new(time.Time)); err != nil {
					return err
				}
				if brief != nil && string(brief) != "null" {
					e.Brief = &lessonBriefOut{}
					if err := json.Unmarshal(brief, e.Brief); err != nil {
						return err
					}
				}
				if err := json.Unmarshal(pages, &e.Pages); err != nil {
					return err
				}
				if e.Pages == nil {
					e.Pages = []lessonPageOut{}
				}
				e.ID, e.SectionID, e.Questions = typeid.Format(typeid.Element, e.id), typeid.Format(typeid.Section, e.section), []quizQuestionOut{}
				elements = append(elements, e)
			}
			return rows.Err()
		})
		bt.Queue(sqlCourseQuestions, id).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var q qst
				var qid uuid.UUID
				var opts []byte
				if err := rows.Scan(&qid, &q.element, &q.Kind, &q.Text, &opts, &q.Weight, new(*uuid.UUID)); err != nil {
					return err
				}
				var stored []storedOption
				if err := json.Unmarshal(opts, &stored); err != nil {
					return err
				}
				q.Options = make([]quizOptionOut, len(stored))
				for i, o := range stored {
					q.Options[i] = quizOptionOut{ID: o.ID, Text: o.Text, Correct: &stored[i].Correct}
				}
				q.ID, q.ElementID = typeid.Format(typeid.Question, qid), typeid.Format(typeid.Element, q.element)
				questions = append(questions, q)
			}
			return rows.Err()
		})
		bt.Queue(sqlCourseTransitions, id).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var from, to uuid.UUID
				if err := rows.Scan(&from, &to); err != nil {
					return err
				}
				c.Structure.Transitions = append(c.Structure.Transitions,
					courseTransitionOut{FromElementID: typeid.Format(typeid.Element, from), ToElementID: typeid.Format(typeid.Element, to)})
			}
			return rows.Err()
		})
		return tx.SendBatch(r.Context(), bt).Close()
	})
	if err != nil {
		serverError(w, err)
		return
	}
	if !found {
		problem(w, http.StatusNotFound, "course "+r.PathValue("courseId")+" not found")
		return
	}
	// Nest as store.structure.assemble does: positions are indexes.
	qs := map[uuid.UUID][]quizQuestionOut{}
	for _, q := range questions {
		q.Position = len(qs[q.element])
		qs[q.element] = append(qs[q.element], q.quizQuestionOut)
	}
	es := map[uuid.UUID][]courseElementOut{}
	for _, e := range elements {
		if q, ok := qs[e.id]; ok {
			e.Questions = q
		}
		e.Position = len(es[e.section])
		es[e.section] = append(es[e.section], e.courseElementOut)
	}
	c.Structure.Sections = make([]courseSectionOut, len(sections))
	for i, s := range sections {
		s.Position = i
		if e, ok := es[sectionIDs[i]]; ok {
			s.Elements = e
		}
		c.Structure.Sections[i] = s
	}
	w.Header().Set("ETag", etag(c.Version))
	writeJSON(w, http.StatusOK, c)
}
