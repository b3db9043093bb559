package offline

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

// testHeadings are the headings of testChunks, in order.
var testHeadings = []string{"Confined spaces", "Atmospheric testing", "Ventilation", "Rescue"}

// testChunks is a small manual with four headed sections of two chunks each: definitions,
// numbers with units, acronyms.
func testChunks() []ai.Chunk {
	texts := [][]string{
		{
			`A confined space is a space that is large enough to enter but has limited openings for entry and exit. Storage tanks, silos and sewers are typical examples.
Confined spaces are not designed for continuous occupancy. The employer identifies every confined space on the site and marks it with a warning sign.`,
			`OSHA estimates that about 90 workers die in confined spaces in the United States every year. More than 60 percent of the victims are would-be rescuers.
A permit-required space is a confined space with a serious hazard such as a toxic atmosphere. Entry into such a space needs a written entry permit signed by the supervisor.`,
		},
		{
			`Atmospheric testing checks the air inside the space before anyone enters. The attendant tests for oxygen first, then flammable gases, then toxic gases.
A gas detector is a portable instrument that measures several gases at once. The normal oxygen level in air is 20.9 percent.`,
			`An atmosphere with less than 19.5 percent oxygen is oxygen-deficient. Flammable gases must stay below 10 percent of the LEL before entry.
The LEL is the lowest concentration of a gas that can ignite. Hydrogen sulfide is a toxic gas that smells of rotten eggs at low levels.`,
		},
		{
			`Ventilation replaces the air of the space with fresh air from outside. A blower must run for at least 15 minutes before entry.
Forced ventilation is the use of a fan to push fresh air into the space through a duct.`,
			`The air intake of the blower must be placed at least 3 metres away from any engine exhaust. Ventilation continues for the whole time that workers are inside.
Pure oxygen must never be used for ventilation because it makes materials burn far more easily.`,
		},
		{
			`An attendant is a trained person who stays outside the space and watches the entrants at all times. The attendant never enters the space to attempt a rescue.
A retrieval system is a winch with a lifeline that lifts a worker out without anyone entering. The rescue team must be able to reach the space within 4 minutes.`,
			`The NIOSH guidance asks for a rescue drill at least once every 12 months. Each drill is recorded in the site training log.
A rescue plan is a written document that says who performs the rescue and with which equipment. The emergency services number is written on the entry permit.`,
		},
	}
	var out []ai.Chunk
	for hi, h := range testHeadings {
		for _, t := range texts[hi] {
			i := len(out)
			out = append(out, ai.Chunk{ID: uuid.NewSHA1(uuid.NameSpaceOID, []byte(fmt.Sprintf("test-chunk-%d", i))),
				Source: "confined-spaces.pdf", Ordinal: i, Heading: h, Text: t})
		}
	}
	return out
}

// fakeRetriever ranks chunks by the words they share with the query, recording queries.
type fakeRetriever struct {
	chunks  []ai.Chunk
	queries []string
}

func (f *fakeRetriever) retrieve(_ context.Context, query string, k int) ([]ai.Chunk, error) {
	f.queries = append(f.queries, query)
	words := strings.Fields(strings.ToLower(query))
	type scored struct {
		c ai.Chunk
		n int
	}
	var s []scored
	for _, c := range f.chunks {
		low := strings.ToLower(c.Text + " " + c.Heading)
		n := 0
		for _, w := range words {
			if len(w) > 3 && strings.Contains(low, w) {
				n++
			}
		}
		if n > 0 {
			s = append(s, scored{c, n})
		}
	}
	slices.SortStableFunc(s, func(a, b scored) int { return b.n - a.n })
	var out []ai.Chunk
	for _, x := range s {
		if len(out) == k {
			break
		}
		out = append(out, x.c)
	}
	return out, nil
}

// questionsOf lists every question of the sections.
func questionsOf(secs []ai.Section) []ai.Question {
	var out []ai.Question
	for _, s := range secs {
		for _, e := range s.Elements {
			out = append(out, e.Questions...)
		}
	}
	return out
}

// checkGrounded asserts that each question is single-choice with one correct option
// that appears verbatim (ignoring the case of its first letter) in the chunk it cites,
// and distractors that differ from the answer and occur in the document; a true-or-false
// question's statement is in its chunk exactly when "True" is correct. It returns the
// grounded share.
func checkGrounded(t *testing.T, qs []ai.Question, chunks []ai.Chunk) float64 {
	t.Helper()
	byID := map[uuid.UUID]ai.Chunk{}
	var all strings.Builder
	for _, c := range chunks {
		byID[c.ID] = c
		all.WriteString(strings.ToLower(c.Text))
		all.WriteByte('\n')
	}
	doc := all.String()
	grounded := 0
	for i, q := range qs {
		if q.Kind != ai.QuestionSingle {
			t.Errorf("question %d: kind %q, want single", i, q.Kind)
		}
		var answer string
		correct := 0
		for _, o := range q.Options {
			if o.Correct {
				correct++
				answer = o.Text
			}
		}
		if tf, lang := trueFalseStatement(q); tf != "" {
			if correct != 1 || q.SourceChunkID == nil {
				t.Errorf("question %d: true-or-false with %d correct options, cited %v", i, correct, q.SourceChunkID)
				continue
			}
			inChunk := strings.Contains(normalize(byID[*q.SourceChunkID].Text), tf)
			if inChunk != (answer == label(lang, lTrue)) {
				t.Errorf("question %d: %q is %q but the statement is in its chunk: %v", i, q.Text, answer, inChunk)
				continue
			}
			if why := ai.Gate(q, byID[*q.SourceChunkID].Text); why != "" {
				t.Errorf("question %d: %q fails the gate: %s", i, q.Text, why)
				continue
			}
			grounded++
			continue
		}
		if correct != 1 {
			t.Errorf("question %d: %d correct options", i, correct)
			continue
		}
		for _, o := range q.Options {
			if o.Correct {
				continue
			}
			if strings.EqualFold(o.Text, answer) {
				t.Errorf("question %d: distractor %q equals the answer", i, o.Text)
			}
			if !strings.Contains(doc, strings.ToLower(o.Text)) && !sameUnit(o.Text, answer) && !oneSwap(q, o.Text, answer) {
				t.Errorf("question %d: distractor %q is not from the text", i, o.Text)
			}
		}
		if q.SourceChunkID == nil {
			t.Errorf("question %d (%q) cites no chunk", i, q.Text)
			continue
		}
		c, ok := byID[*q.SourceChunkID]
		if !ok {
			t.Errorf("question %d cites an unknown chunk %s", i, q.SourceChunkID)
			continue
		}
		if strings.Contains(c.Text, answer) || strings.Contains(strings.ToLower(c.Text), strings.ToLower(answer)) {
			grounded++
		} else {
			t.Errorf("question %d: answer %q is not in its chunk %q", i, answer, c.Text)
		}
	}
	if len(qs) == 0 {
		return 0
	}
	return float64(grounded) / float64(len(qs))
}

// normalizedText is the chunks' text with white space collapsed.
func normalizedText(chunks []ai.Chunk) string {
	var b strings.Builder
	for _, c := range chunks {
		b.WriteString(normalize(c.Text))
		b.WriteByte(' ')
	}
	return b.String()
}

// trueFalseStatement is the statement of a true-or-false question and the language of
// its labels ("" for other questions).
func trueFalseStatement(q ai.Question) (string, string) {
	for _, lang := range languages {
		prefix := label(lang, lTrueFalse) + " "
		if len(q.Options) == 2 && strings.HasPrefix(q.Text, prefix) {
			return strings.TrimPrefix(q.Text, prefix), lang
		}
	}
	return "", ""
}

// sameUnit: a distractor is the answer's unit with another number ("30 minutes" for "15
// minutes"), which the generator may write when the text offers too few values.
func sameUnit(distractor, answer string) bool {
	num := regexp.MustCompile(`[\d.,]+`)
	d, a := num.ReplaceAllString(distractor, "#"), num.ReplaceAllString(answer, "#")
	return d == a && strings.Contains(d, "#") && distractor != answer
}

// oneSwap: in a "which statement is correct" question, a wrong statement is the correct
// one with one span changed.
func oneSwap(q ai.Question, wrong, right string) bool {
	if !strings.HasSuffix(q.Text, label(detectLanguage(q.Text), lWhichStatement)) && q.Text != label("en", lWhichStatement) {
		return false
	}
	i := 0
	for i < len(wrong) && i < len(right) && wrong[i] == right[i] {
		i++
	}
	j := 0
	for j < len(wrong)-i && j < len(right)-i && wrong[len(wrong)-1-j] == right[len(right)-1-j] {
		j++
	}
	return i+j >= len(right)/2
}
