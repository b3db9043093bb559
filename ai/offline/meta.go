package offline

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/learnd/learnd/ai"
)

// courseTitle: the prompt's topic, else the document's own title (one document: the
// heading it opens with, else its first line when that reads as a title), else the file's
// name, else the document's key term.
func (d *doc) courseTitle(r request) string {
	if r.topic != "" {
		return capitalize(r.topic)
	}
	sources := map[string]bool{}
	for _, c := range d.chunks {
		sources[c.Source] = true
	}
	if len(sources) == 1 {
		if t := d.documentTitle(); t != "" {
			return t
		}
		for s := range sources {
			if t := prettyName(s); t != "" {
				return t
			}
		}
	}
	var all []int
	for i := range d.sents {
		all = append(all, i)
	}
	if k := d.keyphrases(all, 1); len(k) > 0 {
		return capitalize(k[0].surface)
	}
	return label(d.lang, lCourse)
}

// prettyName turns a file name into a title: "confined_spaces-2024.pdf" → "Confined
// spaces 2024"; "" when nothing readable is left.
func prettyName(name string) string {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	base = strings.NewReplacer("_", " ", "-", " ", ".", " ").Replace(base)
	base = normalize(base)
	if !hasLetter(base) || len(base) < 3 {
		return ""
	}
	return truncate(capitalize(base), ai.MaxTitle)
}

func (d *doc) annotation(chunks []ai.Chunk, c ai.Course) string {
	var names []string
	seen := map[string]bool{}
	for _, ch := range chunks {
		if ch.Source != "" && !seen[ch.Source] {
			seen[ch.Source] = true
			names = append(names, path.Base(strings.ReplaceAll(ch.Source, "\\", "/")))
		}
	}
	var b strings.Builder
	if len(names) > 0 {
		b.WriteString(fmt.Sprintf(label(d.lang, lAnnotationDoc), strings.Join(names[:min(len(names), 5)], ", ")))
	}
	for _, s := range c.Sections {
		for _, e := range s.Elements {
			if e.Brief != nil && b.Len() < 1500 {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(strings.SplitN(e.Brief.Description, " "+label(d.lang, lKeyTerms)+":", 2)[0])
				break
			}
		}
		if b.Len() >= 600 {
			break
		}
	}
	return truncate(b.String(), ai.MaxAnnotation)
}

// tags are the document's top key terms, lower case.
func (d *doc) tags() []string {
	var all []int
	for i := range d.sents {
		all = append(all, i)
	}
	var out []string
	seen := map[string]bool{}
	for _, k := range d.keyphrases(all, 8) {
		t := strings.ToLower(truncate(k.surface, ai.MaxTag))
		if !seen[t] && len(out) < 5 {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// chapterLabel is "Chapter 26. ", "Part II: ", "Capítulo 3. " before a heading.
var chapterLabel = regexp.MustCompile(`(?i)^(?:chapter|part|section|appendix|capítulo|parte|chapitre|partie|kapitel|teil)\s+[\divxlc]+[.:]?\s+`)

// documentTitle is the title a document gives itself: the heading of its first chunk
// without chapter label or section number, else its first line when short and without a
// final period (upper-case words longer than four letters lose their capitals: "GNU
// GENERAL PUBLIC LICENSE" → "GNU General Public License"); "" when neither.
func (d *doc) documentTitle() string {
	if len(d.chunks) == 0 {
		return ""
	}
	first := d.chunks[0]
	t := stripNumber(chapterLabel.ReplaceAllString(strings.TrimSpace(first.Heading), ""))
	if t == "" {
		line, _, _ := strings.Cut(strings.TrimSpace(first.Text), "\n")
		line = normalize(line)
		if n := wordCount(line); n == 0 || n > 10 || strings.ContainsAny(line[len(line)-1:], ".:;,") || !hasLetter(line) {
			return ""
		}
		t = line
	}
	if generic := strings.ToLower(t); generic == "contents" || generic == "table of contents" || generic == "preface" || generic == "introduction" {
		return ""
	}
	words := strings.Fields(t)
	for i, w := range words {
		if utf8.RuneCountInString(w) > 4 && upperShare(w) == 1 {
			words[i] = capitalize(strings.ToLower(w))
		}
	}
	return truncate(strings.Join(words, " "), ai.MaxTitle)
}
