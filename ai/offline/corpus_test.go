package offline_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/chunk"
	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/ai/extract/extracttest"
	"github.com/learnd/learnd/ai/offline"
)

// TestCorpusCourses generates a course offline from each real document of the corpus and
// holds it to what a training manager would ship: every question passes the quality gate
// against its cited chunk, lesson titles are phrases (one word only where that is the
// document's own heading), briefs open with whole sentences, and the course has a quiz. LEARND_DUMP_COURSES=1 writes each course to
// the temporary folder as text.
func TestCorpusCourses(t *testing.T) {
	t.Parallel()
	dir, err := extracttest.CorpusDir()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	kinds := map[string]int{} // question kinds over the whole corpus
	t.Cleanup(func() {
		for _, k := range []string{"fill in the blank", "true or false", "procedure", "table"} {
			if kinds[k] == 0 {
				t.Errorf("no %q question in any corpus course (kinds: %v)", k, kinds)
			}
		}
	})
	for _, c := range extracttest.Corpus {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			data, _, err := c.Read(dir)
			if err != nil {
				t.Fatal(err)
			}
			kind, _ := extract.Detect(data)
			doc, err := extracttest.Extractor.Extract(context.Background(), kind, data)
			if err != nil {
				t.Fatal(err)
			}
			var in []ai.Chunk
			sources := map[uuid.UUID]string{}
			for _, ch := range chunk.Split(doc.Blocks) {
				id := uuid.New()
				in = append(in, ai.Chunk{ID: id, Source: c.Name, Ordinal: ch.Ordinal, Heading: ch.Heading, Text: ch.Text})
				sources[id] = ch.Text
			}
			course, err := offline.New().Course(context.Background(), ai.CourseRequest{Prompt: "A course from this document", Chunks: in})
			if err != nil {
				t.Fatal(err)
			}
			if os.Getenv("LEARND_DUMP_COURSES") != "" {
				_ = os.WriteFile(filepath.Join(os.TempDir(), c.Name+".course.txt"), []byte(courseText(course)), 0o644)
			}
			if fileName := strings.NewReplacer("-", " ", "_", " ").Replace(strings.TrimSuffix(c.Name, filepath.Ext(c.Name))); strings.EqualFold(course.Title, fileName) {
				t.Errorf("course title %q is the file's name, not the document's title", course.Title)
			}
			// Pages keep the document's numbered lists and table rows as lines.
			var pages strings.Builder
			for _, s := range course.Sections {
				for _, e := range s.Elements {
					for _, p := range e.Pages {
						pages.WriteString("\n" + p.Body + "\n")
					}
				}
			}
			for _, shape := range []struct{ name, line string }{{"numbered list", "\n1. "}, {"table row", " | "}} {
				inDoc := false
				for _, ch := range in {
					inDoc = inDoc || strings.Contains("\n"+ch.Text, shape.line)
				}
				if inDoc && !strings.Contains(pages.String(), shape.line) {
					t.Errorf("the document has a %s but no lesson page keeps one", shape.name)
				}
			}
			questions := 0
			own := map[string]bool{}
			defer func() {
				mu.Lock()
				defer mu.Unlock()
				for k := range own {
					kinds[k]++
				}
				if questions > 0 && len(own) < 2 {
					t.Errorf("the quiz asks only one kind of question: %v", own)
				}
			}()
			for _, s := range course.Sections {
				for _, e := range s.Elements {
					switch e.Kind {
					case "quiz":
						for _, q := range e.Questions {
							questions++
							own[questionKind(q.Text)] = true
							src := ""
							if q.SourceChunkID != nil {
								src = sources[*q.SourceChunkID]
							}
							if why := ai.Gate(q, src); why != "" {
								t.Errorf("question fails the gate (%s): %s %v", why, q.Text, q.Options)
							}
							// Feedback for each option quotes the source that answers it.
							for _, o := range q.Options {
								quote, ok := strings.CutPrefix(o.Feedback, "Right: the source says “")
								if !o.Correct {
									quote, ok = strings.CutPrefix(o.Feedback, "Not quite: the source says “")
								}
								words := strings.Fields(strings.TrimSuffix(quote, "”"))
								start := strings.Join(words[:min(len(words), 6)], " ")
								if !ok || len(words) < 3 || !strings.Contains(strings.Join(strings.Fields(src), " "), start) {
									t.Errorf("question %q: option %q has feedback %q, want a quote of its source", q.Text, o.Text, o.Feedback)
								}
							}
						}
					case "lesson":
						if len(strings.Fields(e.Title)) < 2 && !isHeading(doc, e.Title) {
							t.Errorf("lesson title %q is a single word that is not one of the document's headings", e.Title)
						}
						if e.Brief == nil || !sentence(e.Brief.Description) {
							t.Errorf("lesson %q: brief %+v is not a whole sentence", e.Title, e.Brief)
						}
					}
				}
			}
			if questions == 0 {
				t.Errorf("no quiz questions")
			}
		})
	}
}

// isHeading: title is one of the document's headings, without its section number
// ("Timelines" for "26.3.5. Timelines").
func isHeading(doc extract.Document, title string) bool {
	for _, h := range doc.Headings() {
		if strings.EqualFold(h, title) || strings.HasSuffix(strings.ToLower(h), " "+strings.ToLower(title)) {
			return true
		}
	}
	return false
}

// sentence: starts with a capital letter or digit, ends with . ! ? or :, has a verb-like
// length (at least five words), and does not end in a dangling "the following:".
func sentence(s string) bool {
	s = strings.TrimSpace(s)
	if len(strings.Fields(s)) < 5 || strings.HasSuffix(strings.ToLower(s), "following:") {
		return false
	}
	r := []rune(s)
	return (unicode.IsUpper(r[0]) || unicode.IsDigit(r[0])) && strings.ContainsRune(".!?", r[len(r)-1])
}

func courseText(c ai.Course) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n%s\n", c.Title, c.Annotation)
	for _, s := range c.Sections {
		fmt.Fprintf(&b, "\n## %s\n", s.Title)
		for _, e := range s.Elements {
			fmt.Fprintf(&b, "### [%s] %s\n", e.Kind, e.Title)
			if e.Brief != nil {
				fmt.Fprintf(&b, "  brief: %s\n  key points: %q\n", e.Brief.Description, e.Brief.KeyPoints)
			}
			for _, q := range e.Questions {
				fmt.Fprintf(&b, "  Q: %s\n", q.Text)
				for _, o := range q.Options {
					mark := " "
					if o.Correct {
						mark = "*"
					}
					fmt.Fprintf(&b, "    %s %s\n", mark, o.Text)
				}
			}
		}
	}
	return b.String()
}

// questionKind names an English question's kind from its stem.
func questionKind(text string) string {
	switch {
	case strings.HasPrefix(text, "Fill in the blank:"):
		return "fill in the blank"
	case strings.HasPrefix(text, "True or false?"):
		return "true or false"
	case strings.Contains(text, "step of the procedure") || strings.Contains(text, "which step comes right after"):
		return "procedure"
	case strings.HasPrefix(text, "Which ") && strings.Contains(text, " matches this "):
		return "table"
	case strings.HasPrefix(text, "Which of these describes"):
		return "definition"
	}
	return "other: " + text
}

// TestCorpusRefine: refining a course built from the corpus's PostgreSQL backup chapter.
// A section on a topic the document covers (WAL archiving) is built from the chunks about
// it, with a quiz whose questions pass the gate; a section on a topic it does not cover
// (emergency procedures — the chapter's procedures are recovery steps) is an outline marked
// as needing content, not lessons built from chunks that merely say "procedure".
func TestCorpusRefine(t *testing.T) {
	t.Parallel()
	dir, err := extracttest.CorpusDir()
	if err != nil {
		t.Fatal(err)
	}
	var file extracttest.CorpusFile
	for _, c := range extracttest.Corpus {
		if c.Name == "pg-backup-libreoffice.pdf" {
			file = c
		}
	}
	data, _, err := file.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	kind, _ := extract.Detect(data)
	doc, err := extracttest.Extractor.Extract(context.Background(), kind, data)
	if err != nil {
		t.Fatal(err)
	}
	var chunks []ai.Chunk
	for _, ch := range chunk.Split(doc.Blocks) {
		chunks = append(chunks, ai.Chunk{ID: uuid.New(), Source: file.Name, Ordinal: ch.Ordinal, Heading: ch.Heading, Text: ch.Text})
	}
	// A keyword retriever: chunks holding any word of the query, most matches first.
	retrieve := func(_ context.Context, query string, k int) ([]ai.Chunk, error) {
		type hit struct {
			c ai.Chunk
			n int
		}
		var hits []hit
		for _, c := range chunks {
			n := 0
			for _, w := range strings.Fields(strings.ToLower(query)) {
				if len(w) > 3 && strings.Contains(strings.ToLower(c.Heading+" "+c.Text), strings.TrimSuffix(w, "s")) {
					n++
				}
			}
			if n > 0 {
				hits = append(hits, hit{c, n})
			}
		}
		sort.SliceStable(hits, func(i, j int) bool { return hits[i].n > hits[j].n })
		var out []ai.Chunk
		for _, h := range hits[:min(k, len(hits))] {
			out = append(out, h.c)
		}
		return out, nil
	}
	course, err := offline.New().Course(context.Background(), ai.CourseRequest{Prompt: "A course from this document", Chunks: chunks})
	if err != nil {
		t.Fatal(err)
	}
	text := map[uuid.UUID]string{}
	all := ""
	for _, c := range chunks {
		text[c.ID] = c.Text
		all += " " + strings.Join(strings.Fields(c.Text), " ")
	}

	secs, err := offline.New().Refine(context.Background(), ai.RefineRequest{Course: course, Feedback: "Add a section on WAL archiving with 2 lessons and a quiz", Retrieve: retrieve})
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 1 || len(secs[0].Elements) != 3 || secs[0].Elements[2].Kind != ai.KindQuiz {
		t.Fatalf("WAL archiving: sections %s", courseText(ai.Course{Sections: secs}))
	}
	for _, e := range secs[0].Elements[:2] {
		if e.Brief == nil || !strings.Contains(all, e.Brief.KeyPoints[0]) || len(e.Pages) == 0 || e.Pages[0].Title == "Content needed" {
			t.Errorf("WAL archiving lesson %q is not built from the document: %+v", e.Title, e.Brief)
		}
	}
	for _, q := range secs[0].Elements[2].Questions {
		if q.SourceChunkID == nil || ai.Gate(q, text[*q.SourceChunkID]) != "" {
			t.Errorf("WAL archiving question fails the gate: %s %v", q.Text, q.Options)
		}
	}

	secs, err = offline.New().Refine(context.Background(), ai.RefineRequest{Course: course, Feedback: "Add a section on emergency procedures", Retrieve: retrieve})
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) != 1 || secs[0].Title != "Emergency procedures" {
		t.Fatalf("emergency procedures: sections %s", courseText(ai.Course{Sections: secs}))
	}
	for _, e := range secs[0].Elements {
		if len(e.Pages) != 1 || e.Pages[0].Title != "Content needed" {
			t.Errorf("lesson %q of an uncovered topic is not an outline marked as needing content: %+v", e.Title, e.Pages)
		}
		for _, k := range e.Brief.KeyPoints {
			if strings.Contains(all, k) {
				t.Errorf("lesson %q takes %q from a chunk that is not about emergencies", e.Title, k)
			}
		}
	}
}
