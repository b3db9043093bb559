package openai

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/learnd/learnd/ai"
)

// retrieveK is how many chunks a module's retrieval asks for (the budget then keeps the
// best that fit).
const retrieveK = 40

// module writes module i of the outline: its section (lessons with briefs and pages) and
// its questions for the final quiz, from the module's own chunks. warning is "" unless a
// grounded module found no source text.
func (c *Client) module(ctx context.Context, req ai.CourseRequest, chunks []ai.Chunk, ol outline, i int) (ai.Section, []ai.Question, string, error) {
	n := len(ol.Modules)
	m := ol.Modules[i]
	nq := min(max((finalQuizSize+n-1)/n, 1), maxModuleQs)
	var u strings.Builder
	fmt.Fprintf(&u, "Course: %s\nCourse request: %s\nThe course's modules:\n", ol.Title, req.Prompt)
	for j, pm := range ol.Modules {
		fmt.Fprintf(&u, "%d. %s — %s\n", j+1, pm.Title, cutBytes(pm.Scope, 160))
	}
	fmt.Fprintf(&u, "\nWrite module %d: %q\nIts scope: %s\n", i+1, m.Title, m.Scope)
	fmt.Fprintf(&u, "Reply with its lessons (1–3, each with a brief and 1–3 pages) and exactly %d quiz questions on this module for the course's final quiz; "+
		"stay within this module's scope (the other modules cover the rest).\n", nq)
	lang := languageRule(req.Options.Language, langOfPlan)
	grounded := len(chunks) > 0 || req.Retrieve != nil
	system := systemPrompt(schemaModule, lang, true, c.budget.replyChars())
	mine, err := c.moduleChunks(ctx, req, chunks, m, i, n, c.budget.room(system, u.String()))
	if err != nil {
		return ai.Section{}, nil, "", err
	}
	var warning string
	if len(mine) == 0 {
		system = systemPrompt(schemaModule, lang, false, c.budget.replyChars())
		if grounded {
			warning = fmt.Sprintf("No source text was found for module %d (%s): it was written without the source materials, and its questions cite no chunk.", i+1, m.Title)
		}
	}
	writeChunks(&u, mine)
	var sec ai.Section
	var qs []ai.Question
	err = c.generate(ctx, schemaModule, system, u.String(), func(raw []byte) error {
		var w wireModule
		if err := json.Unmarshal(raw, &w); err != nil {
			return err
		}
		var p problems
		s, q := convertModule(&p, m.Title, w, mine)
		if err := p.merge(nil); err != nil {
			return err
		}
		sec, qs = s, q
		return nil
	})
	return sec, qs, warning, err
}

// moduleChunks chooses module i's source text, at most room bytes of it: the chunks the
// retriever finds for the module's title and scope (best first, then in document order);
// without a retriever (or when it finds none), the chunks under a heading matching the
// module's title, else the module's even share of the document.
func (c *Client) moduleChunks(ctx context.Context, req ai.CourseRequest, chunks []ai.Chunk, m wirePlanned, i, n, room int) ([]ai.Chunk, error) {
	if req.Retrieve != nil {
		found, err := req.Retrieve(ctx, m.Title+": "+m.Scope, retrieveK)
		if err != nil {
			return nil, fmt.Errorf("retrieve chunks: %w", err)
		}
		if picked := slices.Clone(fit(found, room)); len(picked) > 0 {
			slices.SortStableFunc(picked, func(a, b ai.Chunk) int { return cmp.Compare(a.Ordinal, b.Ordinal) })
			return picked, nil
		}
	}
	if len(chunks) == 0 {
		return nil, nil
	}
	var matched []ai.Chunk
	for _, ch := range chunks {
		if headingMatches(ch.Heading, m.Title) {
			matched = append(matched, ch)
		}
	}
	if len(matched) == 0 {
		matched = chunks[i*len(chunks)/n : (i+1)*len(chunks)/n]
	}
	return spread(matched, room), nil
}

// headingMatches: a chunk's heading and a module's title name the same part: one holds
// the other as whole words (the shorter of four letters or more), or the heading has at
// least half of the title's words of four letters or more.
func headingMatches(heading, title string) bool {
	h, t := words(heading), words(title)
	if len(h) == 0 || len(t) == 0 {
		return false
	}
	hs, ts := " "+strings.Join(h, " ")+" ", " "+strings.Join(t, " ")+" "
	if len(hs) >= 6 && strings.Contains(ts, hs) || len(ts) >= 6 && strings.Contains(hs, ts) {
		return true
	}
	sig, found := 0, 0
	for _, w := range t {
		if utf8.RuneCountInString(w) < 4 {
			continue
		}
		sig++
		if strings.Contains(hs, " "+w+" ") {
			found++
		}
	}
	return found > 0 && 2*found >= sig
}

// words are s's words in lower case, letters and digits only.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
