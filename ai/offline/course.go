package offline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

// module is a section of a course built from a document: its sentences (indices into
// doc.sents, in document order) and where its title comes from.
type module struct {
	origins []origin // the document headings merged into it (one unless merged)
	part    bool     // one of the parts a heading was split into
	sents   []int
	title   string
	boost   map[int]float64 // chunk index → relevance to the module (from the retriever)
	outline *outlineModule  // the outline module, for prompt-driven modules
}

type origin struct {
	heading string
	words   int
}

func (m *module) heading() string {
	best := origin{}
	for _, o := range m.origins {
		if o.heading != "" && o.words > best.words {
			best = o
		}
	}
	return best.heading
}

// parentHeading is the heading among hs whose section number starts every other
// numbered one's ("26.1." of "26.1.1.", "26.1.2."), "" when there is none.
func parentHeading(hs []string) string {
	num := func(h string) string {
		return strings.TrimSuffix(strings.TrimSpace(leadingNumber.FindString(h)), ".")
	}
	for _, p := range hs {
		pn := num(p)
		if pn == "" {
			continue
		}
		all := true
		for _, h := range hs {
			// Unnumbered headings (a chapter's own title before its first section) do not count.
			if h != p && num(h) != "" && !strings.HasPrefix(num(h), pn+".") {
				all = false
				break
			}
		}
		if all {
			return p
		}
	}
	return ""
}

// biggest are the two distinct headings of a merged module with the most text, in
// document order.
func (m *module) biggest() (string, string) {
	words := map[string]int{}
	var order []string
	for _, o := range m.origins {
		if o.heading == "" {
			continue
		}
		if _, ok := words[o.heading]; !ok {
			order = append(order, o.heading)
		}
		words[o.heading] += o.words
	}
	ranked := slices.Clone(order)
	slices.SortStableFunc(ranked, func(a, b string) int { return cmp.Compare(words[b], words[a]) })
	top := ranked[:min(2, len(ranked))]
	var out []string
	for _, h := range order {
		if slices.Contains(top, h) {
			out = append(out, h)
		}
	}
	if len(out) < 2 {
		return out[0], ""
	}
	return out[0], out[1]
}

// errTooShort is returned when the source materials hold too little text for a course.
var errTooShort = errors.New("the source materials hold too little text to build a course (a few sentences at least are needed)")

// fromChunks builds a course from a document: sections from its headings, lesson briefs
// from its most central sentences, a final quiz from its facts.
func (g *Generator) fromChunks(ctx context.Context, req ai.CourseRequest) (ai.Course, error) {
	chunks := slices.Clone(req.Chunks)
	slices.SortStableFunc(chunks, func(a, b ai.Chunk) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
	d := analyse(chunks, normLanguage(req.Options.Language))
	if len(d.sents) < 3 {
		return ai.Course{}, errTooShort
	}
	r := parsePrompt(req.Prompt)
	n := moduleCount(req.Options.Modules, r)
	mods := d.fit(d.byHeading(), n)
	for _, m := range mods {
		m.title = stripNumber(d.moduleTitle(m))
	}
	uniqueTitles(mods)
	if req.Retrieve != nil {
		if err := d.relevance(ctx, req.Retrieve, mods, r.topic); err != nil {
			return ai.Course{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return ai.Course{}, err
	}
	audience := r.audience
	if audience == "" {
		audience = label(d.lang, lAllLearners)
	}
	lessons := lessonsPerModule(r, len(mods))
	course := ai.Course{Title: req.Options.Title}
	if course.Title == "" {
		course.Title = d.courseTitle(r)
	}
	for _, m := range mods {
		course.Sections = append(course.Sections, ai.Section{Title: m.title, Elements: d.lessons(m, lessons, audience, true)})
	}
	questions := r.questions
	if questions == 0 {
		questions = defaultQuestions
	}
	qs := d.quiz(mods, questions, nil)
	if len(qs) == 0 {
		return ai.Course{}, errTooShort
	}
	course.Sections = append(course.Sections, finalQuiz(d.lang, qs))
	course.Annotation = d.annotation(chunks, course)
	course.Tags = d.tags()
	course.Title = truncate(course.Title, ai.MaxTitle)
	return course, nil
}

// defaultQuestions is the final quiz's length when the prompt does not say.
const defaultQuestions = 10

func finalQuiz(lang string, qs []ai.Question) ai.Section {
	return ai.Section{Title: label(lang, lFinalQuiz), Elements: []ai.Element{{Kind: ai.KindQuiz, Title: label(lang, lFinalQuizTitle), Questions: qs}}}
}

// byHeading groups the sentences by (source, heading): a new group wherever either changes.
func (d *doc) byHeading() []*module {
	var out []*module
	prevKey := "\x00"
	for i := range d.sents {
		c := d.chunks[d.sents[i].chunk]
		key := c.Source + "\x00" + normalize(c.Heading)
		if key != prevKey {
			out = append(out, &module{origins: []origin{{heading: normalize(c.Heading)}}})
			prevKey = key
		}
		m := out[len(out)-1]
		m.sents = append(m.sents, i)
		m.origins[0].words += d.sents[i].words
	}
	return out
}

// fit merges or splits modules to approach n: too many, adjacent ones are merged into
// n contiguous groups of about equal words (the partition whose largest group is
// smallest); too few, the largest module is split in two (at the chunk boundary nearest
// its middle) while one is large enough.
func (d *doc) fit(mods []*module, n int) []*module {
	if len(mods) > n && n > 0 {
		mods = d.merge(mods, n)
	}
	const minPart = 3 // sentences on each side of a split
	for len(mods) < n {
		best, bestW := -1, 0
		for i, m := range mods {
			if w := d.wordsOf(m.sents); len(m.sents) >= 2*minPart && w > bestW {
				best, bestW = i, w
			}
		}
		if best < 0 {
			break
		}
		m := mods[best]
		cut := d.splitPoint(m.sents, minPart)
		left := &module{origins: m.origins, part: true, sents: m.sents[:cut:cut]}
		right := &module{origins: m.origins, part: true, sents: slices.Clone(m.sents[cut:])}
		mods = slices.Replace(mods, best, best+1, left, right)
	}
	return mods
}

// merge groups modules into n contiguous runs, minimising the largest run's words.
func (d *doc) merge(mods []*module, n int) []*module {
	g := len(mods)
	prefix := make([]int, g+1)
	for i, m := range mods {
		prefix[i+1] = prefix[i] + d.wordsOf(m.sents)
	}
	// cost[j][i]: the least possible largest run when the first i modules form j runs;
	// cut[j][i]: where the last of those runs starts.
	cost := make([][]int, n+1)
	cut := make([][]int, n+1)
	for j := range cost {
		cost[j] = make([]int, g+1)
		cut[j] = make([]int, g+1)
		for i := range cost[j] {
			cost[j][i] = -1
		}
	}
	cost[0][0] = 0
	for j := 1; j <= n; j++ {
		for i := j; i <= g; i++ {
			for p := j - 1; p < i; p++ {
				if cost[j-1][p] < 0 {
					continue
				}
				c := max(cost[j-1][p], prefix[i]-prefix[p])
				if cost[j][i] < 0 || c < cost[j][i] {
					cost[j][i], cut[j][i] = c, p
				}
			}
		}
	}
	out := make([]*module, n)
	end := g
	for j := n; j >= 1; j-- {
		start := cut[j][end]
		m := &module{}
		for _, x := range mods[start:end] {
			m.origins = append(m.origins, x.origins...)
			m.part = m.part || x.part
			m.sents = append(m.sents, x.sents...)
		}
		out[j-1] = m
		end = start
	}
	return out
}

// splitPoint is where to cut sentences in two: the chunk boundary nearest the middle (by
// words) when one lies in the middle half, else the middle sentence; each side keeps at
// least min sentences.
func (d *doc) splitPoint(sents []int, minSide int) int {
	total := d.wordsOf(sents)
	half, acc := total/2, 0
	mid := len(sents) / 2
	for i, si := range sents {
		acc += d.sents[si].words
		if acc >= half {
			mid = i + 1
			break
		}
	}
	mid = min(max(mid, minSide), len(sents)-minSide)
	best, bestDist := mid, len(sents)
	for i := minSide; i <= len(sents)-minSide; i++ {
		if d.sents[sents[i]].chunk != d.sents[sents[i-1]].chunk {
			if dist := abs(i - mid); dist < bestDist && dist <= len(sents)/4 {
				best, bestDist = i, dist
			}
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// moduleTitle names a module: its heading; merged headings joined by "and" when short
// enough, else the first two and how many more; a part of a split heading adds its own key term; without a
// heading, its key term.
func (d *doc) moduleTitle(m *module) string {
	h := m.heading()
	if len(m.origins) > 1 {
		var hs []string
		for _, o := range m.origins {
			if o.heading != "" && !slices.Contains(hs, o.heading) {
				hs = append(hs, o.heading)
			}
		}
		and := " " + label(d.lang, lAnd) + " "
		total := 0
		for i, x := range hs {
			total += len(x)
			if i > 0 {
				hs[i] = lowerFirst(x)
			}
			if strings.Contains(x, and) {
				and = ", "
			}
		}
		switch {
		case len(hs) > 1 && total <= 90:
			h = strings.Join(hs[:len(hs)-1], ", ") + and + hs[len(hs)-1]
		case len(hs) > 2:
			if p := parentHeading(hs); p != "" {
				h = p // "26.1. SQL Dump" with its subsections 26.1.1, 26.1.2, …
				break
			}
			// Too many to list: the two with the most text (in document order), and how
			// many more, so the title does not name one heading's part for the whole.
			a, b := m.biggest()
			h = fmt.Sprintf(label(d.lang, lAndMore), stripNumber(a)+", "+stripNumber(b), len(hs)-2)
		}
	}
	if h != "" && !m.part {
		return truncate(h, ai.MaxTitle)
	}
	hs := map[string]bool{}
	for _, t := range tokenize(h, d.stop) {
		hs[stem(t.lower)] = true
	}
	kp := ""
	for _, k := range d.keyphrases(m.sents, 8) {
		overlap := false
		for _, w := range strings.Fields(k.key) {
			if hs[w] {
				overlap = true
			}
		}
		if !overlap {
			kp = k.surface
			break
		}
	}
	switch {
	case h == "" && kp != "":
		return truncate(capitalize(kp), ai.MaxTitle)
	case h == "":
		return label(d.lang, lPart)
	case kp != "":
		return truncate(h+": "+lowerFirst(kp), ai.MaxTitle)
	}
	return truncate(h, ai.MaxTitle)
}

// lowerFirst lower-cases the first letter of a phrase joined into a title, unless the
// phrase starts with an acronym or a name (two capitalised words).
func lowerFirst(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 || isAcronym(f[0]) || len(f) > 1 && isCapitalized(f[1]) {
		return s
	}
	r, w := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[w:]
}

// uniqueTitles numbers repeated titles: "Ventilation", "Ventilation (2)".
func uniqueTitles(mods []*module) {
	seen := map[string]int{}
	for _, m := range mods {
		k := strings.ToLower(m.title)
		seen[k]++
		if seen[k] > 1 {
			m.title = truncate(fmt.Sprintf("%s (%d)", m.title, seen[k]), ai.MaxTitle)
		}
	}
}

// relevance asks the retriever for the chunks most relevant to each module (its title and
// the prompt's topic) and boosts their sentences when lessons and questions are chosen.
func (d *doc) relevance(ctx context.Context, retrieve ai.Retriever, mods []*module, topic string) error {
	index := map[uuid.UUID]int{}
	for i, c := range d.chunks {
		index[c.ID] = i
	}
	for _, m := range mods {
		q := m.title
		if topic != "" {
			q += " " + topic
		}
		const k = 8
		found, err := retrieve(ctx, q, k)
		if err != nil {
			return fmt.Errorf("retrieve chunks for %q: %w", m.title, err)
		}
		m.boost = map[int]float64{}
		for rank, c := range found {
			if ci, ok := index[c.ID]; ok {
				m.boost[ci] = max(m.boost[ci], 1+0.5*float64(k-rank)/k)
			}
		}
	}
	return nil
}
