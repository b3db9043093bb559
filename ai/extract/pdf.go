package extract

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/learnd/learnd/ai/chunk"
)

// Limits of a PDF, beyond the sandbox's.
const (
	// MaxPDFPages is the most pages a PDF source material may have (a 1,000-page manual
	// is some 3,000,000 characters, the most a source material holds).
	MaxPDFPages = 2000
	// MaxOCRPages is the most pages without a text layer (scans) read by OCR in one PDF;
	// each takes a few seconds of CPU.
	MaxOCRPages = 20
	// ocrDPI is the resolution scanned pages are rendered at for OCR.
	ocrDPI = 300
)

// pdfLine is one line of a page: its text fragments on one baseline, in reading order.
type pdfLine struct {
	page   int
	x, y   float64 // left edge and baseline, in poppler's pixels (y grows upwards)
	right  float64
	size   float64 // the largest font size on the line
	bold   bool    // every fragment bold
	text   string
	first  bool    // first line of its page
	last   bool    // last line of its page
	maxGap float64 // the widest gap between two fragments, in font sizes
	zone   bool    // in the top or bottom 8% of its page
}

// pdfDoc is what poppler's pdftohtml -xml says of a document: its lines, its pages'
// heights, its outline (bookmarks) and the pages that hold no text.
type pdfDoc struct {
	pages   int
	lines   []pdfLine
	outline []outlineItem
	textual map[int]bool // pages with at least one letter or digit
}

type outlineItem struct {
	page  int
	depth int // 1 for the outermost
	title string
}

// extractPDF reads a PDF with poppler: pdfinfo first (page count, encryption, a damaged
// page tree), then pdftohtml -xml (text fragments with fonts, sizes and positions, and the
// outline), then pages without a text layer are rendered (pdftoppm) and read by OCR.
func (x Extractor) extractPDF(ctx context.Context, w *workdir, data []byte) ([]chunk.Block, error) {
	file, err := w.write("upload.pdf", data)
	if err != nil {
		return nil, err
	}
	pages, err := x.pdfInfo(ctx, w, file)
	if err != nil {
		return nil, err
	}
	html, err := program(PDF, "pdftohtml", "poppler-utils", x.Pdftohtml)
	if err != nil {
		return nil, err
	}
	out, err := x.sandboxRun(ctx, PDF, "pdftohtml", html, w.dir, "-xml", "-i", "-hidden", "-nodrm", "-q", "-stdout", "-enc", "UTF-8", "-l", strconv.Itoa(pages), file)
	if err != nil {
		return nil, err
	}
	doc, err := parsePDFXML(out)
	if err != nil {
		return nil, &UnreadableError{Kind: PDF, Detail: "poppler's output cannot be read: " + err.Error()}
	}
	doc.pages = max(doc.pages, pages)
	blocks := pdfTextBlocks(doc)
	var scanned []int
	for p := 1; p <= doc.pages; p++ {
		if !doc.textual[p] {
			scanned = append(scanned, p)
		}
	}
	if len(scanned) == 0 {
		return flatten(blocks), nil
	}
	if len(scanned) > MaxOCRPages {
		if len(blocks) == 0 {
			return nil, &NoTextError{Kind: PDF, Reason: fmt.Sprintf("the PDF has no text layer on %d of its %d pages (a scan); text recognition reads at most %d scanned pages of one PDF: "+
				"split it, or upload the original document", len(scanned), doc.pages, MaxOCRPages)}
		}
		scanned = scanned[:MaxOCRPages]
	}
	for _, p := range scanned {
		ocr, err := x.ocrPDFPage(ctx, w, file, p)
		if err != nil {
			return nil, err
		}
		blocks = append(blocks, pageBlocks{page: p, blocks: ocr})
	}
	sortPages(blocks)
	return flatten(blocks), nil
}

// pdfInfo runs pdfinfo: the page count, refusing an encrypted document, a damaged page
// tree (a loop, or a page count larger than the file can hold) and too many pages.
func (x Extractor) pdfInfo(ctx context.Context, w *workdir, file string) (int, error) {
	info, err := program(PDF, "pdfinfo", "poppler-utils", x.Pdfinfo)
	if err != nil {
		return 0, err
	}
	// poppler recovers from a damaged page tree with a warning, and may then walk the
	// same pages again and again or trust a page count the file cannot hold: such a
	// file is refused.
	out, stderr, runErr := x.sandboxRunStderr(ctx, PDF, "pdfinfo", info, w.dir, file)
	var unreadable *UnreadableError
	if runErr != nil && !errors.As(runErr, &unreadable) {
		return 0, runErr
	}
	detail := stderr
	if unreadable != nil {
		detail = unreadable.Detail + "\n" + stderr
	}
	switch low := strings.ToLower(detail); {
	case strings.Contains(low, "incorrect password") || strings.Contains(low, "encrypt"):
		return 0, &UnreadableError{Kind: PDF, Detail: "it is encrypted (password-protected); upload an unprotected copy"}
	case strings.Contains(low, "loop in pages tree") || strings.Contains(low, "page count") || strings.Contains(low, "pages tree"):
		return 0, &UnreadableError{Kind: PDF, Detail: "its page tree is damaged (" + pageTreeError(detail) + "); re-save or re-export it and upload it again"}
	case runErr != nil:
		return 0, runErr
	}
	pages := 0
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			pages, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	switch {
	case pages <= 0:
		return 0, &UnreadableError{Kind: PDF, Detail: "it has no pages"}
	case pages > MaxPDFPages:
		return 0, &UnreadableError{Kind: PDF, Detail: fmt.Sprintf("it has %s pages, more than the %s a source material may have; split the document and upload its parts", thousands(pages), thousands(MaxPDFPages))}
	}
	return pages, nil
}

// pageTreeError is poppler's message about the page tree, without its "Syntax Error: ".
func pageTreeError(s string) string {
	for _, line := range strings.Split(s, "\n") {
		low := strings.ToLower(line)
		if strings.Contains(low, "pages tree") || strings.Contains(low, "page count") {
			line = strings.TrimSpace(line)
			_, after, ok := strings.Cut(line, "Error: ")
			if ok {
				line = after
			}
			return line
		}
	}
	return "poppler could not follow it"
}

// thousands formats n with comma separators ("3,000,000").
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ocrPDFPage renders page p in grey at ocrDPI and reads it with tesseract.
func (x Extractor) ocrPDFPage(ctx context.Context, w *workdir, file string, p int) ([]chunk.Block, error) {
	ppm, err := program(PDF, "pdftoppm", "poppler-utils", x.Pdftoppm)
	if err != nil {
		return nil, err
	}
	n := strconv.Itoa(p)
	prefix := w.path("page-" + n)
	if _, err := x.sandboxRun(ctx, PDF, "pdftoppm", ppm, w.dir, "-r", strconv.Itoa(ocrDPI), "-gray", "-png", "-singlefile", "-f", n, "-l", n, file, prefix); err != nil {
		return nil, err
	}
	return x.tesseract(ctx, w, PDF, prefix+".png")
}

// xmlFragment is one <text> element of pdftohtml's XML.
type xmlFragment struct {
	page                     int
	top, left, width, height float64
	font                     string
	bold                     bool
	text                     string
}

// parsePDFXML reads pdftohtml -xml output into lines.
func parsePDFXML(b []byte) (pdfDoc, error) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	doc := pdfDoc{textual: map[int]bool{}}
	sizes := map[string]float64{}
	var (
		page       int
		pageHeight float64
		frags      []xmlFragment
		cur        *xmlFragment
		text       strings.Builder
		boldChars  int
		allChars   int
		inBold     int
		depth      int // outline nesting
		item       *outlineItem
	)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return doc, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "page":
				page = atoi(attr(t, "number"))
				pageHeight = atof(attr(t, "height"))
				doc.pages = max(doc.pages, page)
				frags = frags[:0]
			case "fontspec":
				sizes[attr(t, "id")] = atof(attr(t, "size"))
			case "text":
				cur = &xmlFragment{page: page, top: atof(attr(t, "top")), left: atof(attr(t, "left")),
					width: atof(attr(t, "width")), height: atof(attr(t, "height")), font: attr(t, "font")}
				text.Reset()
				boldChars, allChars, inBold = 0, 0, 0
			case "b":
				inBold++
			case "outline":
				depth++
			case "item":
				item = &outlineItem{page: atoi(attr(t, "page")), depth: depth}
				text.Reset()
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "b":
				inBold--
			case "text":
				if cur != nil {
					cur.text = text.String()
					cur.bold = allChars > 0 && boldChars == allChars
					frags = append(frags, *cur)
					cur = nil
				}
			case "page":
				doc.lines = append(doc.lines, fragmentLines(frags, sizes, pageHeight, doc.textual)...)
			case "outline":
				depth--
			case "item":
				if item != nil {
					item.title = normalizeText(text.String())
					if item.title != "" {
						doc.outline = append(doc.outline, *item)
					}
					item = nil
				}
			}
		case xml.CharData:
			if cur != nil || item != nil {
				text.Write(t)
				n := len(strings.TrimSpace(string(t)))
				allChars += n
				if inBold > 0 {
					boldChars += n
				}
			}
		}
	}
	return doc, nil
}

// fragmentLines joins a page's fragments on one baseline into lines, keeping poppler's
// reading order (so columns stay apart). Spaces go where fragments are apart by more than
// a fifth of the font size and neither side has one already.
func fragmentLines(frags []xmlFragment, sizes map[string]float64, pageHeight float64, textual map[int]bool) []pdfLine {
	var out []pdfLine
	var cur *pdfLine
	var b strings.Builder
	var lastBottom, lastRight float64
	flush := func() {
		if cur != nil {
			cur.text = normalizeText(b.String())
			if cur.text != "" {
				if strings.ContainsFunc(cur.text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
					textual[cur.page] = true
				}
				out = append(out, *cur)
			}
		}
		cur = nil
		b.Reset()
	}
	for _, f := range frags {
		if strings.TrimSpace(f.text) == "" {
			continue
		}
		size := sizes[f.font]
		if size <= 0 {
			size = f.height
		}
		bottom := f.top + f.height
		if r := []rune(strings.TrimSpace(f.text)); len(r) == 1 && r[0] >= 0xE000 && r[0] <= 0xF8FF {
			// A symbol font's glyph alone in its fragment: in practice a list bullet.
			f.text = "• "
		}
		same := cur != nil && abs(bottom-lastBottom) <= 0.45*min(f.height, cur.size*1.3+1) && f.left >= lastRight-0.5*size
		if !same {
			flush()
			cur = &pdfLine{page: f.page, x: f.left, y: pageHeight - bottom, size: size, bold: f.bold}
			if pageHeight > 0 && (f.top < 0.08*pageHeight || bottom > 0.92*pageHeight) {
				cur.zone = true
			}
		} else {
			gap := f.left - lastRight
			if gap/size > cur.maxGap {
				cur.maxGap = gap / size
			}
			s := b.String()
			if gap > 0.2*size && !strings.HasSuffix(s, " ") && !strings.HasPrefix(f.text, " ") {
				b.WriteByte(' ')
			}
			cur.size = max(cur.size, size)
			cur.bold = cur.bold && f.bold
		}
		b.WriteString(f.text)
		lastBottom, lastRight = bottom, f.left+f.width
		cur.right = lastRight
	}
	flush()
	if len(out) > 0 {
		out[0].first = true
		out[len(out)-1].last = true
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return f
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// leaders are a table of contents' dot leaders (". . . . 12", "......12").
var leaders = regexp.MustCompile(`(?:\s?\.){4,}\s*(?:\d+|[ivxlc]+)?\s*$|(?:\s?\.){6,}`)
