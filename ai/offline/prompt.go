package offline

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/learnd/learnd/ai"
)

// request is what a plain-English prompt asks for.
type request struct {
	topic     string   // "confined-space safety"
	explicit  bool     // the topic was named ("a course on X"), not guessed from the first clause
	audience  string   // "warehouse staff"
	qualifier string   // "compliance", "onboarding", … (the kind of course)
	modules   int      // modules (or sections, units, chapters) asked for; 0 when not said
	lessons   int      // lessons asked for; 0 when not said
	questions int      // final quiz questions asked for; 0 when not said
	subtopics []string // "covering A, B and C"
	terms     []string // other content words of the prompt
	quiz      bool     // the prompt mentions a quiz or test
	survey    bool     // the prompt mentions a survey
}

const countWords = `\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|un|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|deux|trois|quatre|cinq|sept|huit|neuf|dix|ein|eine|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn`

var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
	"eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
	"un": 1, "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10,
	"deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
	"ein": 1, "eine": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
}

// end of a phrase inside a prompt: a clause word or punctuation.
const phraseEnd = `(?:\s+(?:for|covering|including|aimed|targeting|targeted|intended|with|that|which|who|using|based|so|in\s+\d|after|before|following|between|at\s+the\s+end|to\s+the\s+end|para|pour|für|con|avec|mit|después|après|nach)\b|\s+[-–—]\s|[.;:!?\n(]|,\s|\s+\d|$)`

var (
	modulesRe   = regexp.MustCompile(`(?i)\b(` + countWords + `)[\s-]+(?:short\s+|more\s+|new\s+|additional\s+|extra\s+)?(lessons?|modules?|sections?|units?|chapters?|parts?|lecciones|lección|módulos?|secciones|leçons?|lektionen|lektion|kapitel)\b`)
	questionsRe = regexp.MustCompile(`(?i)\b(` + countWords + `)[\s-]+(?:multiple[\s-]choice\s+|quiz\s+)?(?:questions?|items?|preguntas?|fragen)\b`)
	audienceRe  = regexp.MustCompile(`(?i)\b(?:for|aimed\s+at|targeting|targeted\s+at|intended\s+for|audience:|para|pour|für)\s+(.+?)` + phraseEnd)
	topicRes    = []*regexp.Regexp{
		regexp.MustCompile(`(?i)\b(?:course|training|module|program|programme|class|workshop|tutorial|lesson|guide|section|curso|formación|cours|formation|kurs|schulung|einführung)\s+(?:on|about|in|regarding|sobre|de|sur|über|zu|zum|zur|in\s+die)\s+(?:the\s+(?:topic|subject)\s+of\s+)?(.+?)` + phraseEnd),
		regexp.MustCompile(`(?i)\b(?:introduction|intro|guide|primer)\s+to\s+(.+?)` + phraseEnd),
		regexp.MustCompile(`(?i)\b(?:teach(?:es|ing)?|explain(?:s|ing)?|about|on)\s+(?:how\s+to\s+)?(.+?)` + phraseEnd),
		regexp.MustCompile(`(?i)\b(?:an?|the|un|una|une|ein|einen|eine)\s+(.+?)\s+(?:course|training|module|program|programme|class|workshop|tutorial|onboarding|curso|cours|formation|kurs|schulung)\b`),
	}
	subtopicsRe = regexp.MustCompile(`(?i)\b(?:covering|including|includes|include|covers|cover|such\s+as|topics?:|incluyendo|sobre\s+todo|notamment|y\s+compris|einschließlich)\s+(.+?)(?:[.;!?\n]|\s+[-–—]\s|$)`)
	listSplitRe = regexp.MustCompile(`(?i)\s*(?:,|;|&|/|\band\b|\bor\b|\by\b|\bet\b|\bund\b)\s*`)
	// sourceRe is a reference to the uploaded files ("based on these PDFs"), not a topic.
	sourceRe = regexp.MustCompile(`(?i)\b(?:based\s+on|using|from|with|grounded\s+in|according\s+to)\s+(?:these|the|this|my|our|those|attached|uploaded|provided|shared)\s+(?:\S+\s+)?(?:pdfs?|files?|documents?|docs?|materials?|sources?|slides?|images?|uploads?|manuals?|attachments?)\b`)
	leadRe   = regexp.MustCompile(`(?i)^(?:please\s+)?(?:(?:build|create|make|generate|write|design|develop|prepare|produce|draft|put\s+together|i\s+need|we\s+need|give\s+me|crea|créez|crée|erstelle|erstellen\s+sie)\s+)?(?:me\s+|us\s+)?(?:an?|the|un|una|une|ein|einen|eine)?\s*`)
)

// qualifiers describe a course rather than its topic.
var qualifiers = set(`compliance mandatory annual refresher onboarding induction new-hire new hire short quick brief
basic basics introductory beginner beginners advanced intermediate online e-learning elearning comprehensive complete
full practical hands-on interactive general simple small first complete corporate internal staff employee training
obligatorio básico breve obligatoire court pflicht kurzer kurze`)

// generic are prompt words that say nothing about the subject.
var generic = set(`build create make generate write design develop prepare produce draft need want give course courses
training lesson lessons module modules section sections unit units chapter chapters quiz quizzes final test tests
question questions plain language learners learner staff employees people please based pdf pdfs file files document
documents source sources material materials new use using add include including cover covering about short long
simple clear practical hands lesson minutes hour hours day days week weeks
crea crear haz curso cursos formación lección lecciones módulo módulos cuestionario evaluación preguntas
créez crée créer cours formation leçon leçons modules questionnaire erstelle erstellen kurs kurse schulung
lektion lektionen modul module fragen`)

// parsePrompt reads what a prompt asks for. Unknown parts stay empty.
func parsePrompt(prompt string) request {
	var r request
	p := normalize(sourceRe.ReplaceAllString(prompt, " "))
	low := strings.ToLower(p)
	for _, m := range modulesRe.FindAllStringSubmatch(p, -1) {
		n := countOf(m[1])
		unit := strings.ToLower(m[2])
		if n <= 0 || n > 50 {
			continue
		}
		if strings.HasPrefix(unit, "lesson") || strings.HasPrefix(unit, "lecci") || strings.HasPrefix(unit, "leçon") || strings.HasPrefix(unit, "lektion") {
			if r.lessons == 0 {
				r.lessons = n
			}
		} else if r.modules == 0 {
			r.modules = n
		}
	}
	if m := questionsRe.FindStringSubmatch(p); m != nil {
		if n := countOf(m[1]); n > 0 && n <= 50 {
			r.questions = n
		}
	}
	r.quiz = strings.Contains(low, "quiz") || strings.Contains(low, "test") || strings.Contains(low, "assessment") ||
		strings.Contains(low, "question") || strings.Contains(low, "exam") || strings.Contains(low, "evaluación") ||
		strings.Contains(low, "cuestionario") || strings.Contains(low, "prüfung")
	r.survey = strings.Contains(low, "survey") || strings.Contains(low, "encuesta") || strings.Contains(low, "sondage") ||
		strings.Contains(low, "questionnaire") || strings.Contains(low, "umfrage")
	for _, m := range audienceRe.FindAllStringSubmatch(p, -1) {
		a := cleanPhrase(m[1])
		if a == "" || startsWithCount(a) || generic[strings.ToLower(firstWord(a))] && wordCount(a) == 1 {
			continue
		}
		r.audience = a
		break
	}
	for i, re := range topicRes {
		m := re.FindStringSubmatch(p)
		if m == nil {
			continue
		}
		t := cleanPhrase(m[1])
		if i == len(topicRes)-1 {
			// "a compliance forklift-safety course": drop the qualifiers.
			var kept []string
			for _, w := range strings.Fields(t) {
				if qualifiers[strings.ToLower(w)] && len(kept) == 0 {
					if r.qualifier == "" {
						r.qualifier = strings.ToLower(w)
					}
					continue
				}
				kept = append(kept, w)
			}
			t = strings.Join(kept, " ")
		}
		if t == "" || startsWithCount(t) || wordCount(t) > 10 || !meaningful(t) {
			continue
		}
		r.topic, r.explicit = t, true
		break
	}
	if r.qualifier == "" {
		for _, w := range strings.Fields(low) {
			if w = strings.Trim(w, ".,;:!?"); qualifiers[w] && w != "training" && w != "staff" && w != "employee" {
				r.qualifier = w
				break
			}
		}
	}
	if m := subtopicsRe.FindStringSubmatch(p); m != nil {
		for _, part := range listSplitRe.Split(m[1], -1) {
			part = cleanPhrase(part)
			if part == "" || wordCount(part) > 6 || startsWithCount(part) {
				continue
			}
			if len(r.subtopics) < 8 {
				r.subtopics = append(r.subtopics, part)
			}
		}
	}
	if r.topic == "" {
		// Fall back to the prompt's first clause without its opening verb.
		first := p
		if i := strings.IndexAny(first, ".;:!?\n"); i > 0 {
			first = first[:i]
		}
		first = leadRe.ReplaceAllString(first, "")
		if i := strings.Index(strings.ToLower(first), " for "); i > 0 {
			first = first[:i]
		}
		var kept []string
		for _, w := range strings.Fields(first) {
			if generic[strings.ToLower(w)] || qualifiers[strings.ToLower(w)] {
				continue
			}
			kept = append(kept, w)
			if len(kept) == 6 {
				break
			}
		}
		if t := cleanPhrase(strings.Join(kept, " ")); !startsWithCount(t) && meaningful(t) {
			r.topic = t
		}
	}
	inPhrase := strings.ToLower(r.topic + " " + r.audience + " " + strings.Join(r.subtopics, " "))
	seen := map[string]bool{}
	for _, t := range tokenize(p, stopwordsFor(detectLanguage(p))) {
		if t.stop || generic[t.lower] || qualifiers[t.lower] || seen[t.lower] || strings.Contains(inPhrase, t.lower) {
			continue
		}
		seen[t.lower] = true
		r.terms = append(r.terms, t.lower)
		if len(r.terms) == 6 {
			break
		}
	}
	return r
}

// meaningful reports whether a phrase has a word that is neither a stopword nor generic.
func meaningful(s string) bool {
	for _, t := range tokenize(s, stopwords["en"]) {
		if !t.stop && !generic[t.lower] && !qualifiers[t.lower] {
			return true
		}
	}
	return false
}

func countOf(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return numberWords[strings.ToLower(s)]
}

func startsWithCount(s string) bool {
	w := strings.ToLower(firstWord(s))
	if _, ok := numberWords[w]; ok && w != "un" && w != "une" && w != "ein" && w != "eine" && w != "una" {
		return true
	}
	return w != "" && w[0] >= '0' && w[0] <= '9'
}

// cleanPhrase trims articles, possessives and punctuation from the ends of a phrase.
func cleanPhrase(s string) string {
	s = strings.Trim(normalize(s), " .,;:!?\"'“”()")
	for {
		w := strings.ToLower(firstWord(s))
		if w == "the" || w == "a" || w == "an" || w == "our" || w == "your" || w == "all" || w == "my" || w == "their" ||
			w == "el" || w == "la" || w == "los" || w == "las" || w == "le" || w == "les" || w == "des" || w == "die" || w == "der" {
			s = strings.TrimSpace(s[len(w):])
			continue
		}
		break
	}
	for {
		f := strings.Fields(s)
		if len(f) == 0 {
			return ""
		}
		last := strings.ToLower(f[len(f)-1])
		if last == "and" || last == "or" || last == "the" || last == "a" || last == "an" || last == "of" || last == "to" {
			s = strings.Join(f[:len(f)-1], " ")
			continue
		}
		return s
	}
}

// moduleCount is the number of modules to generate: the option, else what the prompt
// asks for (modules, else lessons), else the default; at most 20.
func moduleCount(opt int, r request) int {
	n := opt
	if n <= 0 {
		n = r.modules
	}
	if n <= 0 {
		n = r.lessons
	}
	if n <= 0 {
		n = ai.DefaultModules
	}
	return min(n, 20)
}

// lessonsPerModule spreads the lessons the prompt asks for over the modules (1–4 each),
// or 0 when the prompt does not say.
func lessonsPerModule(r request, modules int) int {
	if r.lessons <= 0 || modules <= 0 {
		return 0
	}
	return min(max((r.lessons+modules/2)/modules, 1), 4)
}
