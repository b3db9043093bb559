package main

import (
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

// The children of a course as bareCourse's json_agg columns write them.
type (
	bareShare struct {
		User uuid.UUID  `json:"u"`
		At   time.Time  `json:"at"`
		By   *uuid.UUID `json:"by"`
	}
	bareSection struct {
		ID    uuid.UUID `json:"i"`
		Title string    `json:"t"`
	}
	bareElement struct {
		ID       uuid.UUID       `json:"i"`
		Section  uuid.UUID       `json:"s"`
		Kind     string          `json:"k"`
		Title    string          `json:"t"`
		Required bool            `json:"r"`
		Brief    json.RawMessage `json:"b"`
		Pages    []lessonPageOut `json:"p"`
	}
	bareQuestion struct {
		ID      uuid.UUID      `json:"i"`
		Element uuid.UUID      `json:"e"`
		Kind    string         `json:"k"`
		Text    string         `json:"t"`
		Options []storedOption `json:"o"`
		Weight  float64        `json:"w"`
	}
	bareTransition struct {
		From uuid.UUID `json:"f"`
		To   uuid.UUID `json:"t"`
	}
)

// bareGetCourse serves a course with its shares and structure in one statement (the
// children as JSON arrays), to course_view holders as the mirrored baseline does.
func (b *baseline) bareGetCourse(w http.ResponseWriter, r *http.Request, p principal) {
	if !bareTenantOnly(w, p) {
		return
	}
	id, ok := courseRequest(w, r, p)
	if !ok {
		return
	}
	var err error
	c := courseOut{Shares: []courseShareOut{}}
	c.Structure.Transitions = []courseTransitionOut{}
	var cid, owner uuid.UUID
	var createdBy, updatedBy *uuid.UUID
	var settings, shares, sections, elements, questions, transitions []byte
	err = b.pool.QueryRow(r.Context(), bareCourse, p.tenant, id).Scan(&cid, &c.Name, &c.Annotation, &c.Status, &c.Tags, &owner,
		&settings, &c.PublishedAt, &c.CreatedAt, &c.UpdatedAt, &createdBy, &updatedBy, &c.Version,
		&shares, &sections, &elements, &questions, &transitions)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		problem(w, http.StatusNotFound, "course "+r.PathValue("courseId")+" not found")
		return
	case err != nil:
		serverError(w, err)
		return
	}
	if err := bareFillCourse(&c, cid, owner, createdBy, updatedBy, settings, shares, sections, elements, questions, transitions); err != nil {
		serverError(w, err)
		return
	}
	w.Header().Set("ETag", etag(c.Version))
	writeJSON(w, http.StatusOK, c)
}

// bareFillCourse decodes the course's columns into c, as the mirrored getCourse scans them.
func bareFillCourse(c *courseOut, cid, owner uuid.UUID, createdBy, updatedBy *uuid.UUID, settings, shares, sections, elements, questions, transitions []byte) error {
	c.ID, c.OwnerID = typeid.Format(typeid.Course, cid), typeid.Format(typeid.Person, owner)
	c.CreatedBy, c.UpdatedBy = idOut(typeid.Person, createdBy), idOut(typeid.Person, updatedBy)
	if c.Tags == nil {
		c.Tags = []string{}
	}
	c.Settings = courseSettingsOut{PassingScore: 70} // courses.DefaultCourseSettings under the stored members
	if settings != nil {
		if err := json.Unmarshal(settings, &c.Settings); err != nil {
			return err
		}
	}
	var (
		sh []bareShare
		se []bareSection
		el []bareElement
		qu []bareQuestion
		tr []bareTransition
	)
	for _, d := range []struct {
		b []byte
		v any
	}{{shares, &sh}, {sections, &se}, {elements, &el}, {questions, &qu}, {transitions, &tr}} {
		if d.b != nil { // json_agg of no rows is NULL
			if err := json.Unmarshal(d.b, d.v); err != nil {
				return err
			}
		}
	}
	for _, s := range sh {
		c.Shares = append(c.Shares, courseShareOut{UserID: typeid.Format(typeid.Person, s.User), CreatedAt: s.At, CreatedBy: idOut(typeid.Person, s.By)})
	}
	sectionIDs := make([]uuid.UUID, 0, len(se))
	secs := make([]courseSectionOut, 0, len(se))
	for _, s := range se {
		sectionIDs = append(sectionIDs, s.ID)
		secs = append(secs, courseSectionOut{ID: typeid.Format(typeid.Section, s.ID), Title: s.Title, Elements: []courseElementOut{}})
	}
	elems := make([]courseElem, 0, len(el))
	for _, e := range el {
		ce := courseElem{section: e.Section, id: e.ID, courseElementOut: courseElementOut{
			ID: typeid.Format(typeid.Element, e.ID), SectionID: typeid.Format(typeid.Section, e.Section),
			Kind: e.Kind, Title: e.Title, Required: e.Required, Pages: e.Pages, Questions: []quizQuestionOut{},
		}}
		if len(e.Brief) > 0 && string(e.Brief) != "null" {
			ce.Brief = &lessonBriefOut{}
			if err := json.Unmarshal(e.Brief, ce.Brief); err != nil {
				return err
			}
		}
		if ce.Pages == nil {
			ce.Pages = []lessonPageOut{}
		}
		elems = append(elems, ce)
	}
	qs := make([]courseQuestion, 0, len(qu))
	for _, q := range qu {
		cq := courseQuestion{element: q.Element, quizQuestionOut: quizQuestionOut{
			ID: typeid.Format(typeid.Question, q.ID), ElementID: typeid.Format(typeid.Element, q.Element),
			Kind: q.Kind, Text: q.Text, Weight: q.Weight, Options: make([]quizOptionOut, len(q.Options)),
		}}
		for i, o := range q.Options {
			cq.Options[i] = quizOptionOut{ID: o.ID, Text: o.Text, Correct: &q.Options[i].Correct}
		}
		qs = append(qs, cq)
	}
	for _, t := range tr {
		c.Structure.Transitions = append(c.Structure.Transitions,
			courseTransitionOut{FromElementID: typeid.Format(typeid.Element, t.From), ToElementID: typeid.Format(typeid.Element, t.To)})
	}
	assembleCourse(c, sectionIDs, secs, elems, qs)
	return nil
}
