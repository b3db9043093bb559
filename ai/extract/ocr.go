package extract

import (
	"context"
	"strings"

	"github.com/learnd/learnd/ai/chunk"
)

// extractImage runs tesseract (page segmentation 3: fully automatic, one thread) and turns
// its paragraphs — separated by blank lines, wrapped at line ends — into blocks, with the
// plain-text heading heuristic.
func (x Extractor) extractImage(ctx context.Context, kind Kind, data []byte) ([]chunk.Block, error) {
	lang := x.OCRLanguages
	if lang == "" {
		lang = "eng"
	}
	out, err := x.run(ctx, kind, "tesseract", "tesseract-ocr", x.Tesseract, "upload."+string(kind), data,
		"{}", "stdout", "-l", lang, "--psm", "3")
	if err != nil {
		return nil, err
	}
	return plainBlocks(ocrParagraphs(string(out))), nil
}

// ocrParagraphs joins the lines of each blank-line separated paragraph, mending words
// hyphenated at a line end.
func ocrParagraphs(s string) []string {
	var paras []string
	var cur strings.Builder
	flush := func() {
		if p := strings.TrimSpace(cur.String()); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
	}
	for _, line := range strings.Split(strings.ReplaceAll(s, "\f", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			flush()
			continue
		}
		switch prev := cur.String(); {
		case prev == "":
		case strings.HasSuffix(prev, "-") && len(prev) > 1 && prev[len(prev)-2] != ' ':
			cur.Reset()
			cur.WriteString(prev[:len(prev)-1])
		default:
			cur.WriteByte(' ')
		}
		cur.WriteString(line)
	}
	flush()
	return paras
}
