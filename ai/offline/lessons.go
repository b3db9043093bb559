package offline

// A module's lessons: contiguous parts of its sentences, each with a brief from its most
// central sentences and a page of its text.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/learnd/learnd/ai"
)

// lessons builds a module's lessons: count lessons (0: one per ~800 words, 1–3), each
// from a contiguous part of the module's sentences, with a brief from the part's most
// central sentences and, when pages is set, one page of the part's text.
func (d *doc) lessons(m *module, count int, audience string, pages bool) []ai.Element {
	n, per := count, 2 // lessons asked for: at least two sentences each
	if n <= 0 {
		n, per = min(max((d.wordsOf(m.sents)+400)/800, 1), 3), 4
	}
	n = max(min(n, len(m.sents)/per), 1)
	parts := d.splitEven(m.sents, n)
	var out []ai.Element
	used := map[string]bool{strings.ToLower(m.title): true}
	for i, part := range parts {
		title := m.title
		if len(parts) > 1 {
			title = lessonTitle(m.title, d.keyphrases(part, 6), used)
			if title == "" {
				title = fmt.Sprintf("%s (%d)", m.title, i+1)
			}
		}
		used[strings.ToLower(title)] = true
		title = truncate(title, ai.MaxTitle)
		b := d.brief(part, m, title, audience)
		e := ai.Element{Kind: ai.KindLesson, Title: title, Brief: &b}
		if pages {
			e.Pages = []ai.Page{{Title: title, Body: d.pageBody(part)}}
		}
		out = append(out, e)
	}
	return out
}

// splitEven cuts sentences into n contiguous parts of about equal words.
func (d *doc) splitEven(sents []int, n int) [][]int {
	if n <= 1 {
		return [][]int{sents}
	}
	total := d.wordsOf(sents)
	var out [][]int
	start, acc := 0, 0
	for i, si := range sents {
		acc += d.sents[si].words
		if len(out) < n-1 && acc >= total*(len(out)+1)/n && i+1 < len(sents) {
			out = append(out, sents[start:i+1:i+1])
			start = i + 1
		}
	}
	return append(out, sents[start:])
}

// rank weighs sentences by centrality (TextRank within the part) × how well each
// stands alone × the retriever's relevance; it stores the weight on the sentences and
// returns the indices best first.
func (d *doc) rank(part []int, m *module) []int {
	pr := d.centrality(part)
	top := 0.0
	for _, p := range pr {
		top = max(top, p)
	}
	for i, si := range part {
		s := &d.sents[si]
		w := pr[i] / top * d.quality(s)
		if m != nil && m.boost != nil {
			if b, ok := m.boost[s.chunk]; ok {
				w *= b
			}
		}
		s.weight = w
	}
	order := slices.Clone(part)
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(d.sents[b].weight, d.sents[a].weight) })
	return order
}

// pick chooses up to n of the ranked sentences, skipping any too similar to one chosen.
func (d *doc) pick(ranked []int, n int) []int {
	var out []int
	for _, si := range ranked {
		similar := false
		for _, o := range out {
			if cosine(d.sents[si].vec, d.sents[o].vec) > 0.5 {
				similar = true
				break
			}
		}
		if !similar && d.sents[si].words >= 5 {
			out = append(out, si)
			if len(out) == n {
				break
			}
		}
	}
	if len(out) == 0 && len(ranked) > 0 {
		out = append(out, ranked[0])
	}
	return out
}

// brief writes a lesson brief from the part's sentences: the description is its most
// central sentence and its key terms; the key points are the next most central
// sentences (not too alike), in document order.
func (d *doc) brief(part []int, m *module, title, audience string) ai.Brief {
	ranked := d.rank(part, m)
	chosen := d.pick(ranked, 5)
	desc := d.sents[chosen[0]].norm
	// The description opens with the best-ranked whole sentence of the part.
	for _, si := range ranked {
		if wholeSentence(d.sents[si].norm) {
			desc = d.sents[si].norm
			break
		}
	}
	points := chosen
	if len(chosen) >= 4 {
		points = chosen[1:]
	}
	points = slices.Clone(points)
	slices.Sort(points)
	var kps []string
	for _, si := range points {
		kps = append(kps, truncate(d.sents[si].norm, ai.MaxKeyPoint))
	}
	var terms []string
	for _, k := range d.keyphrases(part, 3) {
		terms = append(terms, k.surface)
	}
	if len(terms) > 0 {
		desc += " " + label(d.lang, lKeyTerms) + ": " + strings.Join(terms, ", ") + "."
	}
	topic := m.title
	if m.outline != nil {
		topic = m.outline.title
	}
	return ai.Brief{Topic: truncate(topic, ai.MaxTitle), Title: title, Description: truncate(desc, ai.MaxDescription),
		KeyPoints: kps, TargetAudience: truncate(audience, ai.MaxAudience)}
}

// pageBody is the part's source text as written: each chunk whose first sentence is in
// the part, whole, so its lists, table rows and short lines stay (a chunk split between two
// lessons goes to the one it starts in); at most 20,000 characters.
func (d *doc) pageBody(part []int) string {
	in := map[int]bool{}
	for _, si := range part {
		in[si] = true
	}
	var b strings.Builder
	seen := map[int]bool{}
	for si := range d.sents {
		ci := d.sents[si].chunk
		if seen[ci] {
			continue
		}
		seen[ci] = true // si is the chunk's first sentence
		if !in[si] {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(tidyLines(d.chunks[ci].Text))
		if b.Len() > 20000 {
			break
		}
	}
	if b.Len() == 0 { // the part starts no chunk: its sentences
		for i, si := range part {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(d.sents[si].norm)
		}
	}
	return truncate(b.String(), 20000)
}

// tidyLines collapses the spaces inside each line and runs of blank lines, keeping the
// line breaks that make lists and table rows.
func tidyLines(text string) string {
	var out []string
	blank := false
	for _, l := range strings.Split(text, "\n") {
		l = normalize(l)
		if l == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
