package assignments

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// reminderAudit is a reminder in the audit log.
type reminderAudit struct {
	CourseID    string   `json:"courseId"`
	OverdueOnly bool     `json:"overdueOnly"`
	UserIDs     []string `json:"userIds"`
	Message     string   `json:"message,omitempty"`
}

// SendReminders mails a reminder about a course: with userIDs nil, to every active learner
// whose assignment is overdue; otherwise to exactly those users, each of whom must hold an
// uncompleted assignment of the course (a validation error names the others). It returns
// the users reminded, and is audited.
func (s *Repo) SendReminders(ctx context.Context, courseID uuid.UUID, userIDs []uuid.UUID, message string) ([]uuid.UUID, error) {
	var out []uuid.UUID
	err := s.st.InTenant(ctx, func(t *store.Tx) error {
		var course string
		err := t.QueryRow(`SELECT name FROM courses WHERE tenant_id = learnd_tenant() AND id = $1 AND NOT is_deleted`, courseID).Scan(&course)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		type target struct {
			learnerRow
			due       *time.Time
			completed bool
		}
		q := `SELECT u.id, u.name, u.email, u.status = 'banned', a.due_at, a.completed_at IS NOT NULL FROM assignments a
JOIN users u ON u.tenant_id = learnd_tenant() AND u.id = a.user_id
WHERE a.tenant_id = learnd_tenant() AND a.course_id = @course`
		args := pgx.NamedArgs{"course": courseID, "now": store.Now()}
		if userIDs == nil {
			q += ` AND a.completed_at IS NULL AND a.due_at < @now AND NOT coalesce(a.start_at > @now, false) AND u.status = 'active' ORDER BY lower(u.name), u.id`
		} else {
			q += ` AND a.user_id = ANY(@users)`
			args["users"] = userIDs
		}
		rows, err := t.Query(q, args)
		if err != nil {
			return err
		}
		var found []target
		var r target
		if _, err := pgx.ForEachRow(rows, []any{&r.ID, &r.Name, &r.Email, &r.Banned, &r.due, &r.completed}, func() error {
			found = append(found, r)
			return nil
		}); err != nil {
			return err
		}
		targets := found
		if userIDs != nil {
			byID := make(map[uuid.UUID]target, len(found))
			for _, f := range found {
				byID[f.ID] = f
			}
			v := &store.ValidationError{}
			targets = targets[:0:0]
			for i, id := range userIDs {
				f, ok := byID[id]
				switch {
				case !ok:
					v.Add("/userIds/"+strconv.Itoa(i), "the user is not assigned this course")
				case f.completed:
					v.Add("/userIds/"+strconv.Itoa(i), "the user has completed this course")
				case f.Banned:
					v.Add("/userIds/"+strconv.Itoa(i), "the user is banned")
				default:
					targets = append(targets, f)
				}
			}
			if err := v.Err(); err != nil {
				return err
			}
		}
		for _, tg := range targets {
			if err := t.EnqueueMail(reminderMail(tg.learnerRow, course, tg.due, message)); err != nil {
				return err
			}
			out = append(out, tg.ID)
		}
		return t.Audit("course.remind", "course", typeid.Format(typeid.Course, courseID), nil,
			reminderAudit{CourseID: typeid.Format(typeid.Course, courseID), OverdueOnly: userIDs == nil, UserIDs: formatIDs(typeid.Person, out), Message: message})
	})
	if err != nil {
		return nil, fmt.Errorf("send reminders: %w", err)
	}
	return out, nil
}

func reminderMail(u learnerRow, course string, dueAt *time.Time, message string) store.Mail {
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\nThis is a reminder to complete the course %q.\n", u.Name, course)
	if dueAt != nil {
		if dueAt.Before(store.Now()) {
			fmt.Fprintf(&b, "It was due on %s.\n", mailDate(*dueAt))
		} else {
			fmt.Fprintf(&b, "It is due by %s.\n", mailDate(*dueAt))
		}
	}
	if message != "" {
		fmt.Fprintf(&b, "\n%s\n", message)
	}
	return store.Mail{Kind: "reminder", To: u.Email, Subject: "Reminder: " + course, Body: b.String()}
}
