package courses

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// CourseChange is a merge patch of a course: nil members stay as they are.
type CourseChange struct {
	Name            *string
	Annotation      *string
	ClearAnnotation bool
	Tags            *[]string
	Settings        *CourseSettingsChange
}

// CourseSettingsChange is a merge patch of a course's settings.
type CourseSettingsChange struct {
	PassingScore              *int
	CertificateOnCompletion   *bool
	CertificateValidityMonths *int
	ClearCertificateValidity  bool
	Points                    *int
	Recertification           *Recertification
	ClearRecertification      bool
	OverdueEscalationDays     *int
	ClearOverdueEscalation    bool
}

// validateCourseFields checks what the API schema checks too, for callers that are not
// the API (course generation).
func validateCourseFields(v *store.ValidationError, prefix, name string, annotation *string, tags []string, s CourseSettings) {
	if n := utf8.RuneCountInString(name); n < 1 || n > 200 {
		v.Add(prefix+"/name", "must be 1–200 characters")
	}
	if annotation != nil && utf8.RuneCountInString(*annotation) > 5000 {
		v.Add(prefix+"/annotation", "must be at most 5000 characters")
	}
	if len(tags) > 50 {
		v.Add(prefix+"/tags", "at most 50 tags")
	}
	seen := map[string]bool{}
	for i, tg := range tags {
		if n := utf8.RuneCountInString(tg); n < 1 || n > 64 {
			v.Add(prefix+"/tags/"+strconv.Itoa(i), "must be 1–64 characters")
		}
		if seen[tg] {
			v.Add(prefix+"/tags/"+strconv.Itoa(i), "appears twice")
		}
		seen[tg] = true
	}
	if s.PassingScore < 0 || s.PassingScore > 100 {
		v.Add(prefix+"/settings/passingScore", "must be 0–100")
	}
	if m := s.CertificateValidityMonths; m != nil && (*m < 1 || *m > 120) {
		v.Add(prefix+"/settings/certificateValidityMonths", "must be 1–120")
	}
	if s.Points < 0 || s.Points > 100000 {
		v.Add(prefix+"/settings/points", "must be 0–100000")
	}
	validateRenewal(v, prefix, s)
}

// Update applies a merge patch to a course's name, annotation, tags and settings.
func (r *CourseRepo) Update(ctx context.Context, id uuid.UUID, expected *int, ch CourseChange) (*Course, error) {
	var out *Course
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessEdit)
		if err != nil {
			return err
		}
		before := auditCourse(c)
		if ch.Name != nil {
			c.Name = *ch.Name
		}
		if ch.ClearAnnotation {
			c.Annotation = nil
		} else if ch.Annotation != nil {
			c.Annotation = ch.Annotation
		}
		if ch.Tags != nil {
			c.Tags = slices.Clone(*ch.Tags)
		}
		if s := ch.Settings; s != nil {
			if s.PassingScore != nil {
				c.Settings.PassingScore = *s.PassingScore
			}
			if s.CertificateOnCompletion != nil {
				c.Settings.CertificateOnCompletion = *s.CertificateOnCompletion
			}
			if s.ClearCertificateValidity {
				c.Settings.CertificateValidityMonths = nil
			} else if s.CertificateValidityMonths != nil {
				c.Settings.CertificateValidityMonths = s.CertificateValidityMonths
			}
			if s.Points != nil {
				c.Settings.Points = *s.Points
			}
			applyRenewal(&c.Settings, s)
		}
		var v store.ValidationError
		validateCourseFields(&v, "", c.Name, c.Annotation, c.Tags, c.Settings)
		if err := v.Err(); err != nil {
			return err
		}
		if _, err := t.Exec(`UPDATE courses SET name = $2, annotation = $3, tags = $4, settings = $5
WHERE tenant_id = learnd_tenant() AND id = $1`, c.ID, c.Name, c.Annotation, c.Tags, c.Settings); err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		out = c
		return t.Audit("course.update", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c))
	})
	if err != nil {
		return nil, fmt.Errorf("update course: %w", err)
	}
	return out, nil
}

// Delete soft-deletes a course. Its assignments, progress and certificates stay as
// history; its group assignment rules are removed so people who join a group later do
// not receive it.
func (r *CourseRepo) Delete(ctx context.Context, id uuid.UUID, expected *int) error {
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		c, err := editCourse(t, id, expected, accessEdit)
		if err != nil {
			return err
		}
		before := auditCourse(c)
		ts := store.Now()
		if _, err := t.Exec(`UPDATE courses SET is_deleted = true, deleted_at = $2, deleted_by = $3 WHERE tenant_id = learnd_tenant() AND id = $1`,
			c.ID, ts, actor(t)); err != nil {
			return err
		}
		if _, err := t.Exec(`DELETE FROM group_course_assignments WHERE tenant_id = learnd_tenant() AND course_id = $1`, c.ID); err != nil {
			return err
		}
		if err := bumpCourse(t, c); err != nil {
			return err
		}
		c.IsDeleted, c.DeletedAt, c.DeletedBy = true, &ts, actor(t)
		return t.Audit("course.delete", "course", typeid.Format(typeid.Course, c.ID), before, auditCourse(c))
	})
	if err != nil {
		return fmt.Errorf("delete course: %w", err)
	}
	return nil
}
