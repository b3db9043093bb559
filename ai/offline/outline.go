package offline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// A prompt-only course is an honest outline of the topic: modules chosen from the
// archetypes below (introduction, core concepts or the subtopics the prompt lists,
// procedures, risks and mistakes, practice, review, and more when more modules are
// asked for), each lesson stating its objective and what it must cover (written from
// the prompt's topic, audience and terms) and marked as needing content. Titles,
// objectives and points are localised (lang.go, outline_text.go).

// archetype is one kind of module in a topic outline.
type archetype struct {
	key      string
	order    int     // position in the outline
	priority float64 // lower is chosen first when fewer modules are asked for
	title    func(t outlineTerms) string
	// Its objective and points are outlineTexts[lang][key] (outline_text.go).
}

// outlineTerms are what a prompt gives to fill the templates.
type outlineTerms struct {
	lang     string
	topic    string
	audience string
	terms    []string
}

func titled(key string) func(outlineTerms) string {
	return func(t outlineTerms) string {
		l := label(t.lang, key)
		if strings.Contains(l, "%s") {
			return fmt.Sprintf(l, t.topic)
		}
		return l
	}
}

var archetypes = []archetype{
	{key: "intro", order: 0, priority: 1, title: titled(lIntroduction)},
	{key: "regulations", order: 1, priority: 7, title: titled(lRegulations)},
	{key: "core", order: 2, priority: 2, title: titled(lCoreConcepts)},
	{key: "roles", order: 4, priority: 8, title: titled(lRoles)},
	{key: "procedures", order: 5, priority: 3, title: titled(lProcedures)},
	{key: "tools", order: 6, priority: 10, title: titled(lTools)},
	{key: "risks", order: 7, priority: 5, title: titled(lRisks)},
	{key: "communication", order: 8, priority: 11, title: titled(lCommunication)},
	{key: "cases", order: 9, priority: 9, title: titled(lCaseStudies)},
	{key: "practice", order: 10, priority: 6, title: titled(lPracticeModule)},
	{key: "measuring", order: 11, priority: 12, title: titled(lMeasuring)},
	{key: "advanced", order: 12, priority: 13, title: titled(lAdvanced)},
	{key: "review", order: 13, priority: 4, title: titled(lReview)},
}

// outlineModule is one module of a prompt outline before it becomes a section.
type outlineModule struct {
	key    string
	title  string
	desc   string
	points []string
}

// outline chooses n modules for the request: subtopics the prompt lists replace the core
// concepts module; compliance courses rank the regulations module higher.
func outline(r request, lang string, n int, audience string) []outlineModule {
	t := outlineTerms{lang: lang, topic: r.topic, audience: audience, terms: r.terms}
	type cand struct {
		archetype
		sub string
	}
	var cands []cand
	for _, a := range archetypes {
		if a.key == "core" && len(r.subtopics) > 0 {
			for i, s := range r.subtopics {
				cands = append(cands, cand{archetype{key: "sub", order: a.order, priority: a.priority + float64(i)*0.01}, s})
			}
			if n > len(r.subtopics)+6 {
				cands = append(cands, cand{a, ""}) // room for the core concepts as well
			}
			continue
		}
		if a.key == "regulations" && (r.qualifier == "compliance" || r.qualifier == "mandatory" || containsAny(r.topic, "regulat", "complian", "law", "legal")) {
			a.priority = 2.5
		}
		cands = append(cands, cand{a, ""})
	}
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(a.priority, b.priority) })
	if n > len(cands) {
		n = len(cands)
	}
	cands = cands[:n]
	slices.SortStableFunc(cands, func(a, b cand) int { return cmp.Compare(a.order, b.order) })
	out := make([]outlineModule, 0, n)
	for _, c := range cands {
		title, extra := "", c.sub
		if c.key == "sub" {
			title = capitalize(c.sub)
		} else {
			title = capitalize(c.title(t))
		}
		text := outlineTextFor(lang, c.key)
		m := outlineModule{key: c.key, title: title, desc: capitalize(fill(text.desc, t.topic, t.audience, extra))}
		for _, p := range text.points {
			m.points = append(m.points, capitalize(fill(p, t.topic, t.audience, extra)))
		}
		if c.key == "sub" {
			out = append(out, m)
			continue
		}
		if c.key == "core" || c.key == "intro" && len(t.terms) > 0 {
			for _, term := range t.terms {
				if len(m.points) >= 6 {
					break
				}
				if c.key == "core" {
					m.points = append(m.points, fmt.Sprintf(label(lang, lTermPoint), capitalize(term)))
				}
			}
			if c.key == "intro" {
				m.points = append(m.points, label(lang, lKeyTerms)+": "+strings.Join(t.terms[:min(len(t.terms), 4)], ", "))
			}
		}
		out = append(out, m)
	}
	return out
}

// fill puts the topic, the audience and a third text into a template (%[1]s, %[2]s and
// %[3]s, each optional).
func fill(tmpl, topic, audience, extra string) string {
	return strings.NewReplacer("%[1]s", topic, "%[2]s", audience, "%[3]s", extra).Replace(tmpl)
}

func containsAny(s string, subs ...string) bool {
	s = strings.ToLower(s)
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
