package openai

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

func TestOpenAICourseFromDocument(t *testing.T) {
	t.Parallel()
	for _, withRetriever := range []bool{false, true} {
		t.Run(fmt.Sprintf("retriever=%v", withRetriever), func(t *testing.T) {
			t.Parallel()
			chunks := document(200)
			byID := map[uuid.UUID]ai.Chunk{}
			for _, ch := range chunks {
				byID[ch.ID] = ch
			}
			attempts := map[string]int{}
			s := &scripted{answer: func(kind string, r recorded) reply {
				switch kind {
				case "outline":
					return reply{content: outlineReply(r, 0)}
				case "module":
					title := reModule.FindStringSubmatch(r.user())[2]
					attempts[title]++
					switch {
					case title == "Gas testing" && attempts[title] == 1:
						return reply{content: moduleReply(r, true)}
					case title == "Rescue" && attempts[title] == 1:
						full := moduleReply(r, false)
						return reply{content: full[:len(full)/2], finish: "length"}
					}
					return reply{content: moduleReply(r, false)}
				}
				return reply{status: http.StatusTeapot, body: `{"error":"unexpected call"}`}
			}}
			var mu sync.Mutex
			queries := map[string]string{}  // module title → query
			retrieved := map[string][]int{} // module title → stations returned
			req := ai.CourseRequest{Prompt: "A course on confined spaces for entrants", Chunks: chunks}
			if withRetriever {
				req.Retrieve = func(_ context.Context, query string, k int) ([]ai.Chunk, error) {
					title, _, _ := strings.Cut(query, ": ")
					var out []ai.Chunk
					for i := len(chunks) - 1; i >= 0 && len(out) < k; i-- { // best first: not document order
						if chunks[i].Heading == title {
							out = append(out, chunks[i])
						}
					}
					mu.Lock()
					defer mu.Unlock()
					queries[title] = query
					for _, ch := range out {
						retrieved[title] = append(retrieved[title], ch.Ordinal)
					}
					return out, nil
				}
			}
			c := start(t, s, Config{ContextTokens: 8192})
			course, err := c.Course(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if err := ai.ValidateCourse(course); err != nil {
				t.Fatal(err)
			}
			// Every option carries the model's feedback for the learner who picks it.
			for _, sec := range course.Sections {
				for _, e := range sec.Elements {
					for _, q := range e.Questions {
						for _, o := range q.Options {
							if o.Feedback == "" {
								t.Errorf("question %q: option %q has no feedback", q.Text, o.Text)
							}
						}
					}
				}
			}
			all := s.requests("")
			checkBudget(t, all, 8192)
			if len(all) != 1+6+2 {
				t.Errorf("%d calls, want the outline, 6 modules and 2 retries", len(all))
			}

			// The outline: the document does not fit 8192 tokens, so headings and excerpts.
			ol := s.requests("outline")
			if len(ol) != 1 || !strings.Contains(ol[0].user(), "too long to show whole") || !strings.Contains(ol[0].user(), "Station 0 is supervised") {
				t.Fatalf("outline request: want headings and excerpts, got %d requests", len(ol))
			}
			for _, h := range docHeadings {
				if !strings.Contains(ol[0].user(), "- "+h+"\n") {
					t.Errorf("outline request lacks the heading %q", h)
				}
			}
			if len(course.Warnings) != 1 || !strings.Contains(course.Warnings[0], "headings and excerpts") {
				t.Errorf("warnings %q", course.Warnings)
			}

			// Each module call gets its own chunks, in document order.
			firsts := map[string]recorded{}
			for _, r := range s.requests("module") {
				title := reModule.FindStringSubmatch(r.user())[2]
				if _, ok := firsts[title]; !ok {
					firsts[title] = r
				}
			}
			for _, h := range docHeadings {
				r, ok := firsts[h]
				if !ok {
					t.Errorf("no module call for %q", h)
					continue
				}
				sent := sentChunks(r.user())
				if len(sent) < 4 {
					t.Errorf("module %q got %d chunks, want at least 4 within the budget", h, len(sent))
				}
				for i, ch := range sent {
					if ch.heading != h || ch.n != i+1 || (i > 0 && ch.station <= sent[i-1].station) {
						t.Errorf("module %q got chunk %+v (want its own chunks, numbered in document order)", h, ch)
					}
					if withRetriever && !slices.Contains(retrieved[h], ch.station) {
						t.Errorf("module %q got station %d the retriever did not return", h, ch.station)
					}
				}
				if withRetriever && queries[h] != h+": What the manual says about "+strings.ToLower(h)+"." {
					t.Errorf("module %q retrieved with %q, want its title and scope", h, queries[h])
				}
				if !strings.Contains(r.system(), "Keep the whole reply under 6144 characters") {
					t.Errorf("module %q: the system prompt does not give the reply's length", h)
				}
			}

			// The wrong citation goes back with the gate's reason; the corrected reply is kept.
			gas := s.requests("module")
			gas = slices.DeleteFunc(gas, func(r recorded) bool { return !strings.Contains(r.user(), `Write module 2: "Gas testing"`) })
			if len(gas) != 2 || len(gas[1].body.Messages) != 4 || !strings.Contains(gas[1].last(), "/questions/0: fails the quality check (the answer is not stated in its source: ") {
				t.Errorf("module 2: %d requests; retry %q", len(gas), gas[len(gas)-1].last())
			}
			// The cut-off reply is asked for again, shorter.
			rescue := slices.DeleteFunc(s.requests("module"), func(r recorded) bool { return !strings.Contains(r.user(), `Write module 4: "Rescue"`) })
			if len(rescue) != 2 || len(rescue[1].body.Messages) != 2 || !strings.Contains(rescue[1].user(), "SHORTER") {
				t.Errorf("module 4: %d requests, want a shorter retry", len(rescue))
			}

			// The course: six modules with lessons and pages, then a final quiz of ten
			// questions covering every module, each citing a chunk that states its answer.
			if len(course.Sections) != 7 || course.Title != "Confined spaces" || !slices.Equal(course.Tags, []string{"safety"}) {
				t.Fatalf("course %q with %d sections, tags %q", course.Title, len(course.Sections), course.Tags)
			}
			for i, h := range docHeadings {
				sec := course.Sections[i]
				if sec.Title != h || len(sec.Elements) != 1 || sec.Elements[0].Kind != ai.KindLesson || len(sec.Elements[0].Pages) != 1 ||
					len(sec.Elements[0].Pages[0].Body) < 200 || sec.Elements[0].Brief == nil {
					t.Errorf("section %d: %+v", i, sec)
				}
			}
			last := course.Sections[6]
			if last.Title != "Final quiz" || len(last.Elements) != 1 || last.Elements[0].Kind != ai.KindQuiz {
				t.Fatalf("final section %+v", last)
			}
			quiz := last.Elements[0].Questions
			covered := map[string]bool{}
			for i, q := range quiz {
				if q.SourceChunkID == nil {
					t.Errorf("question %d cites no chunk", i)
					continue
				}
				ch := byID[*q.SourceChunkID]
				if !strings.Contains(ch.Text, correctText(q)) || ai.Gate(q, ch.Text) != "" {
					t.Errorf("question %d %q (answer %q) cites %q", i, q.Text, correctText(q), ch.Text[:40])
				}
				covered[ch.Heading] = true
			}
			if len(quiz) != 10 || len(covered) != 6 {
				t.Errorf("final quiz: %d questions covering %d modules, want 10 covering 6", len(quiz), len(covered))
			}
		})
	}
}

func TestOpenAICoursePromptOnly(t *testing.T) {
	t.Parallel()
	outlines := 0
	s := &scripted{answer: func(kind string, r recorded) reply {
		switch kind {
		case "outline":
			outlines++
			if outlines == 1 {
				return reply{content: outlineReply(r, 1)} // one module short
			}
			return reply{content: outlineReply(r, 0)}
		case "module":
			return reply{content: moduleReply(r, false)}
		}
		return reply{status: http.StatusTeapot, body: `{"error":"unexpected call"}`}
	}}
	c := start(t, s, Config{})
	course, err := c.Course(context.Background(), ai.CourseRequest{Prompt: "Küchenhygiene für neue Mitarbeiter",
		Options: ai.Options{Modules: 2, Title: "Küchenhygiene", Language: "de"}})
	if err != nil {
		t.Fatal(err)
	}
	all := s.requests("")
	if len(all) != 2+2 {
		t.Fatalf("%d calls, want two outlines and two modules", len(all))
	}
	if m := s.requests("outline")[1].last(); !strings.Contains(m, "/modules: plan exactly 2 modules (it has 1)") {
		t.Errorf("outline retry %q", m)
	}
	for _, r := range all {
		if !strings.Contains(r.system(), `Write every text in German (ISO 639-1 "de")`) {
			t.Errorf("%s call without the language", r.body.ResponseFormat.JSONSchema.Name)
		}
		if !strings.Contains(r.user(), "Küchenhygiene für neue Mitarbeiter") || strings.Contains(r.user(), "Source chunks") {
			t.Errorf("%s call: the request is missing or chunks were sent", r.body.ResponseFormat.JSONSchema.Name)
		}
	}
	for _, r := range s.requests("module") {
		if !strings.Contains(r.system(), "no source chunks: set sourceChunk to 0") || !strings.Contains(r.user(), "exactly 3 quiz questions") {
			t.Errorf("module call: want ungrounded rules and 3 questions")
		}
	}
	if course.Title != "Küchenhygiene" || len(course.Sections) != 3 || len(course.Warnings) != 0 {
		t.Fatalf("course %q, %d sections, warnings %q", course.Title, len(course.Sections), course.Warnings)
	}
	quiz := course.Sections[2].Elements[0].Questions
	if len(quiz) != 3 { // the two modules' three questions each, repeats left out
		t.Errorf("final quiz of %d questions, want 3 distinct", len(quiz))
	}
	for _, q := range quiz {
		if q.SourceChunkID != nil {
			t.Errorf("question %q cites a chunk without a document", q.Text)
		}
	}
}

func TestOpenAICourseModuleCutOffTwice(t *testing.T) {
	t.Parallel()
	s := &scripted{answer: func(kind string, r recorded) reply {
		if kind == "outline" {
			return reply{content: outlineReply(r, 0)}
		}
		full := moduleReply(r, false)
		return reply{content: full[:len(full)-10], finish: "length"}
	}}
	c := start(t, s, Config{})
	_, err := c.Course(context.Background(), ai.CourseRequest{Prompt: "Confined spaces", Chunks: document(12), Options: ai.Options{Modules: 1}})
	if !errors.Is(err, ErrInvalidReply) || !strings.HasPrefix(err.Error(), "openai generator: module 1: ") || !strings.Contains(err.Error(), "cut off") {
		t.Errorf("error %v, want module 1's reply cut off twice", err)
	}
	if n := len(s.requests("module")); n != 2 {
		t.Errorf("%d module calls, want 2", n)
	}
}
