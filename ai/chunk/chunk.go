// Package chunk splits a document's text into retrieval-sized pieces: about 800–1200
// characters each, cut at paragraph boundaries where possible, else at sentence
// boundaries (and only a sentence longer than a whole chunk at a word boundary). A heading
// always starts a new chunk, and every chunk carries the nearest heading above it, so a
// chunk never mixes two sections and a generator can rebuild the document's sections.
package chunk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Block is one piece of an extracted document, in reading order: a heading (Level 1 is
// the outermost) or a paragraph.
type Block struct {
	Heading bool
	Level   int
	Text    string
}

// Chunk is one piece of text with its nearest heading and its position (0-based) in the
// document.
type Chunk struct {
	Ordinal int
	Heading string
	Text    string
}

// Sizes of a chunk, in characters (runes).
const (
	MinChars = 800  // a chunk is cut before this only at a heading or the end
	MaxChars = 1200 // a chunk never grows past this
	// MaxHeadingChars is the longest text taken as a heading; a longer "heading" is a
	// paragraph that was mis-detected.
	MaxHeadingChars = 200
)

// Split cuts blocks into chunks.
func Split(blocks []Block) []Chunk {
	s := splitter{}
	for _, b := range blocks {
		text := collapse(b.Text)
		if text == "" {
			continue
		}
		if b.Heading && utf8.RuneCountInString(text) <= MaxHeadingChars {
			s.flush()
			s.section()
			s.heading, s.filled = text, false
			continue
		}
		s.paragraph(text)
		s.filled = true
	}
	s.flush()
	s.section()
	return s.out
}

type splitter struct {
	heading string
	cur     strings.Builder
	curLen  int // runes in cur
	out     []Chunk
	filled  bool // the current heading has text under it
}

// section keeps a heading that has no text of its own (a chapter opening straight into
// its first section) as a chunk holding just the heading, so no section of the outline
// disappears.
func (s *splitter) section() {
	if s.heading != "" && !s.filled {
		s.out = append(s.out, Chunk{Ordinal: len(s.out), Heading: s.heading, Text: s.heading})
		s.filled = true
	}
}

func (s *splitter) flush() {
	if s.curLen == 0 {
		return
	}
	s.out = append(s.out, Chunk{Ordinal: len(s.out), Heading: s.heading, Text: s.cur.String()})
	s.cur.Reset()
	s.curLen = 0
}

// add appends piece to the current chunk with sep before it (when the chunk is not empty).
func (s *splitter) add(piece, sep string, n int) {
	if s.curLen > 0 {
		s.cur.WriteString(sep)
		s.curLen += utf8.RuneCountInString(sep)
	}
	s.cur.WriteString(piece)
	s.curLen += n
}

func (s *splitter) fits(n, sepLen int) bool {
	if s.curLen == 0 {
		return n <= MaxChars
	}
	return s.curLen+sepLen+n <= MaxChars
}

func (s *splitter) paragraph(p string) {
	n := utf8.RuneCountInString(p)
	if s.fits(n, 2) {
		s.add(p, "\n\n", n)
		return
	}
	if s.curLen >= MinChars {
		s.flush()
		if n <= MaxChars {
			s.add(p, "", n)
			return
		}
	}
	// Fill the current chunk sentence by sentence.
	sep := "\n\n"
	for _, sent := range sentences(p) {
		for _, piece := range pieces(sent) {
			m := utf8.RuneCountInString(piece)
			if !s.fits(m, len(sep)) {
				s.flush()
			}
			s.add(piece, sep, m)
			sep = " "
		}
	}
}

// sentences splits a paragraph after ., ! or ? (optionally followed by a closing quote or
// bracket) when a space and an upper-case letter, digit or opening quote follow; common
// abbreviations do not end a sentence.
func sentences(p string) []string {
	var out []string
	runes := []rune(p)
	start := 0
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r != '.' && r != '!' && r != '?' {
			continue
		}
		j := i + 1
		for j < len(runes) && strings.ContainsRune(`"')]»”’`, runes[j]) {
			j++
		}
		if j >= len(runes) || runes[j] != ' ' {
			continue
		}
		k := j + 1
		if k >= len(runes) || !(unicode.IsUpper(runes[k]) || unicode.IsDigit(runes[k]) || strings.ContainsRune(`"'(«“‘`, runes[k])) {
			continue
		}
		if r == '.' && abbreviation(runes[start:i]) {
			continue
		}
		out = append(out, strings.TrimSpace(string(runes[start:j])))
		start = k
		i = j
	}
	if rest := strings.TrimSpace(string(runes[start:])); rest != "" {
		out = append(out, rest)
	}
	return out
}

// abbreviation reports whether the word before a full stop is an abbreviation that does
// not end a sentence (e.g., Mr., Dr., No., a single letter).
func abbreviation(before []rune) bool {
	k := len(before)
	for k > 0 && !unicode.IsSpace(before[k-1]) {
		k--
	}
	w := strings.ToLower(string(before[k:]))
	if utf8.RuneCountInString(w) == 1 {
		return true
	}
	switch w {
	case "mr", "mrs", "ms", "dr", "prof", "st", "no", "vs", "etc", "e.g", "i.e", "fig", "approx", "inc", "ltd", "co", "jr", "sr", "art", "sec", "ch", "vol", "p", "pp":
		return true
	}
	return false
}

// pieces splits a sentence longer than MaxChars at word boundaries (a "word" longer than
// that, at MaxChars).
func pieces(sent string) []string {
	if utf8.RuneCountInString(sent) <= MaxChars {
		return []string{sent}
	}
	var out []string
	var b strings.Builder
	n := 0
	for _, w := range strings.Fields(sent) {
		for utf8.RuneCountInString(w) > MaxChars {
			if n > 0 {
				out = append(out, b.String())
				b.Reset()
				n = 0
			}
			r := []rune(w)
			out = append(out, string(r[:MaxChars]))
			w = string(r[MaxChars:])
		}
		m := utf8.RuneCountInString(w)
		if n > 0 && n+1+m > MaxChars {
			out = append(out, b.String())
			b.Reset()
			n = 0
		}
		if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(w)
		n += m
	}
	if n > 0 {
		out = append(out, b.String())
	}
	return out
}

// collapse trims a block and folds runs of white space (line breaks included) into one
// space; control characters go.
func collapse(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
		case unicode.IsControl(r) || r == utf8.RuneError || r == '\u00ad':
		default:
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		}
	}
	return b.String()
}
