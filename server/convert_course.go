package server

import (
	"github.com/google/uuid"
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/typeid"
)

// courseAnswers says whether a course is shown with its options' correct flags (course_view
// holders) or without (a learner reading a course assigned to them).
type courseAnswers bool

const (
	courseWithAnswers    courseAnswers = true
	courseWithoutAnswers courseAnswers = false
)

// toAPICourse converts a stored course with its shares and structure.
func toAPICourse(c *courses.Course, a courseAnswers) api.Course {
	out := api.Course{
		Id:          typeid.Format(typeid.Course, c.ID),
		Name:        c.Name,
		Annotation:  c.Annotation,
		Status:      api.CourseStatus(c.Status),
		Tags:        courseSlice(c.Tags),
		OwnerId:     typeid.Format(typeid.Person, c.OwnerID),
		Shares:      make([]api.CourseShare, len(c.Shares)),
		Settings:    toAPICourseSettings(c.Settings),
		PublishedAt: c.PublishedAt,
		CreatedAt:   c.CreatedAt,
		UpdatedAt:   c.UpdatedAt,
		CreatedBy:   idOut(typeid.Person, c.CreatedBy),
		UpdatedBy:   idOut(typeid.Person, c.UpdatedBy),
		Version:     c.Version,
		Structure: api.CourseStructure{
			Sections:    make([]api.CourseSection, len(c.Sections)),
			Transitions: make([]api.CourseTransition, len(c.Transitions)),
		},
	}
	for i, s := range c.Shares {
		out.Shares[i] = toAPICourseShare(s)
	}
	for i := range c.Sections {
		out.Structure.Sections[i] = toAPICourseSection(&c.Sections[i], a)
	}
	for i, tr := range c.Transitions {
		out.Structure.Transitions[i] = toAPICourseTransition(tr)
	}
	return out
}

// toAPICourseSummary converts a course as find_course lists it.
func toAPICourseSummary(c *courses.Course) api.CourseSummary {
	return api.CourseSummary{
		Id:         typeid.Format(typeid.Course, c.ID),
		Name:       c.Name,
		Status:     api.CourseStatus(c.Status),
		Annotation: c.Annotation,
		Tags:       courseSlice(c.Tags),
		OwnerId:    typeid.Format(typeid.Person, c.OwnerID),
		UpdatedAt:  c.UpdatedAt,
	}
}

func toAPICourseSettings(s courses.CourseSettings) api.CourseSettings {
	return api.CourseSettings{PassingScore: s.PassingScore, CertificateOnCompletion: s.CertificateOnCompletion,
		CertificateValidityMonths: s.CertificateValidityMonths, Points: s.Points,
		Recertification: toAPIRecertification(s.Recertification), OverdueEscalationDays: s.OverdueEscalationDays}
}

func toAPICourseShare(s courses.CourseShare) api.CourseShare {
	return api.CourseShare{UserId: typeid.Format(typeid.Person, s.UserID), CreatedAt: s.CreatedAt, CreatedBy: idOut(typeid.Person, s.CreatedBy)}
}

func toAPICourseSection(s *courses.CourseSection, a courseAnswers) api.CourseSection {
	out := api.CourseSection{Id: typeid.Format(typeid.Section, s.ID), Title: s.Title, Position: s.Position,
		Elements: make([]api.CourseElement, len(s.Elements))}
	for i := range s.Elements {
		out.Elements[i] = toAPICourseElement(&s.Elements[i], a)
	}
	return out
}

func toAPICourseElement(e *courses.CourseElement, a courseAnswers) api.CourseElement {
	out := api.CourseElement{
		Id:        typeid.Format(typeid.Element, e.ID),
		SectionId: typeid.Format(typeid.Section, e.SectionID),
		Kind:      api.CourseElementKind(e.Kind),
		Title:     e.Title,
		Position:  e.Position,
		Required:  e.Required,
		Brief:     toAPILessonBrief(e.Brief),
		Pages:     make([]api.LessonPage, len(e.Pages)),
		Questions: make([]api.QuizQuestion, len(e.Questions)),
	}
	for i, p := range e.Pages {
		out.Pages[i] = api.LessonPage{Title: p.Title, Body: p.Body}
	}
	for i := range e.Questions {
		out.Questions[i] = toAPIQuizQuestion(&e.Questions[i], a)
	}
	return out
}

func toAPILessonBrief(b *courses.LessonBrief) *api.LessonBrief {
	if b == nil {
		return nil
	}
	out := api.LessonBrief{}
	if b.Topic != "" {
		out.Topic = ptr(b.Topic)
	}
	if b.Title != "" {
		out.Title = ptr(b.Title)
	}
	if b.Description != "" {
		out.Description = ptr(b.Description)
	}
	if len(b.KeyPoints) > 0 {
		out.KeyPoints = ptr(b.KeyPoints)
	}
	if b.TargetAudience != "" {
		out.TargetAudience = ptr(b.TargetAudience)
	}
	return &out
}

func toAPIQuizQuestion(q *courses.QuizQuestion, a courseAnswers) api.QuizQuestion {
	out := api.QuizQuestion{
		Id:        typeid.Format(typeid.Question, q.ID),
		ElementId: typeid.Format(typeid.Element, q.ElementID),
		Kind:      api.QuizQuestionKind(q.Kind),
		Text:      q.Text,
		Options:   make([]api.QuizOption, len(q.Options)),
		Weight:    q.Weight,
		Position:  q.Position,
	}
	for i, o := range q.Options {
		out.Options[i] = api.QuizOption{Id: o.ID, Text: o.Text}
		if a == courseWithAnswers {
			out.Options[i].Correct = ptr(o.Correct)
			if o.Feedback != "" {
				out.Options[i].Feedback = ptr(o.Feedback)
			}
		}
	}
	return out
}

func toAPICourseTransition(tr courses.CourseTransition) api.CourseTransition {
	return api.CourseTransition{FromElementId: typeid.Format(typeid.Element, tr.From), ToElementId: typeid.Format(typeid.Element, tr.To)}
}

// Inputs.

// toModelCourseSettings applies settings input over base.
func toModelCourseSettings(base courses.CourseSettings, in *api.CourseSettingsInput) courses.CourseSettings {
	if in == nil {
		return base
	}
	ch := toModelCourseSettingsChange(in)
	if ch.PassingScore != nil {
		base.PassingScore = *ch.PassingScore
	}
	if ch.CertificateOnCompletion != nil {
		base.CertificateOnCompletion = *ch.CertificateOnCompletion
	}
	if ch.CertificateValidityMonths != nil {
		base.CertificateValidityMonths = ch.CertificateValidityMonths
	}
	if ch.Points != nil {
		base.Points = *ch.Points
	}
	if ch.Recertification != nil {
		base.Recertification = ch.Recertification
	}
	if ch.OverdueEscalationDays != nil {
		base.OverdueEscalationDays = ch.OverdueEscalationDays
	}
	return base
}

func toModelCourseSettingsChange(in *api.CourseSettingsInput) *courses.CourseSettingsChange {
	if in == nil {
		return nil
	}
	ch := &courses.CourseSettingsChange{PassingScore: in.PassingScore, CertificateOnCompletion: in.CertificateOnCompletion, Points: in.Points}
	if in.CertificateValidityMonths.IsSpecified() {
		if in.CertificateValidityMonths.IsNull() {
			ch.ClearCertificateValidity = true
		} else {
			ch.CertificateValidityMonths = ptr(in.CertificateValidityMonths.MustGet())
		}
	}
	toModelRenewalChange(ch, in)
	return ch
}

// toModelCourseDraft converts a create body to an (empty) course draft.
func toModelCourseDraft(in api.CourseCreate) courses.CourseDraft {
	s := toModelCourseSettings(courses.DefaultCourseSettings(), in.Settings)
	var tags []string
	if in.Tags != nil {
		tags = *in.Tags
	}
	return courses.CourseDraft{Name: in.Name, Annotation: in.Annotation, Tags: tags, Settings: &s}
}

// toModelCourseChange converts a merge patch of a course.
func toModelCourseChange(in api.CoursePatch) courses.CourseChange {
	ch := courses.CourseChange{Name: in.Name, Tags: in.Tags, Settings: toModelCourseSettingsChange(in.Settings)}
	ch.Annotation, ch.ClearAnnotation = courseNullable(in.Annotation)
	return ch
}

// courseNullable reads a nullable merge-patch member: (value, false) when set, (nil, true)
// when null, (nil, false) when absent.
func courseNullable[T any](n nullable.Nullable[T]) (*T, bool) {
	if !n.IsSpecified() {
		return nil, false
	}
	if n.IsNull() {
		return nil, true
	}
	return ptr(n.MustGet()), false
}

func toModelLessonBrief(in *api.LessonBrief) *courses.LessonBrief {
	if in == nil {
		return nil
	}
	return &courses.LessonBrief{Topic: deref(in.Topic), Title: deref(in.Title), Description: deref(in.Description),
		KeyPoints: deref(in.KeyPoints), TargetAudience: deref(in.TargetAudience)}
}

func toModelLessonPages(in *api.LessonPages) []courses.LessonPage {
	if in == nil {
		return nil
	}
	out := make([]courses.LessonPage, len(*in))
	for i, p := range *in {
		out[i] = courses.LessonPage{Title: p.Title, Body: p.Body}
	}
	return out
}

// toModelNewElement converts an element create body (sectionID already parsed).
func toModelNewElement(in api.CourseElementCreate, section uuid.UUID) courses.NewElement {
	link := true
	if in.AutoLink != nil {
		link = *in.AutoLink
	}
	return courses.NewElement{SectionID: section, Kind: string(in.Kind), Title: in.Title, Required: in.Required,
		Brief: toModelLessonBrief(in.Brief), Pages: toModelLessonPages(in.Pages), Position: in.Position, AutoLink: link}
}

// toModelElementChange converts a merge patch of an element (sectionID already parsed).
func toModelElementChange(in api.CourseElementPatch, section *uuid.UUID) courses.ElementChange {
	ch := courses.ElementChange{Title: in.Title, Required: in.Required, SectionID: section, Position: in.Position}
	b, clear := courseNullable(in.Brief)
	ch.Brief, ch.ClearBrief = toModelLessonBrief(b), clear
	if in.Pages != nil {
		p := toModelLessonPages(in.Pages)
		ch.Pages = &p
	}
	return ch
}

func toModelOptions(in []api.QuizOptionInput) []courses.OptionDraft {
	out := make([]courses.OptionDraft, len(in))
	for i, o := range in {
		out[i] = courses.OptionDraft{Text: o.Text, Correct: deref(o.Correct), Feedback: deref(o.Feedback)}
	}
	return out
}

func toModelNewQuestion(in api.QuizQuestionCreate) courses.NewQuestion {
	return courses.NewQuestion{QuestionDraft: courses.QuestionDraft{Kind: string(in.Kind), Text: in.Text,
		Options: toModelOptions(in.Options), Weight: deref(in.Weight)}, Position: in.Position}
}

func toModelQuestionChange(in api.QuizQuestionPatch) courses.QuestionChange {
	ch := courses.QuestionChange{Text: in.Text, Weight: in.Weight, Position: in.Position}
	if in.Kind != nil {
		ch.Kind = ptr(string(*in.Kind))
	}
	if in.Options != nil {
		o := toModelOptions(*in.Options)
		ch.Options = &o
	}
	return ch
}

// courseSlice returns s, or an empty (non-nil) slice.
func courseSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
