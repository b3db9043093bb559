// Package extract reads the text of uploaded source materials, keeping their headings:
// PDF (github.com/ledongthuc/pdf; headings from larger fonts and numbered lines), DOCX
// (archive/zip + encoding/xml; headings from the Heading/Title styles and outline
// levels), legacy Word DOC (Debian's antiword, run as a program; headings from its
// DocBook output) and images — PNG, JPEG, GIF, WebP — through OCR (Debian's tesseract,
// run as a program). Kinds are detected from the content, never from a file name.
//
// Failures are typed: *MissingProgramError (a program the kind needs is not installed),
// *NoTextError (the file holds no text: a scanned PDF, a blank image) and *UnreadableError
// (damaged or encrypted). An Extract that succeeds returns at least one non-empty block.
package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"time"
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

// Extractor reads documents. The zero value finds antiword and tesseract on PATH when
// they are needed, OCRs English and allows each program two minutes.
type Extractor struct {
	Antiword     string        // path or name of antiword; "" means "antiword" on PATH
	Tesseract    string        // path or name of tesseract; "" means "tesseract" on PATH
	OCRLanguages string        // tesseract -l value; "" means "eng"
	Timeout      time.Duration // per program run; 0 means 2 minutes
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

// Extract reads data, which must be of kind (see Detect).
func (x Extractor) Extract(ctx context.Context, kind Kind, data []byte) (Document, error) {
	var (
		blocks []chunk.Block
		err    error
	)
	switch kind {
	case PDF:
		blocks, err = extractPDF(ctx, data)
	case DOCX:
		blocks, err = extractDOCX(data)
	case DOC:
		blocks, err = x.extractDOC(ctx, data)
	case PNG, JPEG, GIF, WebP:
		blocks, err = x.extractImage(ctx, kind, data)
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
		b.Text = strings.Join(strings.Fields(strings.ToValidUTF8(strings.ReplaceAll(b.Text, "\x00", ""), "")), " ")
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

// programSlots bounds the external programs running at once on this process, so a burst
// of uploads cannot take every core.
var programSlots = make(chan struct{}, max(1, runtime.NumCPU()/2))

// run runs a program on input (written to a private temporary file named name) with args
// (the literal "{}" is replaced by the file's path) and returns its standard output.
func (x Extractor) run(ctx context.Context, kind Kind, program, pkg, configured, name string, input []byte, args ...string) ([]byte, error) {
	if configured == "" {
		configured = program
	}
	path, err := exec.LookPath(configured)
	if err != nil {
		return nil, &MissingProgramError{Kind: kind, Program: program, Package: pkg}
	}
	dir, err := os.MkdirTemp("", "learnd-extract-")
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, input, 0o600); err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	for i, a := range args {
		if a == "{}" {
			args[i] = file
		}
	}
	select {
	case programSlots <- struct{}{}:
		defer func() { <-programSlots }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	timeout := x.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Dir = dir
	// One thread per OCR run: parallelism comes from concurrent uploads, not from one
	// upload taking every core.
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1", "HOME="+dir)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return nil, &UnreadableError{Kind: kind, Detail: fmt.Sprintf("%s did not finish within %s", program, timeout)}
			}
			return nil, ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if len(msg) > 300 {
			msg = msg[:300] + "…"
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, &UnreadableError{Kind: kind, Detail: program + ": " + msg}
	}
	return stdout.Bytes(), nil
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
