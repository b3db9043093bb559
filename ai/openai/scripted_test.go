package openai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

// scripted is an OpenAI-compatible endpoint that answers each call by recognising what
// it is (the response_format's schema name: outline, module, sections, question, brief).
type scripted struct {
	mu     sync.Mutex
	reqs   []recorded
	answer func(kind string, r recorded) reply // called under mu
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := record(r)
	kind := strings.TrimPrefix(rec.body.ResponseFormat.JSONSchema.Name, "learnd_")
	s.mu.Lock()
	s.reqs = append(s.reqs, rec)
	rp := s.answer(kind, rec)
	s.mu.Unlock()
	writeReply(w, rp)
}

func (s *scripted) requests(kind string) []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []recorded
	for _, r := range s.reqs {
		if kind == "" || r.body.ResponseFormat.JSONSchema.Name == "learnd_"+kind {
			out = append(out, r)
		}
	}
	return out
}

// A test document: chunks under six headings, each stating who supervises one station.
var (
	docHeadings = []string{"Ventilation", "Gas testing", "Entry permits", "Rescue", "Lockout", "Communication"}
	firstNames  = []string{"Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel", "Juniper", "Larch", "Maple", "Oak", "Poplar", "Rowan", "Spruce"}
	lastNames   = []string{"Quartz", "Basalt", "Granite", "Marble", "Slate", "Shale", "Flint", "Jasper", "Onyx", "Opal", "Topaz", "Garnet", "Beryl", "Agate", "Pumice"}
)

func supervisor(k int) string { return firstNames[k%15] + " " + lastNames[(k/15)%15] }

// document is n chunks of about 800 bytes, in document order, split evenly over docHeadings.
func document(n int) []ai.Chunk {
	filler := strings.Repeat("Supervisors walk the site, record readings and brief every crew before work begins. ", 9)
	out := make([]ai.Chunk, n)
	for k := range n {
		out[k] = ai.Chunk{ID: uuid.New(), Source: "manual.pdf", Ordinal: k, Heading: docHeadings[k*len(docHeadings)/n],
			Text: fmt.Sprintf("Station %d is supervised by %s. %s", k, supervisor(k), filler)}
	}
	return out
}

var (
	reChunk     = regexp.MustCompile(`\n\[(\d+)\][^\n]*heading="([^"]*)"\nStation (\d+) is supervised by`)
	reModule    = regexp.MustCompile(`Write module (\d+): "([^"]*)"`)
	reQuestions = regexp.MustCompile(`exactly (\d+) quiz questions`)
	rePlan      = regexp.MustCompile(`Plan exactly (\d+) modules`)
	reHeading   = regexp.MustCompile(`(?m)^(?:- |## )(.+)$`)
)

// sentChunk is a chunk as a module call shows it.
type sentChunk struct {
	n, station int
	heading    string
}

func sentChunks(user string) []sentChunk {
	var out []sentChunk
	for _, m := range reChunk.FindAllStringSubmatch(user, -1) {
		n, _ := strconv.Atoi(m[1])
		k, _ := strconv.Atoi(m[3])
		out = append(out, sentChunk{n: n, station: k, heading: m[2]})
	}
	return out
}

// outlineReply plans the modules after the headings the request shows (else "Module i"),
// with want modules (or the number asked for).
func outlineReply(r recorded, want int) string {
	n, _ := strconv.Atoi(rePlan.FindStringSubmatch(r.user())[1])
	if want > 0 {
		n = want
	}
	var titles []string
	for _, m := range reHeading.FindAllStringSubmatch(r.user(), -1) {
		if !slices.Contains(titles, m[1]) {
			titles = append(titles, m[1])
		}
	}
	var mods []map[string]string
	for i := range n {
		t := fmt.Sprintf("Module %d", i+1)
		if i < len(titles) {
			t = titles[i]
		}
		mods = append(mods, map[string]string{"title": t, "scope": "What the manual says about " + strings.ToLower(t) + "."})
	}
	b, _ := json.Marshal(map[string]any{"title": "Confined spaces", "annotation": "Working safely in confined spaces.", "tags": []string{"safety", "Safety"},
		"finalQuizTitle": "Final quiz", "modules": mods})
	return string(b)
}

// moduleReply writes a module from the chunks the request shows: one lesson, and the
// questions asked for, each on one chunk's station. wrongCitation cites the next chunk
// for the first question and paraphrases its answer (lower case), so the answer is not
// verbatim anywhere and the cited chunk does not state it.
func moduleReply(r recorded, wrongCitation bool) string {
	title := reModule.FindStringSubmatch(r.user())[2]
	nq, _ := strconv.Atoi(reQuestions.FindStringSubmatch(r.user())[1])
	body := strings.Repeat("Before anyone enters, the supervisor checks the permit, the readings and the rescue plan. ", 4)
	lesson := map[string]any{"title": "Working with " + strings.ToLower(title),
		"brief": map[string]any{"topic": title, "title": title + " basics", "description": "What every entrant needs to know.",
			"keyPoints": []string{"Check first.", "Ask the supervisor."}, "targetAudience": "Entrants"},
		"pages": []any{map[string]string{"title": "Overview", "body": body}}}
	var qs []any
	chunks := sentChunks(r.user())
	for i := range nq {
		q := map[string]any{"kind": "single", "text": fmt.Sprintf("Which step comes %d?", i+1),
			"options": []any{map[string]any{"text": "Check the permit", "correct": true, "feedback": "Right: the source says so."}, map[string]any{"text": "Open the hatch", "correct": false, "feedback": "No: the source says otherwise."},
				map[string]any{"text": "Call the office", "correct": false, "feedback": "No: the source says otherwise."}}, "sourceChunk": 0}
		if i < len(chunks) {
			ch := chunks[i]
			answer, cite := supervisor(ch.station), ch.n
			if wrongCitation && i == 0 && len(chunks) > 1 {
				answer, cite = strings.ToLower(answer), chunks[1].n
			}
			q = map[string]any{"kind": "single", "text": fmt.Sprintf("Who supervises station %d?", ch.station),
				"options": []any{map[string]any{"text": answer, "correct": true, "feedback": "Right: the source says so."}, map[string]any{"text": supervisor(ch.station + 1), "correct": false, "feedback": "No: the source says otherwise."},
					map[string]any{"text": supervisor(ch.station + 2), "correct": false, "feedback": "No: the source says otherwise."}}, "sourceChunk": cite}
		}
		qs = append(qs, q)
	}
	b, _ := json.Marshal(map[string]any{"lessons": []any{lesson}, "questions": qs})
	return string(b)
}

// checkBudget asserts every request's messages (at 3 characters a token) and its
// max_tokens fit in contextTokens.
func checkBudget(t *testing.T, reqs []recorded, contextTokens int) {
	t.Helper()
	for i, r := range reqs {
		chars := 0
		for _, m := range r.body.Messages {
			chars += len(m.Content)
		}
		if r.body.MaxTokens <= 0 || chars/3+r.body.MaxTokens > contextTokens {
			t.Errorf("request %d (%s, %d messages): %d characters (%d tokens) + max_tokens %d exceed %d tokens",
				i, r.body.ResponseFormat.JSONSchema.Name, len(r.body.Messages), chars, chars/3, r.body.MaxTokens, contextTokens)
		}
	}
}
