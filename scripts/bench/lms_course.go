package main

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

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
	id, ok := courseRequest(w, r, p)
	if !ok {
		return
	}
	var err error
	c := courseOut{Shares: []courseShareOut{}}
	found := false
	var (
		sectionIDs []uuid.UUID
		sections   []courseSectionOut
		elements   []courseElem
		questions  []courseQuestion
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
				c.Settings = courseSettingsOut{PassingScore: 70} // courses.DefaultCourseSettings under the stored members
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
				var e courseElem
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
				var q courseQuestion
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
	assembleCourse(&c, sectionIDs, sections, elements, questions)
	w.Header().Set("ETag", etag(c.Version))
	writeJSON(w, http.StatusOK, c)
}

// courseElem and courseQuestion are an element and a question with the parent they nest under.
type courseElem struct {
	courseElementOut
	section uuid.UUID
	id      uuid.UUID
}

type courseQuestion struct {
	quizQuestionOut
	element uuid.UUID
}

// assembleCourse nests the structure as store.structure.assemble does: positions are indexes.
func assembleCourse(c *courseOut, sectionIDs []uuid.UUID, sections []courseSectionOut, elements []courseElem, questions []courseQuestion) {
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
}
