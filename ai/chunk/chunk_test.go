package chunk

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func sentence(i int) string {
	return fmt.Sprintf("Sentence number %d explains one more rule about ventilation, permits and rescue plans.", i)
}

func paragraph(from, n int) string {
	var s []string
	for i := from; i < from+n; i++ {
		s = append(s, sentence(i))
	}
	return strings.Join(s, " ")
}

func TestChunkSplit(t *testing.T) {
	t.Parallel()
	long := paragraph(0, 40) // ~3500 characters in one paragraph
	blocks := []Block{
		{Text: "Preface text before any heading."},
		{Heading: true, Level: 1, Text: "1 Entry permits"},
		{Text: paragraph(100, 3)},
		{Text: paragraph(200, 3)},
		{Text: paragraph(300, 3)},
		{Text: paragraph(400, 3)},
		{Text: paragraph(500, 3)},
		{Heading: true, Level: 2, Text: "1.1 Gas testing"},
		{Text: long},
		{Heading: true, Level: 1, Text: "2 Misc"},
		{Heading: true, Level: 1, Text: "   "}, // empty: ignored
		{Heading: true, Level: 1, Text: strings.Repeat("not a heading ", 20)},
		{Text: strings.Repeat("x", 2500)},
	}
	chunks := Split(blocks)
	if len(chunks) < 6 {
		t.Fatalf("got %d chunks: %+v", len(chunks), chunks)
	}
	if chunks[0].Heading != "" || chunks[0].Text != "Preface text before any heading." {
		t.Errorf("chunk 0 = %+v", chunks[0])
	}
	var words []string
	for i, c := range chunks {
		if c.Ordinal != i {
			t.Errorf("chunk %d has ordinal %d", i, c.Ordinal)
		}
		if n := utf8.RuneCountInString(c.Text); n > MaxChars {
			t.Errorf("chunk %d has %d characters", i, n)
		}
		words = append(words, strings.Fields(c.Text)...)
	}
	// Every word of the body survives, in order (the headings are carried, not repeated).
	var want []string
	for _, b := range blocks {
		if !b.Heading || utf8.RuneCountInString(strings.TrimSpace(b.Text)) > MaxHeadingChars {
			want = append(want, strings.Fields(b.Text)...)
		}
	}
	if strings.Join(words, "") != strings.Join(want, "") {
		t.Errorf("the chunks lose or reorder text")
	}
	// The permit section: whole paragraphs packed up to the maximum, cut between them.
	var permit, gas []Chunk
	for _, c := range chunks {
		switch c.Heading {
		case "1 Entry permits":
			permit = append(permit, c)
		case "1.1 Gas testing":
			gas = append(gas, c)
		}
	}
	if len(permit) != 2 {
		t.Fatalf("permit section: %d chunks, want 2", len(permit))
	}
	if n := utf8.RuneCountInString(permit[0].Text); n < MinChars {
		t.Errorf("the first permit chunk has %d characters, want ≥ %d", n, MinChars)
	}
	if !strings.HasPrefix(permit[1].Text, "Sentence number ") || strings.Count(permit[0].Text, "\n\n") < 2 {
		t.Errorf("the permit chunks are not cut between paragraphs: %q", permit[0].Text)
	}
	// The long paragraph: cut at sentence ends, each chunk of it but the last ≥ MinChars.
	if len(gas) < 3 {
		t.Fatalf("gas section: %d chunks", len(gas))
	}
	for i, c := range gas {
		if !strings.HasSuffix(c.Text, "plans.") || !strings.HasPrefix(c.Text, "Sentence number ") {
			t.Errorf("gas chunk %d is not cut at a sentence boundary: %q…%q", i, c.Text[:20], c.Text[len(c.Text)-20:])
		}
		if i < len(gas)-1 && utf8.RuneCountInString(c.Text) < MinChars {
			t.Errorf("gas chunk %d is short: %d", i, utf8.RuneCountInString(c.Text))
		}
	}
	// A too-long heading is a paragraph; a 2500-character word is cut at the maximum.
	last := chunks[len(chunks)-1]
	if last.Heading != "2 Misc" || utf8.RuneCountInString(last.Text) > MaxChars {
		t.Errorf("last chunk = heading %q, %d chars", last.Heading, len(last.Text))
	}
}

func TestChunkSentences(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want []string
	}{
		{"One. Two! Three? four.", []string{"One.", "Two!", "Three? four."}},
		{"Ask Dr. Smith first. Then Mr. Jones.", []string{"Ask Dr. Smith first.", "Then Mr. Jones."}},
		{`He said "stop." Then 3 people left.`, []string{`He said "stop."`, "Then 3 people left."}},
		{"Use e.g. a meter. Done", []string{"Use e.g. a meter.", "Done"}},
	}
	for _, c := range cases {
		if got := sentences(c.in); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("sentences(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if got := Split(nil); len(got) != 0 {
		t.Errorf("Split(nil) = %v", got)
	}
}

// TestSplitKeepsEmptySections: a heading with no text of its own (a chapter opening
// straight into its first section, a heading at the very end) is kept as a chunk holding
// the heading, so no section of the outline disappears.
func TestSplitKeepsEmptySections(t *testing.T) {
	t.Parallel()
	got := Split([]Block{
		{Heading: true, Level: 1, Text: "2 ASN.1 structure handling"},
		{Heading: true, Level: 2, Text: "2.1 ASN.1 syntax"},
		{Text: "The syntax follows X.680."},
		{Heading: true, Level: 1, Text: "END OF TERMS AND CONDITIONS"},
	})
	want := []Chunk{
		{Ordinal: 0, Heading: "2 ASN.1 structure handling", Text: "2 ASN.1 structure handling"},
		{Ordinal: 1, Heading: "2.1 ASN.1 syntax", Text: "The syntax follows X.680."},
		{Ordinal: 2, Heading: "END OF TERMS AND CONDITIONS", Text: "END OF TERMS AND CONDITIONS"},
	}
	if len(got) != len(want) {
		t.Fatalf("chunks = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("chunk %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
