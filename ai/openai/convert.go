package openai

import (
	"errors"
	"fmt"
	"strings"

	"github.com/learnd/learnd/ai"
)

// Wire shapes of the replies (see schema.go) and their conversion to package ai values.
// Conversion collects problems (with the JSON pointers of the reply) that go back to the
// model with the retry.

type wireQuestion struct {
	Kind        string      `json:"kind"`
	Text        string      `json:"text"`
	Options     []ai.Option `json:"options"`
	SourceChunk int         `json:"sourceChunk"`
}

type wirePage struct {
	Title string `json:"title"`
	Body  string `json:"body"`
}

type wireElement struct {
	Kind      string         `json:"kind"`
	Title     string         `json:"title"`
	Brief     *ai.Brief      `json:"brief"`
	Pages     []wirePage     `json:"pages"`
	Questions []wireQuestion `json:"questions"`
}

type wireSection struct {
	Title    string        `json:"title"`
	Elements []wireElement `json:"elements"`
}

type wirePlanned struct {
	Title string `json:"title"`
	Scope string `json:"scope"`
}

type wireOutline struct {
	Title          string        `json:"title"`
	Annotation     string        `json:"annotation"`
	Tags           []string      `json:"tags"`
	FinalQuizTitle string        `json:"finalQuizTitle"`
	Modules        []wirePlanned `json:"modules"`
}

type wireLesson struct {
	Title string     `json:"title"`
	Brief ai.Brief   `json:"brief"`
	Pages []wirePage `json:"pages"`
}

type wireModule struct {
	Lessons   []wireLesson   `json:"lessons"`
	Questions []wireQuestion `json:"questions"`
}

// problems collects conversion problems and merges them with ai validation.
type problems struct{ list []ai.Problem }

func (p *problems) add(path, format string, args ...any) {
	p.list = append(p.list, ai.Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// merge adds a validation error's problems (their paths under prefix) and returns all
// problems as one error (nil when there are none).
func (p *problems) merge(err error) error { return p.mergeAt("", err) }

func (p *problems) mergeAt(prefix string, err error) error {
	if err != nil {
		var ve *ai.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		for _, pr := range ve.Problems {
			pr.Path = prefix + pr.Path
			p.list = append(p.list, pr)
		}
	}
	if len(p.list) == 0 {
		return nil
	}
	return &ai.ValidationError{Problems: p.list}
}

func convertSections(p *problems, base string, in []wireSection, chunks []ai.Chunk) []ai.Section {
	out := make([]ai.Section, len(in))
	for si, s := range in {
		sec := ai.Section{Title: strings.TrimSpace(s.Title), Elements: make([]ai.Element, len(s.Elements))}
		for ei, e := range s.Elements {
			path := fmt.Sprintf("%s/%d/elements/%d", base, si, ei)
			el := ai.Element{Kind: e.Kind, Title: strings.TrimSpace(e.Title), Brief: e.Brief, Pages: convertPages(e.Pages)}
			switch {
			case e.Kind == ai.KindLesson && len(el.Pages) == 0:
				p.add(path+"/pages", "a lesson needs 1–%d pages of teaching text", maxLessonPage)
			case e.Kind != ai.KindLesson && len(el.Pages) > 0:
				p.add(path+"/pages", "only lessons carry pages; a %s has none", e.Kind)
			}
			for qi, q := range e.Questions {
				el.Questions = append(el.Questions, convertQuestion(p, fmt.Sprintf("%s/questions/%d", path, qi), q, chunks))
			}
			sec.Elements[ei] = el
		}
		out[si] = sec
	}
	return out
}

// convertModule turns a module reply into the module's section (titled title) and its
// questions for the final quiz; problems carry the reply's paths.
func convertModule(p *problems, title string, w wireModule, chunks []ai.Chunk) (ai.Section, []ai.Question) {
	sec := ai.Section{Title: title}
	seen := map[string]int{}
	for i, l := range w.Lessons {
		path := fmt.Sprintf("/lessons/%d", i)
		b := l.Brief
		el := ai.Element{Kind: ai.KindLesson, Title: strings.TrimSpace(l.Title), Brief: &b, Pages: convertPages(l.Pages)}
		key := strings.ToLower(el.Title)
		if j, dup := seen[key]; dup && key != "" {
			p.add(path+"/title", "repeats the title of lesson %d", j)
		}
		seen[key] = i
		if len(el.Pages) == 0 {
			p.add(path+"/pages", "a lesson needs 1–%d pages of teaching text", maxLessonPage)
		}
		sec.Elements = append(sec.Elements, el)
	}
	// The section as package ai checks it; its paths become the reply's.
	var ve *ai.ValidationError
	if errors.As(ai.ValidateSections([]ai.Section{sec}), &ve) {
		for _, pr := range ve.Problems {
			if rest, ok := strings.CutPrefix(pr.Path, "/sections/0/elements/"); ok {
				pr.Path = "/lessons/" + rest
			}
			p.list = append(p.list, pr)
		}
	}
	var qs []ai.Question
	for i, wq := range w.Questions {
		path := fmt.Sprintf("/questions/%d", i)
		q := convertQuestion(p, path, wq, chunks)
		_ = p.mergeAt(path, ai.ValidateQuestion(q))
		qs = append(qs, q)
	}
	return sec, qs
}

func convertPages(in []wirePage) []ai.Page {
	var out []ai.Page
	for _, pg := range in {
		out = append(out, ai.Page{Title: strings.TrimSpace(pg.Title), Body: strings.TrimSpace(pg.Body)})
	}
	return out
}

// convertQuestion maps the cited chunk number to its id. With chunks, a question must
// cite one (1–N); when its correct answer is not in the cited chunk but is, verbatim, in
// another, the citation moves there; and it must pass ai.Gate against that chunk.
func convertQuestion(p *problems, path string, w wireQuestion, chunks []ai.Chunk) ai.Question {
	q := ai.Question{Kind: w.Kind, Text: strings.TrimSpace(w.Text), Options: w.Options}
	switch {
	case len(chunks) == 0:
	case w.SourceChunk < 1 || w.SourceChunk > len(chunks):
		p.add(path+"/sourceChunk", "must be the number (1–%d) of the chunk the question is drawn from (it is %d)", len(chunks), w.SourceChunk)
	default:
		cited := chunks[w.SourceChunk-1]
		if ans := correctText(q); ans != "" && !strings.Contains(cited.Text, ans) {
			for _, ch := range chunks {
				if strings.Contains(ch.Text, ans) {
					cited = ch
					break
				}
			}
		}
		id := cited.ID
		q.SourceChunkID = &id
		// The quality gate against the cited chunk: a failing question goes back to the
		// model with the reason, and the reply is written again.
		if why := ai.Gate(q, cited.Text); why != "" {
			p.add(path, "fails the quality check (%s); ask about a fact its cited chunk states, with options of one kind", why)
		}
	}
	return q
}

func correctText(q ai.Question) string {
	for _, o := range q.Options {
		if o.Correct {
			return o.Text
		}
	}
	return ""
}
