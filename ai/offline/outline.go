package offline

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// A prompt-only course is a structured outline of the topic: modules chosen from the
// archetypes below (introduction, core concepts or the subtopics the prompt lists,
// procedures, risks and mistakes, practice, review, and more when more modules are
// asked for), each with a lesson brief whose key points are written from the prompt's
// topic, audience and terms. The titles are localised labels; the descriptions and key
// points are English templates (see lang.go).

// archetype is one kind of module in a topic outline.
type archetype struct {
	key      string
	order    int     // position in the outline
	priority float64 // lower is chosen first when fewer modules are asked for
	title    func(t outlineTerms) string
	desc     string   // %[1]s topic, %[2]s audience
	points   []string // idem
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
	{key: "intro", order: 0, priority: 1, title: titled(lIntroduction),
		desc:   "Why %[1]s matters for %[2]s, what this course covers and what you will be able to do at the end.",
		points: []string{"What %[1]s means in everyday work", "Why %[1]s matters for %[2]s", "The scope of this course and how it is organised"}},
	{key: "regulations", order: 1, priority: 7, title: titled(lRegulations),
		desc:   "The rules, regulations and standards that apply to %[1]s and what they require of %[2]s.",
		points: []string{"The rules and regulations that apply to %[1]s", "What they require of %[2]s", "The consequences of non-compliance", "Records and evidence of compliance"}},
	{key: "core", order: 2, priority: 2, title: titled(lCoreConcepts),
		desc:   "The essential ideas, terms and principles of %[1]s that the rest of the course builds on.",
		points: []string{"The essential terms of %[1]s and what they mean", "The principles behind %[1]s", "How the parts of %[1]s fit together"}},
	{key: "roles", order: 4, priority: 8, title: titled(lRoles),
		desc:   "Who is responsible for what in %[1]s: %[2]s, supervisors and specialists.",
		points: []string{"The responsibilities of %[2]s", "The role of supervisors and managers", "When and how to involve specialists"}},
	{key: "procedures", order: 5, priority: 3, title: titled(lProcedures),
		desc:   "The step-by-step procedures of %[1]s, who does what, and the checks and records that go with them.",
		points: []string{"The procedures of %[1]s, step by step", "Who is responsible for each step", "Checks, checklists and records to keep", "What to do when a procedure cannot be followed"}},
	{key: "tools", order: 6, priority: 10, title: titled(lTools),
		desc:   "The tools, equipment and resources that support %[1]s.",
		points: []string{"The tools and equipment used in %[1]s", "How to choose and check them", "Where to find templates and references"}},
	{key: "risks", order: 7, priority: 5, title: titled(lRisks),
		desc:   "The main risks of %[1]s, the mistakes %[2]s most often make, and how to prevent, spot and report them.",
		points: []string{"The main hazards and risks related to %[1]s", "Common mistakes and why they happen", "Warning signs to watch for", "How to prevent, stop and report problems"}},
	{key: "communication", order: 8, priority: 11, title: titled(lCommunication),
		desc:   "How %[2]s communicate about %[1]s: reporting, handovers and asking for help.",
		points: []string{"What to report about %[1]s, to whom and when", "Clear handovers and instructions", "Speaking up about concerns"}},
	{key: "cases", order: 9, priority: 9, title: titled(lCaseStudies),
		desc:   "Real-world cases of %[1]s: what happened, why, and what to learn from them.",
		points: []string{"Cases where %[1]s went well", "Cases where it went wrong, and why", "Lessons %[2]s can apply in their own work"}},
	{key: "practice", order: 10, priority: 6, title: titled(lPracticeModule),
		desc:   "Realistic scenarios in which %[2]s apply %[1]s, with feedback on the choices made.",
		points: []string{"Scenarios from the daily work of %[2]s", "Deciding what to do, step by step", "Feedback on the most common wrong choices"}},
	{key: "measuring", order: 11, priority: 12, title: titled(lMeasuring),
		desc:   "How to tell whether %[1]s works: indicators, reviews and continuous improvement.",
		points: []string{"Indicators that show %[1]s is working", "Reviewing results and incidents", "Improving %[1]s continuously"}},
	{key: "advanced", order: 12, priority: 13, title: titled(lAdvanced),
		desc:   "Deeper and less common aspects of %[1]s for %[2]s who have mastered the basics.",
		points: []string{"Less common situations in %[1]s", "Going beyond the basics of %[1]s", "Where to continue learning"}},
	{key: "review", order: 13, priority: 4, title: titled(lReview),
		desc:   "A summary of the course, a self-check before the final quiz, and where to go next.",
		points: []string{"The key ideas of %[1]s in summary", "A self-check of what you have learned", "Where to find help, references and further training"}},
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
		if c.key == "sub" {
			out = append(out, outlineModule{key: "sub", title: capitalize(c.sub),
				desc: fmt.Sprintf("What %[3]s involves in %[1]s, and how %[2]s apply it.", t.topic, t.audience, c.sub),
				points: []string{
					fmt.Sprintf("What %[2]s is and why it matters for %[1]s", t.topic, c.sub),
					fmt.Sprintf("How %[1]s deal with %[2]s in practice", t.audience, c.sub),
					fmt.Sprintf("Common questions and misconceptions about %s", c.sub),
				}})
			continue
		}
		m := outlineModule{key: c.key, title: capitalize(c.title(t)), desc: capitalize(fill(c.desc, t.topic, t.audience))}
		for _, p := range c.points {
			m.points = append(m.points, capitalize(fill(p, t.topic, t.audience)))
		}
		if c.key == "core" || c.key == "intro" && len(t.terms) > 0 {
			for _, term := range t.terms {
				if len(m.points) >= 6 {
					break
				}
				if c.key == "core" {
					m.points = append(m.points, capitalize(term)+": what it is and why it matters")
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

// fill puts the topic and the audience into a template (%[1]s and %[2]s, either optional).
func fill(tmpl, topic, audience string) string {
	return strings.NewReplacer("%[1]s", topic, "%[2]s", audience).Replace(tmpl)
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
