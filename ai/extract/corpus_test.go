package extract_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/ai/extract/extracttest"
)

// corpusDir is ../shared/corpus; the test fails (not skips) without it.
func corpusDir(t *testing.T) string {
	t.Helper()
	d, err := extracttest.CorpusDir()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestExtractCorpus reads every real document of the corpus and holds the text to its
// reference: ≥ 99% of the reference's words, stray single letters ≤ 0.1% of words, no
// Ω, U+FFFD, private-use characters or ligatures, no dot leaders, and every heading the
// document really has.
func TestExtractCorpus(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"pdftohtml", "pdfinfo", "antiword", "tesseract", "unzip"} {
		needProgram(t, p)
	}
	dir := corpusDir(t)
	for _, c := range extracttest.Corpus {
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			data, ref, err := c.Read(dir)
			if err != nil {
				t.Fatal(err)
			}
			kind, what := extract.Detect(data)
			if kind == "" {
				t.Fatalf("detected as %s", what)
			}
			doc, err := extracttest.Extractor.Extract(context.Background(), kind, data)
			if err != nil {
				t.Fatal(err)
			}
			text := doc.Text()
			if os.Getenv("LEARND_DUMP_CORPUS") != "" {
				_ = os.WriteFile(filepath.Join(os.TempDir(), c.Name+".extracted.txt"), []byte(dumpBlocks(doc)), 0o644)
			}
			c.Check(t, text, doc.Headings(), ref)
			if c.Name == "pg-auth-password-screenshot.png" {
				// The term md5 appears 10 times on the page (corpus README).
				if n := strings.Count(strings.ToLower(text), "md5"); n < 9 {
					t.Errorf("OCR read md5 %d times, want at least 9 of 10:\n%s", n, text)
				}
				if !strings.Contains(text, "scram-sha-256") {
					t.Errorf("OCR lacks scram-sha-256:\n%s", text)
				}
			}
		})
	}
}

func dumpBlocks(d extract.Document) string {
	var b strings.Builder
	for _, bl := range d.Blocks {
		if bl.Heading {
			b.WriteString(strings.Repeat("#", bl.Level) + " ")
		}
		b.WriteString(bl.Text + "\n\n")
	}
	return b.String()
}

// TestExtractHostile: every hostile file of the corpus is refused (an *UnreadableError,
// a 422 to the API) within the deadline, and leaves no program running.
func TestExtractHostile(t *testing.T) {
	t.Parallel()
	files, err := extracttest.Hostile(corpusDir(t))
	if err != nil {
		t.Fatal(err)
	}
	// Slots of its own (no waiting behind the other tests' documents), so the time
	// measured is the extraction's.
	x := extract.Extractor{Limits: extract.Limits{Deadline: 10 * time.Second, Concurrent: len(files), QueueWait: 5 * time.Minute}}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			kind, what := extract.Detect(data)
			if kind == "" {
				t.Fatalf("detected as %s", what)
			}
			start := time.Now()
			_, err = x.Extract(context.Background(), kind, data)
			var unreadable *extract.UnreadableError
			if !errors.As(err, &unreadable) {
				t.Fatalf("err = %v, want an UnreadableError", err)
			}
			if d := time.Since(start); d > 10*time.Second+2*time.Second {
				t.Errorf("took %s, past the 10 s deadline", d)
			}
			t.Logf("%s: %v (%s)", filepath.Base(f), err, time.Since(start).Round(time.Millisecond))
		})
	}
}
