package embed

import (
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"unicode"
)

// LocalDimensions is the length of the Local embedder's vectors.
const LocalDimensions = 384

// Local is the built-in embedder: no model and no network. A text becomes a bag of word
// unigrams and bigrams (lower-cased, English stop words dropped, plural "s" stripped),
// each weighted by a sublinear term frequency (1 + ln tf; bigrams at half weight), hashed
// into LocalDimensions signed buckets (the feature-hashing trick) and L2-normalised.
// Texts sharing words and phrases get close vectors; it knows no synonyms.
type Local struct{}

var _ Embedder = Local{}

// Name implements Embedder.
func (Local) Name() string { return fmt.Sprintf("local-hash-v1/%d", LocalDimensions) }

// Embed implements Embedder.
func (l Local) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if i%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		out[i] = l.vector(t)
	}
	return out, nil
}

func (Local) vector(text string) []float32 {
	words := Terms(text)
	type feature struct {
		count  int
		weight float64
	}
	feats := make(map[string]*feature, 2*len(words))
	add := func(term string, weight float64) {
		if f, ok := feats[term]; ok {
			f.count++
			return
		}
		feats[term] = &feature{count: 1, weight: weight}
	}
	for i, w := range words {
		add(w, 1)
		if i > 0 {
			add(words[i-1]+" "+w, 0.5)
		}
	}
	v := make([]float32, LocalDimensions)
	for term, f := range feats {
		h := fnv.New64a()
		_, _ = h.Write([]byte(term))
		sum := h.Sum64()
		w := f.weight * (1 + math.Log(float64(f.count)))
		if sum>>63 == 1 {
			w = -w
		}
		v[sum%LocalDimensions] += float32(w)
	}
	return normalise(v)
}

// Terms splits text into the normalised words the Local embedder hashes: lower-cased
// runs of letters and digits, without English stop words and one-letter words, with a
// plural "s" stripped.
func Terms(text string) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	out := fields[:0]
	for _, f := range fields {
		if len([]rune(f)) < 2 || stopWords[f] {
			continue
		}
		out = append(out, stem(f))
	}
	return out
}

// stem strips a plural ending: "policies" → "policy", "boxes" → "box", "hazards" → "hazard".
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 4 && (strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "xes") || strings.HasSuffix(w, "sses")):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:len(w)-1]
	}
	return w
}

var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are as at be because been
before being below between both but by can could did do does doing down during each few for from further had has
have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself
no nor not now of off on once only or other our ours ourselves out over own same she should so some such than that
the their theirs them themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves also may must shall
might within without upon via per`) {
		m[w] = true
	}
	return m
}()
