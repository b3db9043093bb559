package offline

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

func TestOfflineCourseFromDocument(t *testing.T) {
	t.Parallel()
	chunks := testChunks()
	cases := []struct {
		name       string
		opts       ai.Options
		wantTitles []string // content sections, before the final quiz
		wantTitle  string
	}{
		{name: "one section per heading", opts: ai.Options{Modules: 4}, wantTitles: testHeadings, wantTitle: "Confined spaces"},
		{name: "headings merged", opts: ai.Options{Modules: 2, Title: "Confined-space entry"},
			wantTitles: []string{"Confined spaces and atmospheric testing", "Ventilation and rescue"}, wantTitle: "Confined-space entry"},
		{name: "headings split", opts: ai.Options{Modules: 5}},
		{name: "default modules", opts: ai.Options{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := New().Course(context.Background(), ai.CourseRequest{Prompt: "Build a course on confined spaces for maintenance technicians.", Options: tc.opts, Chunks: chunks})
			if err != nil {
				t.Fatal(err)
			}
			if err := ai.ValidateCourse(c); err != nil {
				t.Fatal(err)
			}
			content := c.Sections[:len(c.Sections)-1]
			var titles []string
			for _, s := range content {
				titles = append(titles, s.Title)
			}
			if tc.wantTitles != nil && !slices.Equal(titles, tc.wantTitles) {
				t.Errorf("section titles %q, want %q", titles, tc.wantTitles)
			}
			want := tc.opts.Modules
			if want == 0 {
				want = ai.DefaultModules
			}
			if want > len(testHeadings) {
				// Split only as far as the text allows, every heading still in a title.
				if len(content) <= len(testHeadings) || len(content) > want {
					t.Errorf("%d sections for %d modules asked over %d headings", len(content), want, len(testHeadings))
				}
				for _, h := range testHeadings {
					if !slices.ContainsFunc(titles, func(s string) bool { return strings.HasPrefix(s, h) }) {
						t.Errorf("no section title starts with heading %q: %q", h, titles)
					}
				}
			} else if len(content) != want {
				t.Errorf("%d content sections, want %d", len(content), want)
			}
			if tc.wantTitle != "" && c.Title != tc.wantTitle {
				t.Errorf("title %q, want %q", c.Title, tc.wantTitle)
			}
			last := c.Sections[len(c.Sections)-1]
			if last.Title != "Final quiz" || len(last.Elements) != 1 || last.Elements[0].Kind != ai.KindQuiz {
				t.Fatalf("last section %+v is not the final quiz", last)
			}
			text := normalizedText(chunks)
			for _, s := range content {
				for _, e := range s.Elements {
					if e.Kind != ai.KindLesson || e.Brief == nil {
						t.Fatalf("section %q: element %+v is not a lesson with a brief", s.Title, e)
					}
					b := e.Brief
					if b.Topic == "" || b.Title == "" || b.Description == "" || b.TargetAudience == "" || len(b.KeyPoints) == 0 {
						t.Errorf("incomplete brief %+v", b)
					}
					if b.TargetAudience != "maintenance technicians" {
						t.Errorf("target audience %q, want the prompt's", b.TargetAudience)
					}
					for _, k := range b.KeyPoints {
						if !strings.Contains(text, k) {
							t.Errorf("key point %q is not a sentence of the text", k)
						}
					}
					if len(e.Pages) != 1 || e.Pages[0].Body == "" {
						t.Errorf("lesson %q has no page of source text", e.Title)
					}
				}
			}
			qs := questionsOf(c.Sections)
			if len(qs) < 8 {
				t.Errorf("only %d quiz questions", len(qs))
			}
			if share := checkGrounded(t, qs, chunks); share != 1 {
				t.Errorf("groundedness %.2f, want 1", share)
			}
		})
	}
}

func TestOfflineGroundedness20Pages(t *testing.T) {
	t.Parallel()
	chunks := SampleChunks(20)
	c, err := New().Course(context.Background(), ai.CourseRequest{Prompt: "New-hire training on confined spaces, 10-question final quiz.", Chunks: chunks})
	if err != nil {
		t.Fatal(err)
	}
	qs := questionsOf(c.Sections)
	if len(qs) != 10 {
		t.Errorf("%d questions, want the 10 asked for", len(qs))
	}
	share := checkGrounded(t, qs, chunks)
	t.Logf("groundedness: %d questions, %.0f%% with the correct answer verbatim in the cited chunk", len(qs), share*100)
	if share != 1 {
		t.Errorf("groundedness %.2f, want 1", share)
	}
	// The quiz mixes kinds of facts and spreads over the modules.
	cited := map[string]bool{}
	for _, q := range qs {
		cited[q.SourceChunkID.String()] = true
	}
	if len(cited) < 6 {
		t.Errorf("questions cite only %d chunks", len(cited))
	}
}

func TestOfflineDeterministic(t *testing.T) {
	t.Parallel()
	chunks := testChunks()
	reversed := slices.Clone(chunks)
	slices.Reverse(reversed) // chunks are put in document order by Ordinal
	cases := []struct {
		name string
		a, b ai.CourseRequest
	}{
		{"document", ai.CourseRequest{Prompt: "Safety course", Chunks: chunks}, ai.CourseRequest{Prompt: "Safety course", Chunks: reversed}},
		{"prompt", ai.CourseRequest{Prompt: "A course on fire safety for office staff"}, ai.CourseRequest{Prompt: "A course on fire safety for office staff"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, err := New().Course(context.Background(), tc.a)
			if err != nil {
				t.Fatal(err)
			}
			b, err := New().Course(context.Background(), tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Error("the same input gave two different courses")
			}
		})
	}
}

func BenchmarkOffline20Pages(b *testing.B) {
	chunks := SampleChunks(20)
	words := 0
	for _, c := range chunks {
		words += len(strings.Fields(c.Text))
	}
	g := New()
	req := ai.CourseRequest{Prompt: "Build a new-hire safety training based on these PDFs. 10-question final quiz.", Chunks: chunks}
	for b.Loop() {
		if _, err := g.Course(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(words), "words")
}

func TestOfflineDocumentEdgeCases(t *testing.T) {
	t.Parallel()
	id := func(i int) uuid.UUID { return uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprintf("edge-%d", i))) }
	noHeadings := []ai.Chunk{{ID: id(0), Source: "scan.png", Text: normalizedText(testChunks())}}
	spanish := []ai.Chunk{
		{ID: id(1), Ordinal: 0, Heading: "Ventilación", Text: "La ventilación forzada es el uso de un ventilador para introducir aire fresco en el espacio. " +
			"El ventilador debe funcionar durante al menos 15 minutos antes de la entrada. La toma de aire debe estar a 3 metros del escape del motor. " +
			"El oxígeno puro nunca se usa para ventilar porque los materiales arden con más facilidad."},
		{ID: id(2), Ordinal: 1, Heading: "Rescate", Text: "El vigilante es una persona formada que permanece fuera del espacio y observa a los trabajadores. " +
			"El equipo de rescate debe llegar al espacio en menos de 4 minutos. El plan de rescate es un documento escrito que indica quién realiza el rescate. " +
			"La empresa organiza un simulacro de rescate cada 12 meses y lo anota en el registro de formación."},
	}
	var many []ai.Chunk
	for i := 0; i < 40; i++ {
		many = append(many, ai.Chunk{ID: id(100 + i), Ordinal: i, Heading: fmt.Sprintf("Topic %d", i+1),
			Text: fmt.Sprintf("Rule %d says that each crew checks %d valves every shift. The crew writes the result in log book %c before noon.", i+1, i+3, 'A'+rune(i%26))})
	}
	cases := []struct {
		name    string
		chunks  []ai.Chunk
		opts    ai.Options
		wantErr bool
		check   func(t *testing.T, c ai.Course)
	}{
		{name: "no headings", chunks: noHeadings, opts: ai.Options{Modules: 3}, check: func(t *testing.T, c ai.Course) {
			if len(c.Sections) != 4 || c.Title != "Scan" {
				t.Errorf("%d sections, title %q", len(c.Sections), c.Title)
			}
			for _, s := range c.Sections {
				if s.Title == "" {
					t.Error("untitled section")
				}
			}
		}},
		{name: "spanish", chunks: spanish, check: func(t *testing.T, c ai.Course) {
			last := c.Sections[len(c.Sections)-1]
			if last.Title != "Evaluación final" {
				t.Errorf("final section %q", last.Title)
			}
			for _, q := range last.Elements[0].Questions {
				if !strings.HasPrefix(q.Text, "Completa la frase:") && !strings.HasPrefix(q.Text, "¿Verdadero o falso?") && !strings.HasPrefix(q.Text, "¿Cuál") && !strings.HasPrefix(q.Text, "¿Qué") && !strings.HasPrefix(q.Text, "En el procedimiento") {
					t.Errorf("question %q", q.Text)
				}
			}
		}},
		{name: "english text, spanish labels", chunks: testChunks(), opts: ai.Options{Language: "es", Modules: 4}, check: func(t *testing.T, c ai.Course) {
			if last := c.Sections[len(c.Sections)-1]; last.Title != "Evaluación final" || len(last.Elements[0].Questions) < 8 {
				t.Errorf("final section %+v", last)
			}
		}},
		{name: "many headings", chunks: many, opts: ai.Options{Modules: 6}, check: func(t *testing.T, c ai.Course) {
			if len(c.Sections) != 7 {
				t.Errorf("%d sections, want 6 and the quiz", len(c.Sections))
			}
		}},
		{name: "too little text", chunks: []ai.Chunk{{ID: id(9), Text: "Hello there. Bye."}}, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := New().Course(context.Background(), ai.CourseRequest{Prompt: "", Options: tc.opts, Chunks: tc.chunks})
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, c)
			if share := checkGrounded(t, questionsOf(c.Sections), tc.chunks); share != 1 {
				t.Errorf("groundedness %.2f", share)
			}
		})
	}
}
