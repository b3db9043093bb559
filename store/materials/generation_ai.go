package materials

import (
	"strings"
	"unicode/utf8"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/store/courses"
)

// Mapping between the course generator's shapes (package ai) and the store's drafts and
// courses: …FromAI on the way in, AI… on the way out.

// CourseDraftFromAI is the draft of a generated course: its sections, lessons with
// briefs and pages, quizzes with questions (each naming the chunk it came from), linked
// in course order. title overrides the generated title when set. Text is trimmed and
// titles are cut to the store's limits; what remains is validated when stored.
func CourseDraftFromAI(c ai.Course, title string) courses.CourseDraft {
	name := clip(c.Title, 200)
	if t := clip(title, 200); t != "" {
		name = t
	}
	d := courses.CourseDraft{Name: name, Tags: []string{}, Sections: SectionDraftsFromAI(c.Sections), LinkInOrder: true}
	if a := clip(c.Annotation, 5000); a != "" {
		d.Annotation = &a
	}
	seen := map[string]bool{}
	for _, tag := range c.Tags {
		tag = clip(strings.ToLower(tag), 64)
		if tag != "" && !seen[tag] && len(d.Tags) < 20 {
			seen[tag] = true
			d.Tags = append(d.Tags, tag)
		}
	}
	return d
}

// SectionDraftsFromAI is the drafts of generated sections.
func SectionDraftsFromAI(in []ai.Section) []courses.SectionDraft {
	out := make([]courses.SectionDraft, 0, len(in))
	for _, s := range in {
		sd := courses.SectionDraft{Title: clip(s.Title, 200)}
		for _, e := range s.Elements {
			ed := courses.ElementDraft{Kind: e.Kind, Title: clip(e.Title, 200), Brief: BriefFromAI(e.Brief)}
			if e.Kind != courses.ElementLesson {
				ed.Brief = nil
			}
			for _, p := range e.Pages {
				ed.Pages = append(ed.Pages, courses.LessonPage{Title: clip(p.Title, 200), Body: p.Body})
			}
			for _, q := range e.Questions {
				ed.Questions = append(ed.Questions, QuestionDraftFromAI(q))
			}
			sd.Elements = append(sd.Elements, ed)
		}
		out = append(out, sd)
	}
	return out
}

// QuestionDraftFromAI is the draft of a generated question.
func QuestionDraftFromAI(q ai.Question) courses.QuestionDraft {
	d := courses.QuestionDraft{Kind: q.Kind, Text: strings.TrimSpace(q.Text), SourceChunkID: q.SourceChunkID}
	if d.Kind == "" {
		d.Kind = courses.QuestionSingle
	}
	for _, o := range q.Options {
		d.Options = append(d.Options, courses.OptionDraft{Text: clip(o.Text, 500), Correct: o.Correct, Feedback: clip(o.Feedback, 1000)})
	}
	return d
}

// BriefFromAI is the stored form of a generated brief (nil for nil); key points are
// trimmed, empty ones dropped.
func BriefFromAI(b *ai.Brief) *courses.LessonBrief {
	if b == nil {
		return nil
	}
	out := &courses.LessonBrief{Topic: clip(b.Topic, 200), Title: clip(b.Title, 200), Description: clip(b.Description, 5000),
		TargetAudience: clip(b.TargetAudience, 500)}
	for _, k := range b.KeyPoints {
		if k = clip(k, 500); k != "" && len(out.KeyPoints) < 30 {
			out.KeyPoints = append(out.KeyPoints, k)
		}
	}
	return out
}

// AIBrief is a stored brief as the generator sees it.
func AIBrief(b *courses.LessonBrief) ai.Brief {
	if b == nil {
		return ai.Brief{KeyPoints: []string{}}
	}
	kp := append([]string{}, b.KeyPoints...)
	return ai.Brief{Topic: b.Topic, Title: b.Title, Description: b.Description, KeyPoints: kp, TargetAudience: b.TargetAudience}
}

// AIQuestion is a stored question as the generator sees it.
func AIQuestion(q courses.QuizQuestion) ai.Question {
	out := ai.Question{Kind: q.Kind, Text: q.Text, SourceChunkID: q.SourceChunkID}
	for _, o := range q.Options {
		out.Options = append(out.Options, ai.Option{Text: o.Text, Correct: o.Correct, Feedback: o.Feedback})
	}
	return out
}

// AICourse is a stored course as the generator sees it (titles, briefs, pages, questions).
func AICourse(c *courses.Course) ai.Course {
	out := ai.Course{Title: c.Name, Tags: append([]string{}, c.Tags...)}
	if c.Annotation != nil {
		out.Annotation = *c.Annotation
	}
	for _, s := range c.Sections {
		as := ai.Section{Title: s.Title}
		for _, e := range s.Elements {
			ae := ai.Element{Kind: e.Kind, Title: e.Title}
			if e.Brief != nil {
				b := AIBrief(e.Brief)
				ae.Brief = &b
			}
			for _, p := range e.Pages {
				ae.Pages = append(ae.Pages, ai.Page{Title: p.Title, Body: p.Body})
			}
			for _, q := range e.Questions {
				ae.Questions = append(ae.Questions, AIQuestion(q))
			}
			as.Elements = append(as.Elements, ae)
		}
		out.Sections = append(out.Sections, as)
	}
	return out
}

// clip trims s and cuts it to at most n runes.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n]))
}
