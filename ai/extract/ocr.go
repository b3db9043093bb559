package extract

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/gif"  // registers the GIF header reader for image.DecodeConfig
	_ "image/jpeg" // JPEG
	_ "image/png"  // PNG
	"strings"

	_ "golang.org/x/image/webp" // WebP

	"github.com/learnd/learnd/ai/chunk"
)

// MaxImagePixels bounds an image's size for OCR (50 megapixels: a page scanned at 600
// dpi is some 35): tesseract holds the decoded image, and a small compressed file can
// declare an enormous one.
const MaxImagePixels = 50_000_000

// extractImage prepares the image for OCR (prepareForOCR) and reads it with tesseract.
// An image larger than MaxImagePixels (by the dimensions in its header) or whose header
// cannot be read is refused before anything decodes it.
func (x Extractor) extractImage(ctx context.Context, w *workdir, kind Kind, data []byte) ([]chunk.Block, error) {
	if err := checkImageSize(kind, data); err != nil {
		return nil, err
	}
	name := "upload." + string(kind)
	if prepared, ok := prepareForOCR(data); ok {
		data, name = prepared, "prepared.png"
	}
	file, err := w.write(name, data)
	if err != nil {
		return nil, err
	}
	return x.tesseract(ctx, w, kind, file)
}

// tesseract reads an image file (page segmentation 3: fully automatic, one thread) and
// turns its paragraphs — separated by blank lines, wrapped at line ends — into blocks,
// with the plain-text heading heuristic.
func (x Extractor) tesseract(ctx context.Context, w *workdir, kind Kind, file string) ([]chunk.Block, error) {
	path, err := program(kind, "tesseract", "tesseract-ocr", x.Tesseract)
	if err != nil {
		return nil, err
	}
	lang := x.OCRLanguages
	if lang == "" {
		lang = "eng"
	}
	out, err := x.sandboxRun(ctx, kind, "tesseract", path, w.dir, file, "stdout", "-l", lang, "--psm", "3")
	if err != nil {
		return nil, err
	}
	return plainBlocks(ocrParagraphs(string(out))), nil
}

// checkImageSize reads the image's dimensions from its header (image.DecodeConfig; no
// pixels are decoded) and refuses an unreadable header or more than MaxImagePixels.
func checkImageSize(kind Kind, data []byte) error {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return &UnreadableError{Kind: kind, Detail: "its header cannot be read (" + err.Error() + ")"}
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxImagePixels {
		return &UnreadableError{Kind: kind, Detail: fmt.Sprintf("it is too large: %d × %d pixels (%.1f megapixels), more than the %d megapixels "+
			"text recognition takes; scale it down (300 dpi is plenty for text) and upload it again", cfg.Width, cfg.Height, float64(px)/1e6, MaxImagePixels/1_000_000)}
	}
	return nil
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
