package main

import (
	"errors"
	"math"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

// ---- compliance: GET /api/v2/courses/{courseId}/statistics/users

type complianceTotals struct {
	Assigned   int `json:"assigned"`
	Completed  int `json:"completed"`
	InProgress int `json:"inProgress"`
	NotStarted int `json:"notStarted"`
	Overdue    int `json:"overdue"`
	Scheduled  int `json:"scheduled"`
	Expired    int `json:"expired"`
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
	course, limit, scope, ok := complianceRequest(w, r, p)
	if !ok {
		return
	}
	var err error
	q := r.URL.Query()
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
			Scan(&t.Assigned, &t.Scheduled, &t.Completed, &t.Overdue, &t.InProgress, &notStarted, &t.Expired); err != nil {
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

// reportPct is reports.Pct.
func reportPct(part, whole int) float64 {
	if whole <= 0 {
		return 0
	}
	return math.Round(float64(part)*1000/float64(whole)) / 10
}
