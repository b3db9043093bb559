package openai

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
)

func TestBudget(t *testing.T) {
	t.Parallel()
	cases := []struct {
		context, reply int
		want           budget
		err            string
	}{
		{0, 0, budget{context: 16384, reply: 4096}, ""},
		{8192, 0, budget{context: 8192, reply: 2048}, ""},
		{32768, 0, budget{context: 32768, reply: 4096}, ""},
		{131072, 1000, budget{context: 131072, reply: 1000}, ""},
		{4096, 0, budget{}, "LEARND_LLM_CONTEXT_TOKENS must be at least 8192 (it is 4096)"},
		{8192, 3000, budget{}, "3000 reply tokens leave too little"},
	}
	for _, tc := range cases {
		b, err := newBudget(tc.context, tc.reply)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("newBudget(%d, %d): error %v, want %q", tc.context, tc.reply, err, tc.err)
			}
			continue
		}
		if err != nil || b != tc.want {
			t.Errorf("newBudget(%d, %d) = %+v, %v; want %+v", tc.context, tc.reply, b, err, tc.want)
		}
	}
	b := budget{context: 8192, reply: 2048}
	if got := b.prompt(); got != (8192-4096)*3-retryReserve {
		t.Errorf("prompt() = %d", got)
	}
	if got := b.room(strings.Repeat("x", 1000), "yy"); got != b.prompt()-1002 {
		t.Errorf("room = %d", got)
	}
	if got := b.room(strings.Repeat("x", 100000)); got != minSourceRoom {
		t.Errorf("room of an overfull prompt = %d, want %d", got, minSourceRoom)
	}
}

func chunksOf(n, size int, heading func(i int) string) []ai.Chunk {
	out := make([]ai.Chunk, n)
	for i := range out {
		text := fmt.Sprintf("chunk %03d ", i) + strings.Repeat("é", (size-10)/2)
		out[i] = ai.Chunk{ID: uuid.New(), Ordinal: i, Heading: heading(i), Text: text}
	}
	return out
}

func TestFitAndSpread(t *testing.T) {
	t.Parallel()
	chunks := chunksOf(100, 800, func(i int) string { return fmt.Sprintf("Part %d", i/10) })
	size := func(cs []ai.Chunk) int {
		var b strings.Builder
		writeChunks(&b, cs)
		return b.Len()
	}
	for _, room := range []int{900, 5000, 20000} {
		got := fit(chunks, room)
		if size(got) > room || len(got) == 0 || got[0].ID != chunks[0].ID || size(chunks[:len(got)+1]) <= room {
			t.Errorf("fit(%d): %d chunks of %d bytes, want the most leading chunks that fit", room, len(got), size(got))
		}
		sp := spread(chunks, room)
		if size(sp) > room || len(sp) != len(got) && len(sp) != len(got)-1 {
			t.Errorf("spread(%d): %d chunks of %d bytes (fit keeps %d)", room, len(sp), size(sp), len(got))
		}
		if len(sp) > 2 && sp[len(sp)-1].Ordinal < 50 {
			t.Errorf("spread(%d) ends at chunk %d: not spread over the document", room, sp[len(sp)-1].Ordinal)
		}
	}
	if got := spread(chunks[:3], 100000); len(got) != 3 {
		t.Errorf("spread of chunks that fit dropped some: %d", len(got))
	}
	// A chunk larger than the room is cut (at a rune boundary) to fit.
	cut := fit(chunks[:1], 300)
	if len(cut) != 1 || size(cut) > 300 || !strings.HasPrefix(chunks[0].Text, cut[0].Text) || !strings.HasPrefix(cut[0].Text, "chunk 000") || strings.ContainsRune(cut[0].Text, '\uFFFD') {
		t.Errorf("cut chunk %+v (%d bytes)", cut, size(cut))
	}
}

func TestOutlineSource(t *testing.T) {
	t.Parallel()
	small := chunksOf(5, 200, func(i int) string { return fmt.Sprintf("Part %d", i/2) })
	text, whole := outlineSource(small, 10000)
	if !whole || strings.Count(text, "## Part") != 3 || !strings.Contains(text, "chunk 004") {
		t.Errorf("whole document: %v %q", whole, text)
	}
	big := chunksOf(200, 800, func(i int) string { return fmt.Sprintf("Heading number %d", i/2) })
	text, whole = outlineSource(big, 4500)
	if whole || len(text) > 4500 {
		t.Fatalf("long document: whole %v, %d bytes", whole, len(text))
	}
	if !strings.Contains(text, "A selection of its headings") || !strings.Contains(text, "- Heading number 0\n") || strings.Count(text, "- Heading number") < 10 {
		t.Errorf("headings not thinned evenly: %q", text)
	}
	if !strings.Contains(text, "chunk 000") || strings.Count(text, "chunk ") < 4 || !strings.Contains(text, "(Heading number") {
		t.Errorf("excerpts missing: %q", text)
	}
}

func TestHeadingMatches(t *testing.T) {
	t.Parallel()
	cases := []struct {
		heading, title string
		want           bool
	}{
		{"Ventilation", "Ventilation", true},
		{"3.2 Ventilation", "Ventilation and air testing", true},
		{"Rescue", "Rescue planning and emergency response", true},
		{"Gas testing procedures", "Testing the atmosphere for gas", true},
		{"Ventilation", "Rescue", false},
		{"", "Rescue", false},
		{"Lockout", "Tagout and isolation", false},
		{"Air", "Air", false}, // too short to compare
	}
	for _, tc := range cases {
		if got := headingMatches(tc.heading, tc.title); got != tc.want {
			t.Errorf("headingMatches(%q, %q) = %v", tc.heading, tc.title, got)
		}
	}
}

func TestFinalQuiz(t *testing.T) {
	t.Parallel()
	q := func(s string) ai.Question { return ai.Question{Text: s} }
	per := [][]ai.Question{{q("a1"), q("a2"), q("a3")}, {q("b1")}, {q("c1"), q("C1 "), q("c3")}}
	var got []string
	for _, x := range finalQuiz(per, 5) {
		got = append(got, x.Text)
	}
	if strings.Join(got, ",") != "a1,b1,c1,a2,a3" {
		t.Errorf("final quiz %v: want the modules in turn, repeats left out", got)
	}
}

func TestCourseOutline(t *testing.T) {
	t.Parallel()
	var c ai.Course
	c.Title = "Big course"
	for i := range 40 {
		c.Sections = append(c.Sections, ai.Section{Title: fmt.Sprintf("Section %d", i), Elements: []ai.Element{
			{Kind: ai.KindLesson, Title: "Lesson", Brief: &ai.Brief{Topic: "A topic"}, Pages: []ai.Page{{Title: "p", Body: "PAGE"}}},
			{Kind: ai.KindQuiz, Title: "Quiz", Questions: []ai.Question{{Text: "QUESTION"}}}}})
	}
	full := courseOutline(c, 100000)
	if !strings.Contains(full, `- lesson "Lesson" (topic: A topic)`) || !strings.Contains(full, `- quiz "Quiz" (1 questions)`) ||
		strings.Contains(full, "PAGE") || strings.Contains(full, "QUESTION") {
		t.Errorf("outline %q", full[:200])
	}
	short := courseOutline(c, 300)
	if !strings.Contains(short, "left out") || len(short) > 360 || strings.Contains(short, "lesson") {
		t.Errorf("short outline %q", short)
	}
	mid := courseOutline(c, 1500)
	if !strings.Contains(mid, "40. Section 39") || strings.Contains(mid, "lesson") {
		t.Errorf("section titles only: %q", mid)
	}
}

func TestCutOff(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]bool{
		`{"a": [1, 2`:              true,
		"```json\n{\"a\": \"x":     true,
		`Here it is: {"a": tru`:    true,
		`{"a": 1}`:                 false,
		"```json\n{\"a\": 1}\n```": false,
		`{"a" 1}`:                  false,
		`no JSON at all`:           false,
	} {
		if got := cutOff(s); got != want {
			t.Errorf("cutOff(%q) = %v", s, got)
		}
	}
}
