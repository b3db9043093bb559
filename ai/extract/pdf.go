package extract

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"

	"github.com/learnd/learnd/ai/chunk"
)

// pdfLine is one line of a page: its glyphs on one baseline, in content order.
type pdfLine struct {
	page  int
	x, y  float64 // start of the baseline, in points (y grows upwards)
	size  float64 // the largest glyph size on the line
	bold  bool    // every glyph in a bold/black/heavy font
	text  string
	first bool // first line of its page
	last  bool // last line of its page
}

// Limits of a PDF's page content, so a small file whose compressed content streams
// inflate hugely (a "PDF bomb") cannot exhaust memory: the library keeps one pdf.Text
// per glyph of a page, and inflates streams without bound.
const (
	// MaxPDFContentBytes bounds the decompressed content streams of all pages together
	// (a stream shared by several pages counts once per page).
	MaxPDFContentBytes = 64 << 20
	// MaxPDFGlyphs bounds the glyphs read from a document, about as many characters as
	// a source material may hold (store.MaxMaterialChunks chunks of about 1,000).
	MaxPDFGlyphs = 3_000_000
	// MaxPDFPageTextBytes bounds the bytes of the string operands (the shown text) of
	// one page's content, measured before the page is read: a page's glyphs are held
	// in memory at once. Dense print holds some 10,000 characters a page.
	MaxPDFPageTextBytes = 400_000
)

// extractPDF reads the glyphs of every page (with their fonts, sizes and positions),
// rebuilds lines, drops page furniture (page numbers, running headers and footers),
// groups lines into paragraphs by line spacing and takes as headings the lines set
// larger than the body text, and numbered or bold stand-alone lines. The pages' content
// streams are measured first (MaxPDFContentBytes, MaxPDFPageTextBytes) and the glyphs
// counted as pages are read (MaxPDFGlyphs); a document over a limit is refused.
func extractPDF(ctx context.Context, data []byte) ([]chunk.Block, error) {
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "encrypt") || strings.Contains(err.Error(), "password") {
			return nil, &UnreadableError{Kind: PDF, Detail: "it is encrypted (password-protected); upload an unprotected copy"}
		}
		return nil, &UnreadableError{Kind: PDF, Detail: err.Error()}
	}
	pages := r.NumPage()
	if pages == 0 {
		return nil, &UnreadableError{Kind: PDF, Detail: "it has no pages"}
	}
	damaged, err := measurePages(ctx, r, pages)
	if err != nil {
		return nil, err
	}
	var lines []pdfLine
	glyphs := 0
	var firstErr error
	for i := 1; i <= pages; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		err := damaged[i]
		var texts []pdf.Text
		if err == nil {
			texts, err = pageTexts(r, i)
		}
		if err != nil { // a damaged page is skipped; the others still count
			if firstErr == nil {
				firstErr = fmt.Errorf("page %d: %w", i, err)
			}
			continue
		}
		glyphs += len(texts)
		if glyphs > MaxPDFGlyphs {
			return nil, &UnreadableError{Kind: PDF, Detail: fmt.Sprintf("it is too large: it holds more than %s characters of text "+
				"(the most a source material takes); split the document and upload its parts", thousands(MaxPDFGlyphs))}
		}
		lines = append(lines, pageLines(i, texts)...)
	}
	if glyphs == 0 && firstErr != nil {
		return nil, &UnreadableError{Kind: PDF, Detail: firstErr.Error()}
	}
	if glyphs == 0 || len(lines) == 0 {
		return nil, &NoTextError{Kind: PDF, Reason: fmt.Sprintf("the PDF has no text layer: its %d page(s) are images, as in a scanned document. "+
			"Upload the pages as PNG or JPEG images (they are read with OCR), or upload the original document", pages)}
	}
	body := bodySize(lines)
	return pdfBlocks(dropFurniture(lines, body), body), nil
}

// measurePages streams every page's decompressed content through a bounded reader,
// without keeping it, before any page is interpreted. It refuses the document (an
// *UnreadableError) when the pages' content together exceeds MaxPDFContentBytes or a
// page shows more than MaxPDFPageTextBytes of text, and returns the pages whose content
// cannot be read (they are skipped, as damaged pages are).
func measurePages(ctx context.Context, r *pdf.Reader, pages int) (map[int]error, error) {
	damaged := map[int]error{}
	var total int64
	for i := 1; i <= pages; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, text, err := measurePage(r, i, MaxPDFContentBytes-total)
		if err != nil {
			damaged[i] = err
			continue
		}
		total += n
		if total > MaxPDFContentBytes {
			return nil, &UnreadableError{Kind: PDF, Detail: fmt.Sprintf("it is too large: its page content is over %d MB uncompressed "+
				"(the most a PDF may hold); split the document and upload its parts",
				MaxPDFContentBytes>>20)}
		}
		if text > MaxPDFPageTextBytes {
			return nil, &UnreadableError{Kind: PDF, Detail: fmt.Sprintf("it is too large: page %d shows more than %s bytes of text, "+
				"far more than a printed page holds (the most one page may show)", i, thousands(MaxPDFPageTextBytes))}
		}
	}
	return damaged, nil
}

// measurePage returns the decompressed size of page i's content streams (the page's
// "Contents": a stream or an array of streams), reading at most budget+1 bytes, and the
// bytes of the string operands in them. The library panics on some malformed objects.
func measurePage(r *pdf.Reader, i int, budget int64) (n, text int64, err error) {
	defer func() {
		if x := recover(); x != nil {
			n, text, err = 0, 0, fmt.Errorf("malformed page content: %v", x)
		}
	}()
	p := r.Page(i)
	if p.V.IsNull() {
		return 0, 0, nil
	}
	contents := p.V.Key("Contents")
	var streams []pdf.Value
	switch contents.Kind() {
	case pdf.Stream:
		streams = []pdf.Value{contents}
	case pdf.Array:
		for j := 0; j < contents.Len(); j++ {
			streams = append(streams, contents.Index(j))
		}
	}
	var count textCounter
	for _, s := range streams {
		if s.Kind() != pdf.Stream {
			continue
		}
		rc := s.Reader()
		// A read error (a damaged stream) ends the measure of this stream; reading the
		// page reports it, as before.
		m, _ := io.Copy(&count, io.LimitReader(rc, budget-n+1))
		_ = rc.Close()
		n += m
		if n > budget {
			break
		}
	}
	return n, count.bytes(), nil
}

// textCounter counts the bytes of the string operands in content-stream data written to
// it: literal strings "(…)" (an escape counts once) and hexadecimal strings "<…>" (two
// digits a byte); comments and dictionaries "<<…>>" are not strings. Each shown glyph
// takes at least one such byte (two in most CID fonts), so this bounds a page's glyphs.
type textCounter struct {
	n       int64 // string bytes so far
	nibbles int64 // hexadecimal digits so far
	depth   int   // nesting of parentheses in a literal string; 0 outside one
	escape  bool  // after a backslash in a literal string
	octal   int   // octal digits of an escape still allowed
	hex     bool  // in a hexadecimal string
	lt      bool  // after a '<' outside strings
	comment bool  // in a comment, up to the end of the line
}

func (c *textCounter) bytes() int64 { return c.n + (c.nibbles+1)/2 }

func (c *textCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		if c.lt {
			c.lt = false
			if b == '<' { // a dictionary
				continue
			}
			c.hex = true
		}
		if c.octal > 0 {
			if b >= '0' && b <= '7' {
				c.octal--
				continue
			}
			c.octal = 0
		}
		switch {
		case c.comment:
			c.comment = b != '\n' && b != '\r'
		case c.escape:
			c.escape = false
			if b >= '0' && b <= '7' {
				c.octal = 2
			}
		case c.depth > 0:
			switch b {
			case '\\':
				c.escape = true
				c.n++
			case '(':
				c.depth++
				c.n++
			case ')':
				c.depth--
				if c.depth > 0 {
					c.n++
				}
			default:
				c.n++
			}
		case c.hex:
			switch {
			case b == '>':
				c.hex = false
			case b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F':
				c.nibbles++
			}
		case b == '%':
			c.comment = true
		case b == '(':
			c.depth = 1
		case b == '<':
			c.lt = true
		}
	}
	return len(p), nil
}

// thousands formats n with comma separators ("3,000,000").
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// pageTexts returns the glyphs of page i; the library panics on some malformed content.
func pageTexts(r *pdf.Reader, i int) (texts []pdf.Text, err error) {
	defer func() {
		if x := recover(); x != nil {
			texts, err = nil, fmt.Errorf("malformed page content: %v", x)
		}
	}()
	p := r.Page(i)
	if p.V.IsNull() {
		return nil, nil
	}
	return p.Content().Text, nil
}

func boldFont(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "bold") || strings.Contains(n, "black") || strings.Contains(n, "heavy") || strings.Contains(n, "semibold")
}

// pageLines groups a page's glyphs into lines: a new line starts where the baseline moves
// by more than a third of the glyph size, or the text jumps back to the left. Spaces are
// the space glyphs, plus gaps wider than a fifth of the size between glyphs of known width
// (a whole size where the font has no widths).
func pageLines(page int, texts []pdf.Text) []pdfLine {
	var out []pdfLine
	var (
		cur     *pdfLine
		b       strings.Builder
		lastX   float64
		lastEnd float64
		allBold bool
	)
	flush := func() {
		if cur == nil {
			return
		}
		cur.text = strings.TrimSpace(b.String())
		cur.bold = allBold
		if cur.text != "" {
			out = append(out, *cur)
		}
		cur = nil
		b.Reset()
	}
	for _, t := range texts {
		size := math.Abs(t.FontSize)
		if size < 0.5 {
			size = 0.5
		}
		if t.S == "" {
			continue
		}
		newLine := cur == nil || math.Abs(t.Y-cur.y) > 0.35*math.Max(size, cur.size) || t.X < lastX-2*size
		if newLine {
			flush()
			cur = &pdfLine{page: page, x: t.X, y: t.Y, size: 0}
			allBold = true
		} else if t.S != " " && !strings.HasSuffix(b.String(), " ") {
			gap := t.X - lastEnd
			if lastEnd == lastX { // no width known
				gap = t.X - lastX - size
			}
			if gap > 0.2*size {
				b.WriteByte(' ')
			}
		}
		if t.S == " " {
			if b.Len() > 0 && !strings.HasSuffix(b.String(), " ") {
				b.WriteByte(' ')
			}
		} else {
			b.WriteString(t.S)
			if size > cur.size {
				cur.size = size
			}
			if !boldFont(t.Font) {
				allBold = false
			}
		}
		lastX, lastEnd = t.X, t.X+t.W
	}
	flush()
	if len(out) > 0 {
		out[0].first = true
		out[len(out)-1].last = true
	}
	return out
}

var pageNumber = regexp.MustCompile(`(?i)^(?:page\s*)?(?:\d+|c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))(?:\s*(?:/|of)\s*\d+)?$|^[-–—]\s*\d+\s*[-–—]$`)

// dropFurniture removes page numbers and the running headers and footers: a line set no
// larger than the body text and not bold that is the first or last of its page with the
// same text (digits ignored) on at least three pages and half of them. (Headings that open
// every page, "2. Permits", "3. Rescue", are larger or bold, and stay.)
func dropFurniture(lines []pdfLine, body float64) []pdfLine {
	pages := map[int]bool{}
	edge := map[string]map[int]bool{}
	key := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	for _, l := range lines {
		pages[l.page] = true
		if l.first || l.last {
			k := key(l.text)
			if edge[k] == nil {
				edge[k] = map[int]bool{}
			}
			edge[k][l.page] = true
		}
	}
	out := lines[:0]
	for _, l := range lines {
		if pageNumber.MatchString(strings.TrimSpace(l.text)) {
			continue
		}
		if (l.first || l.last) && len(pages) >= 3 && !l.bold && roundSize(l.size) <= body {
			if n := len(edge[key(l.text)]); n >= 3 && 2*n >= len(pages) {
				continue
			}
		}
		out = append(out, l)
	}
	return out
}

func roundSize(s float64) float64 { return math.Round(s*2) / 2 }

// bodySize is the size most characters are set in (rounded to half a point).
func bodySize(lines []pdfLine) float64 {
	bySize := map[float64]int{}
	for _, l := range lines {
		bySize[roundSize(l.size)] += utf8.RuneCountInString(l.text)
	}
	body, most := 0.0, -1
	for s, n := range bySize {
		if n > most || (n == most && s < body) {
			body, most = s, n
		}
	}
	return body
}

// pdfBlocks turns lines into headings and paragraphs; body is the body text's size.
func pdfBlocks(lines []pdfLine, body float64) []chunk.Block {
	if len(lines) == 0 {
		return nil
	}
	// The usual distance between body lines on a page.
	var gaps []float64
	for i := 1; i < len(lines); i++ {
		a, b := lines[i-1], lines[i]
		if a.page == b.page && roundSize(a.size) == body && roundSize(b.size) == body {
			if g := a.y - b.y; g > 0 && g < 4*body {
				gaps = append(gaps, g)
			}
		}
	}
	leading := 1.2 * body
	if len(gaps) > 0 {
		sort.Float64s(gaps)
		leading = gaps[len(gaps)/2]
	}

	large := func(l pdfLine) bool { return l.size >= 1.15*body && body > 0 }
	headingLine := func(i int) bool {
		l := lines[i]
		words := len(strings.Fields(l.text))
		if words == 0 || utf8.RuneCountInString(l.text) > 150 {
			return false
		}
		last, _ := utf8.DecodeLastRuneInString(l.text)
		sentence := strings.ContainsRune(".,;", last)
		switch {
		case large(l) && words <= 20:
			return true
		case numberedLevel(l.text) > 0 && words <= 15 && !sentence && (l.bold || l.size > 1.05*body):
			return true
		case l.bold && words <= 12 && !sentence:
			// A bold line standing alone: the next line is not bold too (a bold paragraph).
			return i+1 >= len(lines) || !lines[i+1].bold
		}
		return false
	}
	// Heading levels by size: the largest heading size is level 1.
	var sizes []float64
	seen := map[float64]bool{}
	isHeading := make([]bool, len(lines))
	for i, l := range lines {
		isHeading[i] = headingLine(i)
		if isHeading[i] && large(l) && !seen[roundSize(l.size)] {
			seen[roundSize(l.size)] = true
			sizes = append(sizes, roundSize(l.size))
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(sizes)))
	levelOf := func(l pdfLine) int {
		if large(l) {
			for i, s := range sizes {
				if roundSize(l.size) == s {
					if n := numberedLevel(l.text); n > i+1 {
						return n
					}
					return i + 1
				}
			}
		}
		if n := numberedLevel(l.text); n > 0 {
			return n
		}
		return len(sizes) + 1
	}

	var out []chunk.Block
	var para strings.Builder
	flush := func() {
		if s := strings.TrimSpace(para.String()); s != "" {
			out = append(out, chunk.Block{Text: s})
		}
		para.Reset()
	}
	for i, l := range lines {
		if isHeading[i] {
			flush()
			// A heading set on two lines continues the previous heading block.
			if n := len(out); n > 0 && i > 0 && isHeading[i-1] && out[n-1].Heading &&
				lines[i-1].page == l.page && roundSize(lines[i-1].size) == roundSize(l.size) &&
				lines[i-1].y-l.y < 1.6*l.size && numberedLevel(l.text) == 0 {
				out[n-1].Text += " " + l.text
				continue
			}
			out = append(out, chunk.Block{Heading: true, Level: levelOf(l), Text: l.text})
			continue
		}
		if para.Len() > 0 && i > 0 {
			prev := lines[i-1]
			prevText := strings.TrimSpace(prev.text)
			ends := strings.HasSuffix(prevText, ".") || strings.HasSuffix(prevText, "!") || strings.HasSuffix(prevText, "?") || strings.HasSuffix(prevText, ":")
			gap := prev.y - l.y
			switch {
			case isHeading[i-1]:
			case prev.page != l.page && ends:
				flush()
			case prev.page == l.page && (gap > 1.45*leading || gap < -0.5*leading):
				flush()
			case prev.page == l.page && ends && l.x > prev.x+1.5*l.size:
				flush() // first-line indent
			}
		}
		if para.Len() > 0 {
			s := para.String()
			if r, _ := utf8.DecodeRuneInString(l.text); strings.HasSuffix(s, "-") && len(s) > 1 && unicode.IsLetter(rune(s[len(s)-2])) && unicode.IsLower(r) {
				para.Reset()
				para.WriteString(s[:len(s)-1])
			} else {
				para.WriteByte(' ')
			}
		}
		para.WriteString(l.text)
	}
	flush()
	return out
}
