package offline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/chunk"
	"github.com/learnd/learnd/ai/embed"
	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/ai/extract/extracttest"
	"github.com/learnd/learnd/ai/offline"
)

// twentyPagePDF is a PDF of about twenty pages: ten headed sections of factual prose built
// from the sample manual's chunks.
func twentyPagePDF(tb testing.TB) []byte {
	tb.Helper()
	var secs []extracttest.Section
	cur := -1
	for _, c := range offline.SampleChunks(20) {
		if cur < 0 || secs[cur].Heading != c.Heading {
			secs = append(secs, extracttest.Section{Heading: c.Heading})
			cur++
		}
		secs[cur].Paragraphs = append(secs[cur].Paragraphs, c.Text)
	}
	return extracttest.PDF("Confined space safety manual", secs)
}

// BenchmarkPipeline20PagePDF: the pipeline on a generated 20-page PDF.
func BenchmarkPipeline20PagePDF(b *testing.B) { benchPipeline(b, twentyPagePDF(b)) }

// BenchmarkPipelineCorpusPDF: the pipeline on the corpus's real 23-page PDF (the
// PostgreSQL manual's "Backup and Restore" chapter exported by LibreOffice).
func BenchmarkPipelineCorpusPDF(b *testing.B) {
	dir, err := extracttest.CorpusDir()
	if err != nil {
		b.Fatal(err)
	}
	pdf, err := os.ReadFile(filepath.Join(dir, "pg-backup-libreoffice.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	benchPipeline(b, pdf)
}

// benchPipeline is what an upload plus an offline generation cost without the
// database: extract a PDF's text, chunk it, embed the chunks (local embedder) and
// generate the course from them with retrieval.
func benchPipeline(b *testing.B, pdf []byte) {
	ctx := context.Background()
	gen := offline.New()
	var words int
	for b.Loop() {
		doc, err := extracttest.Extractor.Extract(ctx, extract.PDF, pdf)
		if err != nil {
			b.Fatal(err)
		}
		chunks := chunk.Split(doc.Blocks)
		texts := make([]string, len(chunks))
		in := make([]ai.Chunk, len(chunks))
		for i, c := range chunks {
			texts[i] = c.Text
			in[i] = ai.Chunk{ID: uuid.New(), Source: "manual.pdf", Ordinal: c.Ordinal, Heading: c.Heading, Text: c.Text}
		}
		vecs, err := embed.Local{}.Embed(ctx, texts)
		if err != nil {
			b.Fatal(err)
		}
		retrieve := func(_ context.Context, q string, k int) ([]ai.Chunk, error) {
			qv, _ := embed.Local{}.Embed(ctx, []string{q})
			best := make([]ai.Chunk, 0, k)
			scores := make([]float64, 0, k)
			for i, v := range vecs {
				s := embed.Cosine(qv[0], v)
				j := len(best)
				for j > 0 && scores[j-1] < s {
					j--
				}
				if j < k {
					best = append(best[:j], append([]ai.Chunk{in[i]}, best[j:]...)...)
					scores = append(scores[:j], append([]float64{s}, scores[j:]...)...)
					if len(best) > k {
						best, scores = best[:k], scores[:k]
					}
				}
			}
			return best, nil
		}
		course, err := gen.Course(ctx, ai.CourseRequest{Prompt: "Confined space safety for warehouse staff", Chunks: in, Retrieve: retrieve})
		if err != nil {
			b.Fatal(err)
		}
		if len(course.Sections) < 2 {
			b.Fatalf("course has %d sections", len(course.Sections))
		}
		words = len(strings.Fields(doc.Text()))
	}
	b.ReportMetric(float64(words), "words")
}

func TestTwentyPagePDFIsTwentyPages(t *testing.T) {
	t.Parallel()
	pdf := twentyPagePDF(t)
	doc, err := extracttest.Extractor.Extract(context.Background(), extract.PDF, pdf)
	if err != nil {
		t.Fatal(err)
	}
	n := strings.Count(string(pdf), "/Type /Page\n") + strings.Count(string(pdf), "/Type /Page ")
	w := len(strings.Fields(doc.Text()))
	if w < 9000 || n < 18 || n > 24 {
		t.Fatalf("extracted %d words on %d pages, want ≈ 10,000 words on ≈ 20 pages", w, n)
	}
	t.Logf("%d words, %d page objects", w, n)
}
