package offline

import (
	"fmt"
	"strings"

	"github.com/learnd/learnd/ai"
)

// A brief rewritten for another audience is written for it: a lead sentence says what
// the lesson asks of that audience, and the key points that matter most to it come
// first — for people who lead others, the duties (must, ensure, check, record, report);
// for newcomers, the definitions and the shortest whole statements; for specialists, the
// statements with numbers, settings and commands. The offline generator writes no new
// prose beyond that sentence: the points are the source's own sentences.

// audienceKind classes an audience: lead, novice, expert, or "" (anyone).
func audienceKind(audience string) string {
	a := strings.ToLower(audience)
	switch {
	case containsAny(a, "supervis", "manager", "lead", "foreman", "forem", "head of", "director", "owner", "responsable", "jefe", "encargad", "chef", "leiter", "vorgesetz", "führungskr"):
		return "lead"
	case containsAny(a, "new hire", "new-hire", "newcomer", "beginner", "novice", "trainee", "apprentice", "intern", "starter", "nuevo", "principiante", "débutant", "nouveau", "anfänger", "neue mitarbeit", "auszubild"):
		return "novice"
	case containsAny(a, "admin", "engineer", "technician", "specialist", "expert", "developer", "operator", "dba", "técnico", "ingenier", "technicien", "ingénieur", "techniker", "entwickler", "fachkr"):
		return "expert"
	}
	return ""
}

// forAudience rewrites b's description lead and orders its key points for audience. d
// (may be nil) is the lesson's source text, whose sentences for that audience are added.
func forAudience(b ai.Brief, audience, lang string, d *doc) ai.Brief {
	kind := audienceKind(audience)
	if kind == "" {
		return b
	}
	lead := fmt.Sprintf(label(lang, "audience-"+kind), audience)
	if !strings.HasPrefix(b.Description, lead) {
		b.Description = lead + " " + b.Description
	}
	var first []string
	if d != nil {
		for _, si := range d.rank(d.allSents(), nil) {
			s := d.sents[si]
			if s.words < 5 || !wholeSentence(s.norm) || containsFold(b.KeyPoints, s.norm) {
				continue
			}
			if audienceSentence(kind, s.norm) {
				first = append(first, truncate(s.norm, ai.MaxKeyPoint))
			}
			if len(first) == 2 {
				break
			}
		}
	}
	var rest []string
	for _, k := range b.KeyPoints {
		if audienceSentence(kind, k) {
			first = append(first, k)
		} else {
			rest = append(rest, k)
		}
	}
	b.KeyPoints = append(first, rest...)
	if len(b.KeyPoints) > ai.MaxKeyPoints {
		b.KeyPoints = b.KeyPoints[:ai.MaxKeyPoints]
	}
	return b
}

// audienceSentence: s is a sentence that matters most to the kind of audience.
func audienceSentence(kind, s string) bool {
	l := strings.ToLower(s)
	switch kind {
	case "lead":
		return containsAny(l, " must ", " shall ", "ensure", "responsib", "check", "approv", "record", "report", "permit", "supervis", "verify",
			" debe", "asegur", "responsab", " doit ", "vérifi", "muss", "prüf", "verantwort")
	case "novice":
		return definitionRe.MatchString(s) || wordCount(s) <= 14
	case "expert":
		return numberRe.MatchString(s) || strings.ContainsAny(s, "_/=") || containsAny(l, "option", "parameter", "setting", "command", "configur")
	}
	return false
}
