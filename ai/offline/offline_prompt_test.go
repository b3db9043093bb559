package offline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/learnd/learnd/ai"
)

// TestOfflinePromptOutline: a prompt-only course offline is an honest outline — modules
// with lessons that state their objective and what they must cover, each marked as
// needing content on its page, in the requested language, with no quiz made up about the
// outline, and warnings that say so.
func TestOfflinePromptOutline(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name         string
		prompt       string
		opts         ai.Options
		wantTitle    string
		wantModules  int
		wantSections []string // some titles that must be there
		wantAudience string
		lang         string
	}{
		{name: "seed example", prompt: "Build a compliance course on confined-space safety for warehouse staff. 6 lessons + a final quiz.",
			wantTitle: "Confined-space safety", wantModules: 6,
			wantSections: []string{"Introduction to confined-space safety", "Rules, regulations and standards", "Procedures and best practices", "Review and next steps"},
			wantAudience: "warehouse staff", lang: "en"},
		{name: "subtopics", prompt: "Create a training about customer service for retail staff covering greetings, complaints and refunds.",
			wantTitle: "Customer service", wantModules: 6, wantSections: []string{"Greetings", "Complaints", "Refunds", "Introduction to customer service"},
			wantAudience: "retail staff", lang: "en"},
		{name: "modules and title options", prompt: "An introduction to Python programming for data analysts, with a 5-question quiz",
			opts: ai.Options{Modules: 3, Title: "Python for analysts"}, wantTitle: "Python for analysts", wantModules: 3,
			wantSections: []string{"Introduction to Python programming"}, wantAudience: "data analysts", lang: "en"},
		{name: "language option", prompt: "Course on food hygiene for kitchen staff", opts: ai.Options{Language: "es", Modules: 4},
			wantTitle: "Food hygiene", wantModules: 4, wantSections: []string{"Introducción a food hygiene"}, wantAudience: "kitchen staff", lang: "es"},
		{name: "spanish prompt", prompt: "Crea un curso sobre seguridad contra incendios para personal de oficina", opts: ai.Options{Modules: 3},
			wantTitle: "Seguridad contra incendios", wantModules: 3, wantSections: []string{"Introducción a seguridad contra incendios"}, wantAudience: "personal de oficina", lang: "es"},
		{name: "no audience", prompt: "Make a course about time management", wantTitle: "Time management", wantModules: 6,
			wantSections: []string{"Introduction to time management"}, wantAudience: "All learners", lang: "en"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := New().Course(context.Background(), ai.CourseRequest{Prompt: tc.prompt, Options: tc.opts})
			if err != nil {
				t.Fatal(err)
			}
			if c.Title != tc.wantTitle {
				t.Errorf("title %q, want %q", c.Title, tc.wantTitle)
			}
			if n := len(c.Sections); n != tc.wantModules {
				t.Errorf("%d modules, want %d", n, tc.wantModules)
			}
			var titles []string
			for _, s := range c.Sections {
				titles = append(titles, s.Title)
			}
			for _, w := range tc.wantSections {
				if !slices.Contains(titles, w) {
					t.Errorf("no section %q in %q", w, titles)
				}
			}
			if qs := questionsOf(c.Sections); len(qs) != 0 {
				t.Errorf("%d questions made up without a source: %q", len(qs), qs[0].Text)
			}
			if len(c.Warnings) < 2 || !strings.Contains(c.Warnings[0], "outline") || !strings.Contains(c.Warnings[1], "no quiz") {
				t.Errorf("warnings %q: want the outline and the missing quiz explained", c.Warnings)
			}
			for _, s := range c.Sections {
				for _, e := range s.Elements {
					if e.Kind != ai.KindLesson || e.Brief == nil || e.Brief.TargetAudience != tc.wantAudience || len(e.Brief.KeyPoints) < 1 {
						t.Errorf("element %q: brief %+v", e.Title, e.Brief)
						continue
					}
					if len(e.Pages) != 1 || e.Pages[0].Title != label(tc.lang, lContentNeeded) || !strings.Contains(e.Pages[0].Body, e.Brief.KeyPoints[0]) {
						t.Errorf("lesson %q is not marked as needing content in %s: %+v", e.Title, tc.lang, e.Pages)
					}
					if got := detectLanguage(e.Brief.Description + " " + strings.Join(e.Brief.KeyPoints, " ")); got != tc.lang {
						t.Errorf("lesson %q is written in %s, want %s: %q %q", e.Title, got, tc.lang, e.Brief.Description, e.Brief.KeyPoints)
					}
				}
			}
			if err := ai.ValidateCourse(c); err != nil {
				t.Errorf("invalid: %v", err)
			}
		})
	}
}

func TestOfflinePromptErrors(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "   ", "Build a course."} {
		if _, err := New().Course(context.Background(), ai.CourseRequest{Prompt: p}); err == nil {
			t.Errorf("prompt %q: no error", p)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New().Course(ctx, ai.CourseRequest{Prompt: "Course on fire safety"}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestOfflineParsePrompt(t *testing.T) {
	t.Parallel()
	cases := []struct {
		prompt                      string
		topic, audience             string
		modules, lessons, questions int
		subtopics                   []string
	}{
		{prompt: "Build a compliance course on confined-space safety for warehouse staff. 6 lessons + a final quiz.",
			topic: "confined-space safety", audience: "warehouse staff", lessons: 6},
		{prompt: "Build a new-hire safety training based on these PDFs. 6 lessons, plain language, 10-question final quiz.",
			topic: "safety", lessons: 6, questions: 10},
		{prompt: "Create a 4-module course about GDPR for HR managers, covering consent, data subject rights and breaches.",
			topic: "GDPR", audience: "HR managers", modules: 4, subtopics: []string{"consent", "data subject rights", "breaches"}},
		{prompt: "Introduction to forklift operation aimed at new drivers with eight modules",
			topic: "forklift operation", audience: "new drivers", modules: 8},
	}
	for _, tc := range cases {
		r := parsePrompt(tc.prompt)
		if r.topic != tc.topic || r.audience != tc.audience || r.modules != tc.modules || r.lessons != tc.lessons || r.questions != tc.questions ||
			!slices.Equal(r.subtopics, tc.subtopics) {
			t.Errorf("parsePrompt(%q) = %+v", tc.prompt, r)
		}
	}
}
