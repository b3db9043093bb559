package offline

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/learnd/learnd/ai"
)

// Rewriting a lesson brief per feedback.

var (
	keyPointCountRe = regexp.MustCompile(`(?i)\b(` + countWords + `)\s+(?:main\s+|key\s+|core\s+)?(?:key\s+)?(?:points?|bullets?|takeaways?|items?|puntos|points\s+clés|punkte)\b`)
	audienceFeedRe  = regexp.MustCompile(`(?i)\b(?:target|targeting|aim(?:ed)?\s+at|written\s+for|(?:re)?write\s+(?:it\s+|this\s+)?for|adapt(?:ed)?\s+(?:it\s+)?(?:for|to)|tailor(?:ed)?\s+(?:it\s+)?(?:for|to)|audience(?:\s+is)?:?|dirigido\s+a|destiné\s+aux?|für)\s+(.+?)(?:,|\s+(?:not|instead|rather|and\s+not|no|pas|nicht)\b|[.;!?(]|$)`)
	audienceForRe   = regexp.MustCompile(`(?i)\b(?:for|para|pour)\s+(.+?),?\s+(?:not|instead\s+of|rather\s+than|no|pas|nicht)\s`)
	addRe           = regexp.MustCompile(`(?i)\b(?:add|include|cover|mention|discuss|añade|añadir|incluye|ajoute[rz]?|inclure|füge|ergänze)\s+(?:a\s+|an\s+)?(?:(?:section|point|part|paragraph|key\s+point|bit|note|sección|punto|partie|abschnitt|punkt)\s+(?:on|about|covering|regarding|sobre|sur|über|zu)\s+)?(.+?)(?:[.;!?]|,\s|$)`)
)

// Brief rewrites a lesson brief per the feedback: "Reduce to 3 key points", "Target
// supervisors, not learners", "Add a section on the regulatory context", "make it
// practical with concrete examples", "shorter"/"simpler"; with no feedback, a clarity pass
// (white space, capitals, final punctuation, duplicate key points dropped). Key points
// added come from the context chunks when they have a matching sentence.
func (g *Generator) Brief(ctx context.Context, req ai.BriefRequest) (ai.Brief, error) {
	if err := ctx.Err(); err != nil {
		return ai.Brief{}, err
	}
	b := req.Brief
	b.KeyPoints = slices.Clone(b.KeyPoints)
	lang := orDetect(req.Language, b.Description+" "+strings.Join(b.KeyPoints, " "))
	fb := normalize(req.Feedback)
	low := strings.ToLower(fb)
	var d *doc
	if len(req.Context) > 0 {
		d = analyse(req.Context, lang)
	}

	m := audienceFeedRe.FindStringSubmatch(fb)
	if m == nil {
		m = audienceForRe.FindStringSubmatch(fb)
	}
	if m != nil {
		if a := cleanPhrase(m[1]); a != "" && !startsWithCount(a) && wordCount(a) <= 8 {
			oldAudience := b.TargetAudience
			b.TargetAudience = capitalize(a)
			if oldAudience != "" {
				b.Description = replaceFold(b.Description, oldAudience, a)
				for i := range b.KeyPoints {
					b.KeyPoints[i] = replaceFold(b.KeyPoints[i], oldAudience, a)
				}
			}
			b = forAudience(b, a, lang, d)
		}
	}
	if m := addRe.FindStringSubmatch(fb); m != nil {
		if topic := cleanPhrase(m[1]); topic != "" && wordCount(topic) <= 12 && !containsAny(topic, "example") {
			point := capitalize(topic)
			if s := d.sentenceAbout(topic); s != "" {
				point = s
			}
			if !containsFold(b.KeyPoints, point) {
				b.KeyPoints = append(b.KeyPoints, truncate(point, ai.MaxKeyPoint))
			}
		}
	}
	if containsAny(low, "practical", "example", "concrete", "hands-on", "real-world", "real world", "theoretical", "práctic", "pratique", "exemple", "praktisch", "beispiel") {
		examples := d.exampleSentences(2, b.KeyPoints)
		if len(examples) == 0 && len(b.KeyPoints) > 0 {
			examples = []string{fmt.Sprintf(label(lang, lWorkedExample), lowerFirst(strings.TrimRight(b.KeyPoints[0], ".")))}
		}
		for _, e := range examples {
			b.KeyPoints = append(b.KeyPoints, truncate(e, ai.MaxKeyPoint))
		}
		if !strings.Contains(b.Description, label(lang, lPracticalNote)) {
			b.Description = strings.TrimSpace(b.Description + " " + label(lang, lPracticalNote))
		}
	}
	if containsAny(low, "shorter", "simpler", "concise", "too long", "simplify", "más corto", "plus court", "kürzer") {
		b.Description = firstSentence(b.Description)
		if len(b.KeyPoints) > 3 {
			b.KeyPoints = b.KeyPoints[:3]
		}
	}
	if m := keyPointCountRe.FindStringSubmatch(fb); m != nil {
		if n := countOf(m[1]); n >= 1 && n <= ai.MaxKeyPoints {
			switch {
			case len(b.KeyPoints) > n:
				b.KeyPoints = b.KeyPoints[:n]
			case len(b.KeyPoints) < n && d != nil:
				for _, s := range d.centralSentences(n) {
					if len(b.KeyPoints) < n && !containsFold(b.KeyPoints, s) {
						b.KeyPoints = append(b.KeyPoints, truncate(s, ai.MaxKeyPoint))
					}
				}
			}
		}
	}
	b = clarity(b, lang)
	if err := ai.ValidateBrief(b); err != nil {
		return ai.Brief{}, fmt.Errorf("offline generator: %w", err)
	}
	return b, nil
}

// clarity tidies a brief: white space, capitals, final punctuation on the description,
// duplicate and empty key points dropped, missing fields filled from the others.
func clarity(b ai.Brief, lang string) ai.Brief {
	b.Topic = capitalize(normalize(b.Topic))
	b.Title = capitalize(normalize(b.Title))
	b.Description = capitalize(normalize(b.Description))
	b.TargetAudience = capitalize(normalize(b.TargetAudience))
	if b.Title == "" {
		b.Title = b.Topic
	}
	if b.Topic == "" {
		b.Topic = b.Title
	}
	if b.TargetAudience == "" {
		b.TargetAudience = label(lang, lAllLearners)
	}
	var kps []string
	for _, k := range b.KeyPoints {
		k = capitalize(normalize(k))
		if k != "" && !containsFold(kps, k) {
			kps = append(kps, truncate(k, ai.MaxKeyPoint))
		}
	}
	b.KeyPoints = kps
	if b.Description == "" && len(kps) > 0 {
		b.Description = strings.Join(kps[:min(len(kps), 2)], " ")
	}
	if b.Description != "" && !strings.ContainsAny(b.Description[len(b.Description)-1:], ".!?…)\"”»") {
		b.Description += "."
	}
	b.Description = truncate(b.Description, ai.MaxDescription)
	return b
}

func firstSentence(s string) string {
	for _, sp := range splitSentences(s) {
		return s[sp.start:sp.end]
	}
	return s
}

// replaceFold replaces old with new in s, ignoring case.
func replaceFold(s, old, new string) string {
	if old == "" {
		return s
	}
	re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(old))
	return re.ReplaceAllLiteralString(s, new)
}

// sentenceAbout is the context's most central sentence sharing the most words with
// topic; "" without context or a match.
func (d *doc) sentenceAbout(topic string) string {
	if d == nil || len(d.sents) == 0 {
		return ""
	}
	want := map[string]bool{}
	for _, t := range tokenize(topic, d.stop) {
		if !t.stop {
			want[stem(t.lower)] = true
		}
	}
	if len(want) == 0 {
		return ""
	}
	ranked := d.rank(d.allSents(), nil)
	best, bestN := "", 0
	for _, si := range ranked {
		n := 0
		for _, t := range d.sents[si].toks {
			if want[stem(t.lower)] {
				n++
			}
		}
		if n > bestN && d.sents[si].words >= 5 {
			best, bestN = d.sents[si].norm, n
		}
	}
	return best
}

// exampleSentences are context sentences that give an example or a number, most central
// first, not already among skip.
func (d *doc) exampleSentences(n int, skip []string) []string {
	if d == nil || len(d.sents) == 0 {
		return nil
	}
	var out []string
	for _, si := range d.rank(d.allSents(), nil) {
		s := d.sents[si].norm
		ls := strings.ToLower(s)
		if containsFold(skip, s) || d.sents[si].words < 5 {
			continue
		}
		if containsAny(ls, "for example", "for instance", "e.g.", "such as", "por ejemplo", "par exemple", "zum beispiel", "z. b.") || numberRe.MatchString(s) {
			out = append(out, s)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

// centralSentences are the context's n most central sentences.
func (d *doc) centralSentences(n int) []string {
	var out []string
	for _, si := range d.pick(d.rank(d.allSents(), nil), n) {
		out = append(out, d.sents[si].norm)
	}
	return out
}

func (d *doc) allSents() []int {
	out := make([]int, len(d.sents))
	for i := range out {
		out[i] = i
	}
	return out
}
