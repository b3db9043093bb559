package offline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

// module is a section of a course built from a document: its sentences (indices into
// doc.sents, in document order) and where its title comes from.
type module struct {
	origins []origin // the document headings merged into it (one unless merged)
	part    bool     // one of the parts a heading was split into
	sents   []int
	title   string
	boost   map[int]float64 // chunk index → relevance to the module (from the retriever)
	outline *outlineModule  // the outline module, for prompt-driven modules
}

type origin struct {
	heading string
	words   int
}

func (m *module) heading() string {
	best := origin{}
	for _, o := range m.origins {
		if o.heading != "" && o.words > best.words {
			best = o
		}
	}
	return best.heading
}

// errTooShort is returned when the source materials hold too little text for a course.
var errTooShort = errors.New("the source materials hold too little text to build a course (a few sentences at least are needed)")

// fromChunks builds a course from a document: sections from its headings, lesson briefs
// from its most central sentences, a final quiz from its facts.
func (g *Generator) fromChunks(ctx context.Context, req ai.CourseRequest) (ai.Course, error) {
	chunks := slices.Clone(req.Chunks)
	slices.SortStableFunc(chunks, func(a, b ai.Chunk) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
	d := analyse(chunks, normLanguage(req.Options.Language))
	if len(d.sents) < 3 {
		return ai.Course{}, errTooShort
	}
	r := parsePrompt(req.Prompt)
	n := moduleCount(req.Options.Modules, r)
	mods := d.fit(d.byHeading(), n)
	for _, m := range mods {
		m.title = stripNumber(d.moduleTitle(m))
	}
	uniqueTitles(mods)
	if req.Retrieve != nil {
		if err := d.relevance(ctx, req.Retrieve, mods, r.topic); err != nil {
			return ai.Course{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return ai.Course{}, err
	}
	audience := r.audience
	if audience == "" {
		audience = label(d.lang, lAllLearners)
	}
	lessons := lessonsPerModule(r, len(mods))
	course := ai.Course{Title: req.Options.Title}
	if course.Title == "" {
		course.Title = d.courseTitle(r)
	}
	for _, m := range mods {
		course.Sections = append(course.Sections, ai.Section{Title: m.title, Elements: d.lessons(m, lessons, audience, true)})
	}
	questions := r.questions
	if questions == 0 {
		questions = defaultQuestions
	}
	qs := d.quiz(mods, questions, nil)
	if len(qs) == 0 {
		return ai.Course{}, errTooShort
	}
	course.Sections = append(course.Sections, finalQuiz(d.lang, qs))
	course.Annotation = d.annotation(chunks, course)
	course.Tags = d.tags()
	course.Title = truncate(course.Title, ai.MaxTitle)
	return course, nil
}

// defaultQuestions is the final quiz's length when the prompt does not say.
const defaultQuestions = 10

func finalQuiz(lang string, qs []ai.Question) ai.Section {
	return ai.Section{Title: label(lang, lFinalQuiz), Elements: []ai.Element{{Kind: ai.KindQuiz, Title: label(lang, lFinalQuizTitle), Questions: qs}}}
}

// relevance asks the retriever for the chunks most relevant to each module (its title and
// the prompt's topic) and boosts their sentences when lessons and questions are chosen.
func (d *doc) relevance(ctx context.Context, retrieve ai.Retriever, mods []*module, topic string) error {
	index := map[uuid.UUID]int{}
	for i, c := range d.chunks {
		index[c.ID] = i
	}
	for _, m := range mods {
		q := m.title
		if topic != "" {
			q += " " + topic
		}
		const k = 8
		found, err := retrieve(ctx, q, k)
		if err != nil {
			return fmt.Errorf("retrieve chunks for %q: %w", m.title, err)
		}
		m.boost = map[int]float64{}
		for rank, c := range found {
			if ci, ok := index[c.ID]; ok {
				m.boost[ci] = max(m.boost[ci], 1+0.5*float64(k-rank)/k)
			}
		}
	}
	return nil
}
