// Package offline is learnd's built-in course generator: it needs no model and gives the
// same course for the same input.
//
// From source materials (CourseRequest.Chunks) it keeps the document's own words:
// sections follow the document's headings (adjacent headings merged, or the largest
// split, to approach Options.Modules); each section's lessons get a brief whose
// description and key points are the section's most central sentences (TextRank over
// TF-IDF sentence similarity, boosted for the chunks the retriever finds most relevant to
// the section) and a page with the section's text; the final quiz asks for facts of the
// text — numbers with their units, defined terms, acronyms, names and key terms — with
// the sentence's fact blanked, the fact as the correct answer (verbatim from the chunk
// the question cites) and distractors of the same kind from the same text.
//
// From a prompt alone it writes an honest outline of the topic for the audience asked
// (introduction, core concepts or the subtopics listed, procedures, risks and mistakes,
// practice, review, …): each lesson states its objective and what it must cover and has
// a page marking it as needing content; there is no quiz, and Course.Warnings say so.
// With a retriever and no chunks, each module is grounded in the chunks retrieved for it
// (and the quiz written from them).
//
// Quiz questions (quiz.go, facts.go, kinds.go) are of the kinds a deterministic generator
// does well — a blanked fact, true or false on a stated fact, the order of a numbered
// procedure, a table row, a term's definition — and each must pass ai.Gate against the
// chunk it cites.
//
// Language: the generator writes no new prose in another language. It keeps the source
// text's sentences and localises everything it writes itself (titles of an outline,
// objectives and points, "Final quiz", question stems, …) for en, es, fr and de; other
// languages get English labels. Refine and the rewrites use the course's language when
// the request names it, else the one its text is written in.
package offline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

// Generator is the offline ai.Generator. The zero value is ready to use.
type Generator struct{}

var _ ai.Generator = (*Generator)(nil)

// New returns the offline generator.
func New() *Generator { return &Generator{} }

// Course generates a whole course: from the chunks when there are any, else from the
// prompt (grounded in retrieved chunks when a retriever is given).
func (g *Generator) Course(ctx context.Context, req ai.CourseRequest) (ai.Course, error) {
	if err := ctx.Err(); err != nil {
		return ai.Course{}, err
	}
	var (
		c   ai.Course
		err error
	)
	if len(req.Chunks) > 0 {
		c, err = g.fromChunks(ctx, req)
	} else {
		c, err = g.fromPrompt(ctx, req)
	}
	if err != nil {
		return ai.Course{}, fmt.Errorf("offline generator: %w", err)
	}
	if err := ai.ValidateCourse(c); err != nil {
		return ai.Course{}, fmt.Errorf("offline generator: %w", err)
	}
	return c, nil
}

// errNoTopic is returned for a prompt that names no subject.
var errNoTopic = errors.New("the prompt does not say what the course is about")

// fromPrompt writes a topic outline for the prompt.
func (g *Generator) fromPrompt(ctx context.Context, req ai.CourseRequest) (ai.Course, error) {
	if strings.TrimSpace(req.Prompt) == "" {
		return ai.Course{}, errors.New("a prompt is needed when there are no source materials")
	}
	r := parsePrompt(req.Prompt)
	if r.topic == "" {
		return ai.Course{}, errNoTopic
	}
	lang := normLanguage(req.Options.Language)
	if lang == "" {
		lang = detectLanguage(req.Prompt)
	}
	n := moduleCount(req.Options.Modules, r)
	audience := r.audience
	if audience == "" {
		audience = label(lang, lAllLearners)
	}
	tmplAudience := r.audience
	if tmplAudience == "" {
		tmplAudience = label(lang, lLearners)
	}
	outl := outline(r, lang, n, tmplAudience)
	perModule := lessonsPerModule(r, len(outl))
	switch {
	case perModule == 0 && len(outl) == 1:
		perModule = 2 // a one-module outline needs two lessons for a quiz to ask about
	case perModule == 0:
		perModule = 1
	}

	// Grounding: the chunks the retriever finds for each module.
	var (
		d    *doc
		mods []*module
	)
	if req.Retrieve != nil {
		var err error
		d, mods, err = retrieveForOutline(ctx, req.Retrieve, outl, r.topic, lang)
		if err != nil {
			return ai.Course{}, err
		}
	}

	course := ai.Course{Title: req.Options.Title}
	if course.Title == "" {
		course.Title = truncate(capitalize(r.topic), ai.MaxTitle)
	}
	outlineOnly := 0 // modules without source text
	for i := range outl {
		om := &outl[i]
		var elems []ai.Element
		if d != nil && len(mods[i].sents) >= 3 {
			elems = d.lessons(mods[i], perModule, audience, false)
			for j := range elems {
				b := elems[j].Brief
				b.Description = truncate(om.desc+" "+b.Description, ai.MaxDescription)
			}
		} else {
			elems = outlineLessons(lang, om, r.topic, tmplAudience, audience, perModule)
			for j := range elems {
				elems[j].Pages = []ai.Page{contentNeeded(lang, elems[j].Brief)}
			}
			outlineOnly++
		}
		course.Sections = append(course.Sections, ai.Section{Title: om.title, Elements: elems})
	}
	if outlineOnly > 0 {
		course.Warnings = append(course.Warnings, fmt.Sprintf("No language model is configured (LEARND_LLM_URL) and no source materials cover %d of the %d modules, "+
			"so their lessons are an outline: each says its objective and what it must cover, and is marked as needing content.", outlineOnly, len(outl)))
	}
	questions := r.questions
	if questions == 0 {
		questions = min(max(len(outl), 5), defaultQuestions)
	}
	var qs []ai.Question
	if d != nil {
		qs = d.quiz(mods, questions, nil)
	}
	if len(qs) == 0 {
		// No made-up questions about the outline itself: the course has no quiz until
		// someone writes one (or a model generates it).
		course.Warnings = append(course.Warnings, "The course has no quiz: without a language model, questions are only written from source materials. "+
			"Add a quiz by hand, upload source materials, or configure a model and refine the course.")
	} else {
		if len(qs) < questions {
			course.Warnings = append(course.Warnings, fmt.Sprintf("The final quiz has %d of the %d questions asked for: the source materials support no more.", len(qs), questions))
		}
		course.Sections = append(course.Sections, finalQuiz(lang, qs))
	}
	course.Annotation = truncate(fmt.Sprintf(label(lang, lAnnotationTopic), r.topic, tmplAudience, len(outl)), ai.MaxAnnotation)
	if len(qs) == 0 {
		course.Annotation = truncate(fmt.Sprintf(label(lang, lAnnotationOutline), r.topic, tmplAudience, len(outl)), ai.MaxAnnotation)
	}
	course.Tags = promptTags(r)
	return course, nil
}

// contentNeeded is the page of an outline lesson: marked as needing content, with the
// lesson's objective and what it must cover.
func contentNeeded(lang string, b *ai.Brief) ai.Page {
	var body strings.Builder
	body.WriteString(fmt.Sprintf(label(lang, lMustCover), b.Description))
	for _, p := range b.KeyPoints {
		body.WriteString("\n- " + p)
	}
	return ai.Page{Title: label(lang, lContentNeeded), Body: body.String()}
}

// outlineLessons writes a module's lessons from its outline templates: one lesson, or an
// overview and an in-practice lesson (and more) when more per module are asked for.
func outlineLessons(lang string, om *outlineModule, topic, tmplAudience, audience string, n int) []ai.Element {
	var out []ai.Element
	for i := 0; i < n; i++ {
		title, desc, points := om.title, om.desc, slices.Clone(om.points)
		switch {
		case n == 1:
		case i == 0:
			title = fmt.Sprintf(label(lang, lOverview), om.title)
		case i == 1:
			title = fmt.Sprintf(label(lang, lInPractice), om.title)
			text := outlineTextFor(lang, "lesson2")
			desc = capitalize(fill(text.desc, topic, tmplAudience, lowerFirst(om.title)))
			points = points[:0]
			for _, p := range om.points {
				if !strings.HasPrefix(p, label(lang, lKeyTerms)) {
					points = append(points, capitalize(fill(text.points[0], topic, tmplAudience, lowerFirst(p))))
				}
			}
		default:
			title = fmt.Sprintf("%s (%d)", om.title, i+1)
		}
		b := ai.Brief{Topic: truncate(capitalize(topic), ai.MaxTitle), Title: truncate(title, ai.MaxTitle), Description: desc,
			KeyPoints: points, TargetAudience: truncate(audience, ai.MaxAudience)}
		out = append(out, ai.Element{Kind: ai.KindLesson, Title: b.Title, Brief: &b})
	}
	return out
}

// retrieveForOutline asks the retriever for the chunks of each outline module and
// analyses them together; module i's sentences are those of its chunks.
func retrieveForOutline(ctx context.Context, retrieve ai.Retriever, outl []outlineModule, topic, lang string) (*doc, []*module, error) {
	const k = 4
	byModule := make([][]uuid.UUID, len(outl))
	chunks := map[uuid.UUID]ai.Chunk{}
	for i, om := range outl {
		found, err := retrieve(ctx, om.title+" "+topic, k)
		if err != nil {
			return nil, nil, fmt.Errorf("retrieve chunks for %q: %w", om.title, err)
		}
		for _, c := range found {
			chunks[c.ID] = c
			byModule[i] = append(byModule[i], c.ID)
		}
	}
	if len(chunks) == 0 {
		return nil, nil, nil
	}
	all := make([]ai.Chunk, 0, len(chunks))
	for _, c := range chunks {
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, b ai.Chunk) int {
		if c := cmp.Compare(a.Ordinal, b.Ordinal); c != 0 {
			return c
		}
		return cmp.Compare(a.ID.String(), b.ID.String())
	})
	d := analyse(all, lang)
	index := map[uuid.UUID]int{}
	for i, c := range all {
		index[c.ID] = i
	}
	mods := make([]*module, len(outl))
	for i := range outl {
		in := map[int]bool{}
		for _, id := range byModule[i] {
			in[index[id]] = true
		}
		m := &module{title: outl[i].title, outline: &outl[i]}
		for si := range d.sents {
			if in[d.sents[si].chunk] {
				m.sents = append(m.sents, si)
			}
		}
		mods[i] = m
	}
	return d, mods, nil
}

// promptTags are the topic and the prompt's other terms, lower case.
func promptTags(r request) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range append([]string{r.topic, r.qualifier}, r.terms...) {
		t = strings.ToLower(truncate(strings.TrimSpace(t), ai.MaxTag))
		if t != "" && !seen[t] && len(out) < 5 {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}
