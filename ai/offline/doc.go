package offline

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/learnd/learnd/ai"
)

// sentence is one sentence of a chunk. text is the exact substring of the chunk's text
// (so a span of it appears verbatim in the chunk); norm is text with white space collapsed.
type sentence struct {
	text   string
	norm   string
	chunk  int // index into doc.chunks
	toks   []token
	words  int
	vec    []tw // unit-length TF-IDF vector, sorted by term
	clean  bool // norm == text: no line breaks or double spaces inside
	weight float64
}

// tw is one term weight of a sparse vector.
type tw struct {
	term int
	w    float64
}

// doc is the analysed source text: its sentences in document order with TF-IDF vectors.
type doc struct {
	lang     string // the language of the labels written around the text
	textLang string // the language of the text (detected), for stopwords and word forms
	stop     map[string]bool
	chunks   []ai.Chunk
	sents    []sentence
	terms    map[string]int // stemmed content word → term id
	df       []int          // sentences containing each term
	idf      []float64
}

// analyse splits the chunks into sentences and weights their words. Chunks are taken in
// the order given (the caller sorts them). The text's language is detected; labels are
// written in lang, or in the text's language when lang is "".
func analyse(chunks []ai.Chunk, lang string) *doc {
	d := &doc{chunks: chunks, terms: map[string]int{}}
	var sample strings.Builder
	for _, c := range chunks {
		if sample.Len() > 20000 {
			break
		}
		sample.WriteString(c.Text)
		sample.WriteByte(' ')
	}
	d.textLang = detectLanguage(sample.String())
	d.lang = lang
	if d.lang == "" {
		d.lang = d.textLang
	}
	d.stop = stopwordsFor(d.textLang)
	for ci, c := range chunks {
		for _, sp := range splitSentences(c.Text) {
			raw := c.Text[sp.start:sp.end]
			n := normalize(raw)
			s := sentence{text: raw, norm: n, chunk: ci, toks: tokenize(raw, d.stop), words: wordCount(raw), clean: n == raw}
			if s.words < 3 || !hasLetter(raw) {
				continue
			}
			d.sents = append(d.sents, s)
		}
	}
	// Term ids, document frequencies and vectors.
	tf := map[int]float64{}
	counts := make([]map[int]float64, len(d.sents))
	for i := range d.sents {
		clear(tf)
		for _, t := range d.sents[i].toks {
			if t.stop {
				continue
			}
			k := stem(t.lower)
			id, ok := d.terms[k]
			if !ok {
				id = len(d.terms)
				d.terms[k] = id
				d.df = append(d.df, 0)
			}
			if tf[id] == 0 {
				d.df[id]++
			}
			tf[id]++
		}
		counts[i] = maps.Clone(tf)
	}
	n := float64(len(d.sents))
	d.idf = make([]float64, len(d.df))
	for i, f := range d.df {
		d.idf[i] = math.Log(1 + n/float64(f))
	}
	for i := range d.sents {
		v := make([]tw, 0, len(counts[i]))
		var norm float64
		for id, f := range counts[i] {
			w := (1 + math.Log(f)) * d.idf[id]
			v = append(v, tw{id, w})
			norm += w * w
		}
		norm = math.Sqrt(norm)
		for j := range v {
			v[j].w /= norm
		}
		slices.SortFunc(v, func(a, b tw) int { return cmp.Compare(a.term, b.term) })
		d.sents[i].vec = v
	}
	return d
}

// cosine is the dot product of two unit vectors.
func cosine(a, b []tw) float64 {
	var s float64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i].term == b[j].term:
			s += a[i].w * b[j].w
			i++
			j++
		case a[i].term < b[j].term:
			i++
		default:
			j++
		}
	}
	return s
}

// centrality ranks sentences (indices into d.sents) with TextRank: PageRank over the
// graph of their TF-IDF cosine similarities. Scores sum to 1.
func (d *doc) centrality(idx []int) []float64 {
	n := len(idx)
	if n == 0 {
		return nil
	}
	sim := make([][]float64, n)
	sum := make([]float64, n)
	for i := range sim {
		sim[i] = make([]float64, n)
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			s := cosine(d.sents[idx[i]].vec, d.sents[idx[j]].vec)
			sim[i][j], sim[j][i] = s, s
			sum[i] += s
			sum[j] += s
		}
	}
	const damping = 0.85
	pr := make([]float64, n)
	next := make([]float64, n)
	for i := range pr {
		pr[i] = 1 / float64(n)
	}
	for iter := 0; iter < 50; iter++ {
		var delta float64
		for i := 0; i < n; i++ {
			var in float64
			for j := 0; j < n; j++ {
				if sum[j] > 0 && sim[j][i] > 0 {
					in += sim[j][i] / sum[j] * pr[j]
				}
			}
			next[i] = (1-damping)/float64(n) + damping*in
		}
		var total float64
		for i := range next {
			total += next[i]
		}
		for i := range next {
			next[i] /= total
			delta += math.Abs(next[i] - pr[i])
		}
		pr, next = next, pr
		if delta < 1e-6 {
			break
		}
	}
	return pr
}

// quality scales a sentence's centrality by how well it stands alone as a key point:
// a sensible length, no opening pronoun or connective that needs the previous sentence,
// not a question, not a heading in capitals.
func (d *doc) quality(s *sentence) float64 {
	q := 1.0
	switch {
	case s.words < 6:
		q *= 0.3
	case s.words > 45:
		q *= 0.5
	case s.words > 32:
		q *= 0.8
	}
	if strings.HasSuffix(s.norm, "?") {
		q *= 0.5
	}
	if upperShare(s.norm) > 0.6 {
		q *= 0.2
	}
	if !strings.ContainsAny(s.norm[len(s.norm)-1:], ".!:;)\"”’") {
		q *= 0.7 // a fragment (a heading line, a caption)
	}
	if len(s.toks) > 0 && dangling[s.toks[0].lower] {
		q *= 0.6
	}
	return q
}

// dangling are sentence openers that lean on the sentence before.
var dangling = set(`this that these those it its they them their he she his her however but so also
then therefore thus moreover furthermore additionally likewise similarly hence otherwise instead
meanwhile besides here there such another other finally lastly firstly secondly and or`)

// keyphrase is a candidate term: up to three consecutive content words.
type keyphrase struct {
	key     string // stemmed, lowercase words joined by spaces
	surface string // the most frequent surface form, as written
	words   int
	count   float64
	score   float64
}

// keyphrases returns the terms of the sentences idx, best first: runs of 1–3 content
// words (no stopword or punctuation between them), scored by frequency × inverse
// sentence frequency (over the whole document, so a module's own terms win), longer
// phrases favoured.
func (d *doc) keyphrases(idx []int, limit int) []keyphrase {
	type acc struct {
		count    float64
		surfaces map[string]float64
		words    int
		terms    []int
		nounLike bool
	}
	found := map[string]*acc{}
	for _, si := range idx {
		s := &d.sents[si]
		run := []token{}
		flush := func() {
			for a := 0; a < len(run); a++ {
				for b := a + 1; b <= len(run) && b-a <= 3; b++ {
					parts := make([]string, 0, b-a)
					ids := make([]int, 0, b-a)
					for _, t := range run[a:b] {
						k := stem(t.lower)
						parts = append(parts, k)
						ids = append(ids, d.terms[k])
					}
					key := strings.Join(parts, " ")
					f := found[key]
					if f == nil {
						f = &acc{surfaces: map[string]float64{}, words: b - a, terms: ids, nounLike: nounLike(run[a:b], d.textLang)}
						found[key] = f
					}
					f.count++
					w := 1.0
					if run[a].start == s.toks[0].start {
						w = 0.5 // capitalised because it opens the sentence
					}
					f.surfaces[s.text[run[a].start:run[b-1].end]] += w
				}
			}
			run = run[:0]
		}
		for _, t := range s.toks {
			if t.stop || !hasLetter(t.lower) {
				flush()
				continue
			}
			if len(run) > 0 {
				gap := s.text[run[len(run)-1].end:t.start]
				if strings.TrimSpace(gap) != "" || strings.Contains(gap, "\n") {
					flush()
				}
			}
			run = append(run, t)
		}
		flush()
	}
	out := make([]keyphrase, 0, len(found))
	for key, f := range found {
		if f.words > 1 && f.count < 2 {
			continue // a multi-word phrase must recur
		}
		var idf float64
		for _, id := range f.terms {
			idf += d.idf[id]
		}
		idf /= float64(len(f.terms))
		best, bestN := "", 0.0
		for sf, n := range f.surfaces {
			if n > bestN || n == bestN && sf > best {
				best, bestN = sf, n
			}
		}
		score := f.count * idf * (1 + 0.6*float64(f.words-1))
		if !f.nounLike {
			score *= 0.3
		}
		if f.count < 2 {
			score *= 0.5
		}
		out = append(out, keyphrase{key: key, surface: best, words: f.words, count: f.count, score: score})
	}
	slices.SortFunc(out, func(a, b keyphrase) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	// Drop phrases contained in a better one already kept, except that a longer phrase
	// replaces a kept part of it when it makes up half its uses ("confined space" over
	// "space").
	var kept []keyphrase
	within := func(a, b string) bool { return strings.Contains(" "+b+" ", " "+a+" ") }
	for _, k := range out {
		dup := false
		for i, h := range kept {
			switch {
			case within(h.key, k.key) && k.count*2 >= h.count:
				if !slices.ContainsFunc(kept, func(x keyphrase) bool { return x.key != h.key && (within(x.key, k.key) || within(k.key, x.key)) }) {
					kept[i] = k
				}
				dup = true
			case within(k.key, h.key) || within(h.key, k.key),
				k.words == 1 && h.words == 1 && (strings.HasPrefix(k.key, h.key) || strings.HasPrefix(h.key, k.key)) && abs(len(k.key)-len(h.key)) <= 2:
				dup = true
			}
			if dup {
				break
			}
		}
		if !dup {
			kept = append(kept, k)
		}
		if len(kept) == limit && !dup {
			break
		}
	}
	return kept
}

// words counts the words of the sentences idx.
func (d *doc) wordsOf(idx []int) int {
	n := 0
	for _, i := range idx {
		n += d.sents[i].words
	}
	return n
}
