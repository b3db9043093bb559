// Package extract reads the text of uploaded source materials, keeping their headings,
// lists and tables. Every file is parsed by a kept program run in a sandbox (sandbox.go:
// a child process under CPU, memory and output limits, killed at the deadline or when the
// caller goes away, with a cap on concurrent extractions):
//
//   - PDF: poppler (pdfinfo; pdftohtml -xml for text with fonts, positions and the
//     outline; pdftoppm + tesseract for pages without a text layer);
//   - DOCX: Info-ZIP unzip pulls document.xml and styles.xml, read with encoding/xml
//     (headings from styles and outline levels, tables as "cell | cell" rows);
//   - DOC: antiword's DocBook output;
//   - PNG, JPEG, GIF, WebP: tesseract, small screenshots upscaled and greyed first.
//
// Text is normalised (Unicode NFKC, no private-use or replacement characters). Kinds are
// detected from the content, never from a file name.
//
// Failures are typed: *MissingProgramError (a program the kind needs is not installed),
// *NoTextError (the file holds no text), *UnreadableError (damaged, encrypted, or over a
// limit) and *BusyError (no extraction slot). An Extract that succeeds returns at least
// one non-empty block.
package extract

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/learnd/learnd/ai/chunk"
)

// Document is a file's text in reading order.
type Document struct {
	Kind   Kind
	Blocks []chunk.Block
}

// Text is the document's text: one block a paragraph.
func (d Document) Text() string {
	var b strings.Builder
	for i, bl := range d.Blocks {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(bl.Text)
	}
	return b.String()
}

// Headings lists the document's headings in order.
func (d Document) Headings() []string {
	var out []string
	for _, b := range d.Blocks {
		if b.Heading {
			out = append(out, b.Text)
		}
	}
	return out
}

// Extractor reads documents. The zero value finds the programs on PATH when they are
// needed, OCRs English and applies the default Limits.
type Extractor struct {
	Antiword     string // path or name of antiword; "" means "antiword" on PATH
	Tesseract    string // tesseract; "" means "tesseract" on PATH
	Pdfinfo      string // poppler's pdfinfo; "" means on PATH
	Pdftohtml    string // poppler's pdftohtml; "" means on PATH
	Pdftoppm     string // poppler's pdftoppm; "" means on PATH
	Unzip        string // Info-ZIP unzip (DOCX parts); "" means on PATH
	OCRLanguages string // tesseract -l value; "" means "eng"
	Limits       Limits
}

// MissingProgramError means the program needed to read a kind is not installed.
type MissingProgramError struct {
	Kind    Kind
	Program string // antiword, tesseract
	Package string // the Debian package that provides it
}

func (e *MissingProgramError) Error() string {
	return fmt.Sprintf("reading a %s needs the program %q, which is not installed on this server (Debian package %s)", e.Kind.Label(), e.Program, e.Package)
}

// NoTextError means the file holds no extractable text; Reason says why, for people.
type NoTextError struct {
	Kind   Kind
	Reason string
}

func (e *NoTextError) Error() string { return e.Reason }

// UnreadableError means the file is damaged, encrypted or otherwise cannot be read.
type UnreadableError struct {
	Kind   Kind
	Detail string
}

func (e *UnreadableError) Error() string {
	return fmt.Sprintf("the %s cannot be read: %s", e.Kind.Label(), e.Detail)
}

// Extract reads data, which must be of kind (see Detect). It waits for an extraction
// slot (a *BusyError when none frees up in time), and everything it runs is bounded by
// x.Limits and ends with ctx.
func (x Extractor) Extract(ctx context.Context, kind Kind, data []byte) (Document, error) {
	release, err := x.Limits.acquire(ctx)
	if err != nil {
		return Document{}, err
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, x.Limits.deadline())
	defer cancel()
	w, err := newWorkdir()
	if err != nil {
		return Document{}, err
	}
	defer w.remove()
	var blocks []chunk.Block
	switch kind {
	case PDF:
		blocks, err = x.extractPDF(ctx, w, data)
	case DOCX:
		blocks, err = x.extractDOCX(ctx, w, data)
	case DOC:
		blocks, err = x.extractDOC(ctx, w, data)
	case PNG, JPEG, GIF, WebP:
		blocks, err = x.extractImage(ctx, w, kind, data)
	default:
		return Document{}, fmt.Errorf("extract: unsupported kind %q", kind)
	}
	if err != nil {
		return Document{}, err
	}
	blocks = clean(blocks)
	if len(blocks) == 0 {
		reason := "the " + kind.Label() + " contains no text"
		if kind.Image() {
			reason = "no text was recognised in the " + kind.Label() + " (OCR found nothing legible)"
		}
		return Document{}, &NoTextError{Kind: kind, Reason: reason}
	}
	return Document{Kind: kind, Blocks: blocks}, nil
}

// clean folds white space, drops empty blocks and blocks with no letter or digit (rules,
// page numbers' punctuation), and demotes a heading that is too long to be one.
func clean(blocks []chunk.Block) []chunk.Block {
	out := blocks[:0]
	for _, b := range blocks {
		b.Text = normalizeText(strings.ToValidUTF8(b.Text, ""))
		if !strings.ContainsFunc(b.Text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		if b.Heading {
			if utf8.RuneCountInString(b.Text) > chunk.MaxHeadingChars {
				b.Heading, b.Level = false, 0
			} else {
				b.Level = max(1, min(b.Level, 6))
			}
		}
		out = append(out, b)
	}
	return out
}

var (
	numberedHeading = regexp.MustCompile(`^((?:\d{1,2}\.)*\d{1,2})\.?\s+\p{Lu}`)
	romanHeading    = regexp.MustCompile(`^(?:[IVX]{1,5}|[A-H])\.\s+\p{Lu}`)
	chapterHeading  = regexp.MustCompile(`^(?i:chapter|part|section|module|unit|lesson|appendix)\s+[\dIVXA-Z]+\b`)
)

// numberedLevel returns the depth of a numbered heading ("2" → 1, "2.3" → 2, "2.3.1" → 3)
// or 0 when text does not start like one.
func numberedLevel(text string) int {
	if m := numberedHeading.FindStringSubmatch(text); m != nil {
		return strings.Count(m[1], ".") + 1
	}
	if chapterHeading.MatchString(text) || romanHeading.MatchString(text) {
		return 1
	}
	return 0
}

// looksLikeHeading is the heuristic for text without style information (OCR, DOC without
// heading styles): a short line (≤ 12 words, ≤ 100 characters) that starts with a capital
// letter or a number, does not end like a sentence or a clause, and is followed by a
// longer paragraph.
func looksLikeHeading(text, next string) bool {
	text = strings.TrimSpace(text)
	if text == "" || next == "" {
		return false
	}
	words := strings.Fields(text)
	if len(words) > 12 || utf8.RuneCountInString(text) > 100 || utf8.RuneCountInString(next) <= utf8.RuneCountInString(text) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(text)
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	return !strings.ContainsRune(".,;!?", last)
}

// plainBlocks turns paragraphs of unstyled text into blocks, marking the heading-like ones.
func plainBlocks(paras []string) []chunk.Block {
	var out []chunk.Block
	for i, p := range paras {
		next := ""
		if i+1 < len(paras) {
			next = paras[i+1]
		}
		if looksLikeHeading(p, next) {
			level := numberedLevel(p)
			if level == 0 {
				level = 1
			}
			out = append(out, chunk.Block{Heading: true, Level: level, Text: p})
			continue
		}
		out = append(out, chunk.Block{Text: p})
	}
	return out
}
