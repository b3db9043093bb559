package courses

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// Clone copies a live course into a draft owned by the caller: annotation, tags,
// settings and the whole structure with new ids (transitions remapped); not its shares.
// The copy is named name, or "<name> (copy)" (cut to fit) when name is nil.
func (r *CourseRepo) Clone(ctx context.Context, sourceID uuid.UUID, name *string) (*Course, error) {
	var out *Course
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if !t.Caller().Can(auth.PermCourseEdit) {
			return ErrCourseAccess
		}
		src, err := loadCourse(t, sourceID, false)
		if err != nil {
			return err
		}
		d := draftOf(src)
		if name != nil {
			d.Name = *name
		} else {
			d.Name = copyName(src.Name)
		}
		out, err = Insert(t, d, "course.clone", src.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("clone course: %w", err)
	}
	return out, nil
}

// copyName is "<name> (copy)", the name cut so the result fits 200 characters.
func copyName(name string) string {
	const suffix = " (copy)"
	r := []rune(name)
	if max := 200 - utf8.RuneCountInString(suffix); len(r) > max {
		r = r[:max]
	}
	return string(r) + suffix
}

// draftOf is a course's content as a draft (for cloning).
func draftOf(c *Course) CourseDraft {
	s := c.Settings
	if s.CertificateValidityMonths != nil {
		m := *s.CertificateValidityMonths
		s.CertificateValidityMonths = &m
	}
	s = cloneRenewal(s)
	d := CourseDraft{Name: c.Name, Annotation: c.Annotation, Tags: slices.Clone(c.Tags), Settings: &s}
	refs := map[uuid.UUID]ElementRef{}
	for si, sec := range c.Sections {
		sd := SectionDraft{Title: sec.Title}
		for ei, e := range sec.Elements {
			refs[e.ID] = ElementRef{Section: si, Element: ei}
			req := e.Required
			ed := ElementDraft{Kind: e.Kind, Title: e.Title, Required: &req, Brief: e.Brief, Pages: slices.Clone(e.Pages)}
			for _, q := range e.Questions {
				qd := QuestionDraft{Kind: q.Kind, Text: q.Text, Weight: q.Weight, SourceChunkID: q.SourceChunkID}
				qd.Options = optionDrafts(q.Options)
				ed.Questions = append(ed.Questions, qd)
			}
			sd.Elements = append(sd.Elements, ed)
		}
		d.Sections = append(d.Sections, sd)
	}
	for _, tr := range c.Transitions {
		from, ok1 := refs[tr.From]
		to, ok2 := refs[tr.To]
		if ok1 && ok2 {
			d.Transitions = append(d.Transitions, TransitionDraft{From: from, To: to})
		}
	}
	return d
}
