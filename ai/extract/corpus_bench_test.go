package extract_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/ai/extract/extracttest"
)

// BenchmarkExtractCorpus is the extraction time of each real document of the corpus,
// sandbox included (make bench prints it).
func BenchmarkExtractCorpus(b *testing.B) {
	dir, err := extracttest.CorpusDir()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range extracttest.Corpus {
		data, err := os.ReadFile(filepath.Join(dir, c.Name))
		if err != nil {
			b.Fatal(err)
		}
		kind, _ := extract.Detect(data)
		b.Run(c.Name, func(b *testing.B) {
			for b.Loop() {
				if _, err := extracttest.Extractor.Extract(context.Background(), kind, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
