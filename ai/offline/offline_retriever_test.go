package offline

import (
	"context"
	"strings"
	"testing"

	"github.com/learnd/learnd/ai"
)

func TestOfflineRetriever(t *testing.T) {
	t.Parallel()
	chunks := testChunks()
	t.Run("document modules", func(t *testing.T) {
		t.Parallel()
		f := &fakeRetriever{chunks: chunks}
		c, err := New().Course(context.Background(), ai.CourseRequest{Prompt: "Course on confined spaces", Options: ai.Options{Modules: 4}, Chunks: chunks, Retrieve: f.retrieve})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.queries) != 4 {
			t.Errorf("%d retrievals, want one per module: %q", len(f.queries), f.queries)
		}
		for i, q := range f.queries {
			if !strings.HasPrefix(q, testHeadings[i]) {
				t.Errorf("query %d %q does not name the module %q", i, q, testHeadings[i])
			}
		}
		if share := checkGrounded(t, questionsOf(c.Sections), chunks); share != 1 {
			t.Errorf("groundedness %.2f", share)
		}
	})
	t.Run("prompt grounded by retrieval", func(t *testing.T) {
		t.Parallel()
		f := &fakeRetriever{chunks: chunks}
		c, err := New().Course(context.Background(), ai.CourseRequest{Prompt: "A course on confined space rescue and atmospheric testing for site supervisors",
			Options: ai.Options{Modules: 4}, Retrieve: f.retrieve})
		if err != nil {
			t.Fatal(err)
		}
		if len(f.queries) != 4 {
			t.Errorf("%d retrievals, want 4", len(f.queries))
		}
		var grounded []ai.Question
		for _, q := range questionsOf(c.Sections) {
			if q.SourceChunkID != nil {
				grounded = append(grounded, q)
			}
		}
		if len(grounded) == 0 {
			t.Fatal("no question drawn from the retrieved chunks")
		}
		if share := checkGrounded(t, grounded, chunks); share != 1 {
			t.Errorf("groundedness %.2f", share)
		}
		text := normalizedText(chunks)
		fromText := 0
		for _, s := range c.Sections {
			for _, e := range s.Elements {
				if e.Brief != nil {
					for _, k := range e.Brief.KeyPoints {
						if strings.Contains(text, k) {
							fromText++
						}
					}
				}
			}
		}
		if fromText == 0 {
			t.Error("no key point comes from the retrieved chunks")
		}
	})
}
