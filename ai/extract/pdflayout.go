package extract

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/learnd/learnd/ai/chunk"
)

// pageBlocks are blocks that start on one page.
type pageBlocks struct {
	page   int
	blocks []chunk.Block
}

func flatten(pbs []pageBlocks) []chunk.Block {
	var out []chunk.Block
	for _, pb := range pbs {
		out = append(out, pb.blocks...)
	}
	return out
}

func sortPages(pbs []pageBlocks) {
	sort.SliceStable(pbs, func(i, j int) bool { return pbs[i].page < pbs[j].page })
}

// normalizeText is Unicode NFKC (ligatures such as "ﬁ" become "fi", compatibility forms
// their plain letters) with the symbol-font bullets of the private use area made "•",
// other private-use characters, U+FFFD and control characters dropped, and white space
// folded to single spaces.
func normalizeText(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r == 0xF0B7 || r == 0xF0A7 || r == 0xF076 || r == 0xF0D8 || r == 0xF0FC || r == 0xF0A8 || r == 0xF06E || r == 0xF0BE:
			r = '•'
		case r >= 0xE000 && r <= 0xF8FF, r >= 0xF0000, r == unicode.ReplacementChar, r == 0xAD:
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == 0x200B || r == 0xFEFF:
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

var pageNumber = regexp.MustCompile(`(?i)^(?:page\s*)?(?:\d+|c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))(?:\s*(?:/|of)\s*\d+)?$|^[-–—]\s*\d+\s*[-–—]$`)

// edgeNumber is a running header or footer's page number at either end of its line,
// set apart from the rest ("Chapter 2: Handling    3", "12    Libtasn1").
var edgeNumber = regexp.MustCompile(`^(?:\d+|[ivxlc]+)\s|\s(?:\d+|[ivxlc]+)$`)

// dropFurniture removes tables of contents' leader lines, page numbers and running
// headers and footers: a line in the top or bottom 8% of its page that is a page number,
// or is set no larger than the body text with the same text (digits ignored) there on at
// least two pages, or carries a page number set apart at one end.
func dropFurniture(lines []pdfLine, body float64) []pdfLine {
	edge := map[string]map[int]bool{}
	key := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsDigit(r) || unicode.IsSpace(r) {
				return -1
			}
			return unicode.ToLower(r)
		}, s)
	}
	for _, l := range lines {
		if l.zone {
			k := key(l.text)
			if edge[k] == nil {
				edge[k] = map[int]bool{}
			}
			edge[k][l.page] = true
		}
	}
	out := lines[:0]
	for _, l := range lines {
		text := strings.TrimSpace(l.text)
		if leaders.MatchString(text) {
			continue
		}
		if l.zone || l.first || l.last {
			if pageNumber.MatchString(text) {
				continue
			}
		}
		if l.zone && roundSize(l.size) <= body+0.5 {
			if len(edge[key(text)]) >= 2 {
				continue
			}
			if l.maxGap > 3 && edgeNumber.MatchString(text) {
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

// admonitions are the titles of notes and tips boxes: not sections, but a label for the
// paragraph that follows.
var admonitions = map[string]bool{"note": true, "tip": true, "important": true, "warning": true, "caution": true, "danger": true, "notes": true, "example": true}

// listItem starts a list item: a bullet, or a number or letter with a dot or parenthesis.
var listItem = regexp.MustCompile(`^(?:[•◦▪▫‣∙·●○■□–—*-]\s|\(?(?:\d{1,2}|[a-z])[.)]\s)`)

// headingKey is a heading's text for comparing with an outline entry: lower case, no
// section number, no punctuation at the ends.
func headingKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if m := numberedPrefix.FindString(s); m != "" && len(m) < len(s) {
		s = s[len(m):]
	}
	return strings.TrimFunc(strings.Join(strings.Fields(s), " "), func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSpace(r) })
}

var numberedPrefix = regexp.MustCompile(`^(?:(?:chapter|appendix|part|section)\s+)?(?:(?:\d{1,3}\.)*\d{1,3}\.?|[a-h]\.?|[ivx]{1,5}\.)\s+`)

// pdfTextBlocks turns a document's lines into headings and paragraphs. Headings are the
// lines the outline names (on their page or the next), lines set larger than the body
// text, and numbered or bold stand-alone lines; levels come from section numbers, else
// from outline depth, else from size.
func pdfTextBlocks(doc pdfDoc) []pageBlocks {
	if len(doc.lines) == 0 {
		return nil
	}
	body := bodySize(doc.lines)
	lines := dropFurniture(doc.lines, body)
	if len(lines) == 0 {
		return nil
	}
	// An outline entry names a heading by its text; where the entry has no section
	// number ("Naming") the line may have one ("2.2 Naming"), but where it has one the
	// line must have the same ("26.1. SQL Dump", not a list item "SQL dump").
	outline := map[string][]outlineItem{}
	for _, it := range doc.outline {
		k := headingKey(it.title)
		outline[k] = append(outline[k], it)
	}
	inOutline := func(text string, page int) (outlineItem, bool) {
		if listItem.MatchString(text) {
			return outlineItem{}, false
		}
		for _, it := range outline[headingKey(text)] {
			if page < it.page-1 || page > it.page+1 {
				continue
			}
			if numberedPrefix.MatchString(strings.ToLower(it.title)) && !strings.EqualFold(strings.Join(strings.Fields(text), " "), strings.Join(strings.Fields(it.title), " ")) {
				continue
			}
			return it, true
		}
		return outlineItem{}, false
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
	outlined := make([]int, len(lines)) // outline depth of a heading the outline names, else 0
	headingLine := func(i int) bool {
		l := lines[i]
		if it, ok := inOutline(l.text, l.page); ok {
			outlined[i] = it.depth
			return true
		}
		// The first line of a heading the outline names, set on two lines.
		if i+1 < len(lines) && lines[i+1].page == l.page {
			if it, ok := inOutline(l.text+" "+lines[i+1].text, l.page); ok {
				outlined[i] = it.depth
				return true
			}
		}
		words := len(strings.Fields(l.text))
		if words == 0 || utf8.RuneCountInString(l.text) > 150 || !strings.ContainsFunc(l.text, unicode.IsLetter) {
			return false
		}
		last, _ := utf8.DecodeLastRuneInString(l.text)
		sentence := strings.ContainsRune(".,;:", last)
		switch {
		case large(l) && words <= 20:
			return true
		case numberedLevel(l.text) > 0 && words <= 15 && !sentence && (l.bold || l.size > 1.05*body):
			return true
		case l.bold && words <= 12 && !sentence && len(doc.outline) == 0:
			// A bold line standing alone: the next line is not bold too (a bold paragraph).
			return i+1 >= len(lines) || !lines[i+1].bold
		}
		return false
	}
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
	// Levels: the size rank of a large heading (the largest is 1), deepened to its
	// section number's depth ("26.1." under "Chapter 26." of the same size is 2); else
	// the section number's depth, else the outline's, else below every size.
	levelOf := func(i int) int {
		l := lines[i]
		d := numberDepth(l.text)
		if large(l) {
			for j, s := range sizes {
				if roundSize(l.size) == s {
					return max(j+1, d)
				}
			}
		}
		switch {
		case d > 0:
			return d
		case outlined[i] > 0:
			return outlined[i]
		}
		return len(sizes) + 1
	}

	var out []pageBlocks
	var para strings.Builder
	paraPage := 0
	label := "" // an admonition's title, for the next paragraph
	emit := func(page int, b chunk.Block) { out = append(out, pageBlocks{page: page, blocks: []chunk.Block{b}}) }
	flush := func() {
		if s := strings.TrimSpace(para.String()); s != "" {
			if label != "" {
				s = label + ": " + s
				label = ""
			}
			emit(paraPage, chunk.Block{Text: s})
		}
		para.Reset()
	}
	for i, l := range lines {
		if isHeading[i] {
			flush()
			if admonitions[strings.ToLower(strings.TrimSpace(l.text))] {
				label = strings.TrimSpace(l.text)
				continue
			}
			// A heading set on two lines continues the previous heading block.
			if n := len(out); n > 0 && i > 0 && isHeading[i-1] && out[n-1].blocks[0].Heading &&
				lines[i-1].page == l.page && roundSize(lines[i-1].size) == roundSize(l.size) &&
				lines[i-1].y-l.y < 1.6*l.size && numberedLevel(l.text) == 0 && outlined[i] == 0 {
				out[n-1].blocks[0].Text += " " + l.text
				continue
			}
			emit(l.page, chunk.Block{Heading: true, Level: levelOf(i), Text: l.text})
			continue
		}
		if para.Len() > 0 && i > 0 {
			prev := lines[i-1]
			prevText := strings.TrimSpace(prev.text)
			ends := strings.HasSuffix(prevText, ".") || strings.HasSuffix(prevText, "!") || strings.HasSuffix(prevText, "?") || strings.HasSuffix(prevText, ":")
			gap := prev.y - l.y
			switch {
			case isHeading[i-1]:
			case listItem.MatchString(l.text):
				flush()
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
				// A word hyphenated at the line end is joined again.
				para.Reset()
				para.WriteString(s[:len(s)-1])
			} else {
				para.WriteByte(' ')
			}
		} else {
			paraPage = l.page
		}
		para.WriteString(l.text)
	}
	flush()
	return out
}

// sectionNumber is a heading's leading section number ("26.3.6.3." or "2.1").
var sectionNumber = regexp.MustCompile(`^((?:\d{1,3}\.)*\d{1,3})\.?\s+\S`)

// numberDepth is the depth of a heading's section number ("26.3.6.3. archive_command
// Scripts" → 4), else numberedLevel's reading ("Chapter 4" → 1), else 0.
func numberDepth(text string) int {
	if m := sectionNumber.FindStringSubmatch(text); m != nil {
		return strings.Count(m[1], ".") + 1
	}
	return numberedLevel(text)
}
