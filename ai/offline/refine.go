package offline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/learnd/learnd/ai"
)

// Refine returns sections to append for the feedback: a section on a topic ("Add a
// section on X with 2 lessons and a quiz"), practice quizzes ("Add two more practice
// quizzes"), a feedback survey ("Add a final survey"). Lessons and questions are grounded
// in the chunks the retriever finds for the topic when there is a retriever, else written
// from outline templates. Nothing returned repeats the course: section titles and
// question texts that exist already are avoided.
func (g *Generator) Refine(ctx context.Context, req ai.RefineRequest) ([]ai.Section, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if strings.TrimSpace(req.Feedback) == "" {
		return nil, errors.New("offline generator: the feedback does not say what to add")
	}
	secs, err := g.refine(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("offline generator: %w", err)
	}
	if err := ai.ValidateSections(secs); err != nil {
		return nil, fmt.Errorf("offline generator: %w", err)
	}
	return secs, nil
}

func (g *Generator) refine(ctx context.Context, req ai.RefineRequest) ([]ai.Section, error) {
	c := req.Course
	feedback := positionRe.ReplaceAllString(req.Feedback, " ")
	r := parsePrompt(feedback)
	lang := orDetect(req.Language, courseText(c)+" "+req.Feedback)
	existing := existingTexts(c)
	audience := r.audience
	if audience == "" || r.survey {
		audience = courseAudience(c, lang)
	}
	tmplAudience := audience
	if audience == label(lang, lAllLearners) {
		tmplAudience = label(lang, lLearners)
	}
	low := strings.ToLower(feedback)
	practice := containsAny(low, "practice", "práctica", "pratique", "übung")
	sectionAsked := containsAny(low, "section", "module", "lesson", "unit", "chapter", "sección", "módulo", "lección", "leçon", "abschnitt", "lektion", "kapitel")
	var out []ai.Section
	switch {
	case (practice || r.quiz) && !sectionAsked && r.lessons == 0:
		sec, err := g.practiceSection(ctx, req, r, lang, existing)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	case r.topic != "" && (sectionAsked || !r.survey && !containsAny(r.topic, "survey", "quiz", "encuesta", "sondage", "umfrage")):
		sec, err := g.topicSection(ctx, req, r, lang, audience, tmplAudience, existing)
		if err != nil {
			return nil, err
		}
		out = append(out, sec)
	}
	if r.survey {
		title := uniqueTitle(label(lang, lFeedback), existing)
		out = append(out, ai.Section{Title: title, Elements: []ai.Element{{Kind: ai.KindSurvey, Title: label(lang, lFeedbackSurvey)}}})
	}
	if len(out) == 0 {
		return nil, errors.New("the feedback does not say what to add (for example: “Add a section on emergency procedures with 2 lessons and a quiz”)")
	}
	return out, nil
}

// topicSection is a new section on the feedback's topic: lessons (2 unless the feedback
// says) and, when asked, a quiz.
func (g *Generator) topicSection(ctx context.Context, req ai.RefineRequest, r request, lang, audience, tmplAudience string, existing map[string]bool) (ai.Section, error) {
	title := uniqueTitle(truncate(capitalize(r.topic), ai.MaxTitle), existing)
	lessons := r.lessons
	if lessons <= 0 {
		lessons = 2
	}
	lessons = min(lessons, 6)
	questions := r.questions
	if questions <= 0 {
		questions = 5
	}
	sec := ai.Section{Title: title}
	var (
		d *doc
		m *module
	)
	if req.Retrieve != nil {
		found, err := req.Retrieve(ctx, r.topic, 12)
		if err != nil {
			return ai.Section{}, fmt.Errorf("retrieve chunks for %q: %w", r.topic, err)
		}
		found = aboutTopic(found, r.topic, lang)
		if len(found) > 0 {
			found = slices.Clone(found)
			slices.SortStableFunc(found, func(a, b ai.Chunk) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
			d = analyse(found, lang)
			m = &module{title: title}
			for i := range d.sents {
				m.sents = append(m.sents, i)
			}
			if len(m.sents) < 3 {
				d = nil
			}
		}
	}
	if d != nil {
		sec.Elements = d.lessons(m, lessons, audience, true)
	} else {
		text := outlineTextFor(lang, "refine")
		om := outlineModule{title: title, desc: capitalize(fill(text.desc, r.topic, tmplAudience, req.Course.Title))}
		for _, p := range text.points {
			om.points = append(om.points, capitalize(fill(p, r.topic, tmplAudience, req.Course.Title)))
		}
		sec.Elements = outlineLessons(lang, &om, req.Course.Title, tmplAudience, audience, lessons)
		for j := range sec.Elements {
			sec.Elements[j].Pages = []ai.Page{contentNeeded(lang, sec.Elements[j].Brief)}
		}
	}
	if r.quiz {
		var qs []ai.Question
		if d != nil {
			qs = d.quiz([]*module{m}, questions, copyAvoid(existing))
		}
		if len(qs) < questions {
			all := append(slices.Clone(req.Course.Sections), sec)
			newIdx := len(all) - 1
			qs = append(qs, outlineQuestionsOn(lang, all, questions-len(qs), func(s int) bool { return s == newIdx }, existing)...)
		}
		if len(qs) > 0 {
			sec.Elements = append(sec.Elements, ai.Element{Kind: ai.KindQuiz, Title: truncate(fmt.Sprintf(label(lang, lQuizOn), title), ai.MaxTitle), Questions: qs})
		}
	}
	return sec, nil
}

// aboutTopic keeps the retrieved chunks that are about topic: the chunk's heading or text
// holds the topic's content words (by stem; both of two, at least half of more), so
// "emergency procedures" does not take a chunk that merely mentions "procedures".
func aboutTopic(found []ai.Chunk, topic, lang string) []ai.Chunk {
	stop := stopwordsFor(lang)
	var words []string
	for _, t := range tokenize(strings.ReplaceAll(topic, "-", " "), stop) {
		if !t.stop && !generic[t.lower] {
			words = append(words, stem(t.lower))
		}
	}
	need := len(words)
	if need > 2 {
		need = (need + 1) / 2
	}
	if len(words) == 0 {
		return found
	}
	var out []ai.Chunk
	for _, c := range found {
		have := map[string]bool{}
		for _, t := range tokenize(strings.ReplaceAll(c.Heading+" "+c.Text, "-", " "), stop) {
			have[stem(t.lower)] = true
		}
		n := 0
		for _, w := range words {
			if have[w] {
				n++
			}
		}
		if n >= need {
			out = append(out, c)
		}
	}
	return out
}

// practiceSection is a section of practice quizzes (as many as the feedback asks for,
// default one) on the course's content, none repeating an existing question.
func (g *Generator) practiceSection(ctx context.Context, req ai.RefineRequest, r request, lang string, existing map[string]bool) (ai.Section, error) {
	quizzes := 1
	if m := quizCountRe.FindStringSubmatch(req.Feedback); m != nil {
		quizzes = min(max(countOf(m[1]), 1), 10)
	}
	per := r.questions
	if per <= 0 {
		per = 5
	}
	want := quizzes * per
	var qs []ai.Question
	if req.Retrieve != nil {
		q := r.topic
		if q == "" {
			q = req.Course.Title
		}
		found, err := req.Retrieve(ctx, q, 8)
		if err != nil {
			return ai.Section{}, fmt.Errorf("retrieve chunks for %q: %w", q, err)
		}
		if len(found) > 0 {
			found = slices.Clone(found)
			slices.SortStableFunc(found, func(a, b ai.Chunk) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
			d := analyse(found, lang)
			m := &module{}
			for i := range d.sents {
				m.sents = append(m.sents, i)
			}
			if len(m.sents) > 0 {
				d.rank(m.sents, m)
				qs = d.quiz([]*module{m}, want, copyAvoid(existing))
			}
		}
	}
	if len(qs) < want {
		qs = append(qs, outlineQuestionsOn(lang, req.Course.Sections, want-len(qs), nil, existing)...)
	}
	if len(qs) == 0 {
		return ai.Section{}, errors.New("the course has too little content to write practice questions from; add lessons or source materials first")
	}
	title := uniqueTitle(label(lang, lPractice), existing)
	sec := ai.Section{Title: title}
	per = max((len(qs)+quizzes-1)/quizzes, 1)
	for i := 0; i < quizzes && i*per < len(qs); i++ {
		t := label(lang, lPracticeQuiz)
		if quizzes > 1 {
			t = fmt.Sprintf("%s %d", t, i+1)
		}
		sec.Elements = append(sec.Elements, ai.Element{Kind: ai.KindQuiz, Title: t, Questions: qs[i*per : min((i+1)*per, len(qs))]})
	}
	return sec, nil
}

// positionRe finds where the feedback wants the addition ("after lesson 3"); appended
// sections always go at the end, and the clause must not be read as the topic.
var positionRe = regexp.MustCompile(`(?i)\b(?:after|before|following|at\s+the\s+end\s+of|between|después\s+de|antes\s+de|après|avant|nach|vor)\b[^,.;:!?—–]*`)

var quizCountRe = regexp.MustCompile(`(?i)\b(` + countWords + `)\s+(?:more\s+|new\s+|additional\s+|extra\s+|short\s+)?(?:practice\s+)?(?:quiz(?:zes)?|tests?|cuestionarios?|quiz|tests)\b`)

// existingTexts are the course's titles and question texts (lowercase), not to repeat.
func existingTexts(c ai.Course) map[string]bool {
	m := map[string]bool{strings.ToLower(c.Title): true}
	for _, s := range c.Sections {
		m[strings.ToLower(s.Title)] = true
		for _, e := range s.Elements {
			m[strings.ToLower(e.Title)] = true
			for _, q := range e.Questions {
				m[strings.ToLower(q.Text)] = true
			}
		}
	}
	return m
}

func copyAvoid(m map[string]bool) map[string]bool {
	out := make(map[string]bool, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// uniqueTitle returns title, numbered when the course has it already.
func uniqueTitle(title string, existing map[string]bool) string {
	t := title
	for i := 2; existing[strings.ToLower(t)]; i++ {
		t = truncate(fmt.Sprintf("%s (%d)", title, i), ai.MaxTitle)
	}
	existing[strings.ToLower(t)] = true
	return t
}

// courseText is a sample of the course's words, for language detection.
func courseText(c ai.Course) string {
	var b strings.Builder
	b.WriteString(c.Title)
	for _, s := range c.Sections {
		b.WriteString(" " + s.Title)
		for _, e := range s.Elements {
			if e.Brief != nil {
				b.WriteString(" " + e.Brief.Description + " " + strings.Join(e.Brief.KeyPoints, " "))
			}
		}
		if b.Len() > 5000 {
			break
		}
	}
	return b.String()
}

// courseAudience is the course's most common brief audience.
func courseAudience(c ai.Course, lang string) string {
	counts := map[string]int{}
	best, bestN := "", 0
	for _, s := range c.Sections {
		for _, e := range s.Elements {
			if e.Brief != nil && e.Brief.TargetAudience != "" {
				a := e.Brief.TargetAudience
				counts[a]++
				if counts[a] > bestN || counts[a] == bestN && a < best {
					best, bestN = a, counts[a]
				}
			}
		}
	}
	if best == "" {
		return label(lang, lAllLearners)
	}
	return best
}
