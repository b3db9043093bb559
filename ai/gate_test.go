package ai_test

import (
	"strings"
	"testing"

	"github.com/learnd/learnd/ai"
)

func single(stem, correct string, others ...string) ai.Question {
	q := ai.Question{Kind: "single", Text: stem, Options: []ai.Option{{Text: correct, Correct: true}}}
	for _, o := range others {
		q.Options = append(q.Options, ai.Option{Text: o})
	}
	return q
}

// TestGate: the defects the issue found in generated quizzes are each refused with the
// reason; sound questions pass.
func TestGate(t *testing.T) {
	t.Parallel()
	src := "Use pg_backup_stop to finish the backup. The default port is 5432. See passwd(5). " +
		"WAL segment files are 16 MB by default. DER is the Distinguished Encoding Rules."
	cases := []struct {
		name   string
		q      ai.Question
		source string
		want   string // "" passes; else part of the reason
	}{
		{"blank inside an identifier", single("Fill in the blank: use pg_______stop to finish.", "backup", "restore", "dump"), src, "blank inside a token"},
		{"man-page section as the answer", single("Fill in the blank: see passwd(_____).", "5", "4", "6"), src, "blank inside a token"},
		{"section number as the answer", single("Which section covers timelines? _____", "26.3.5", "26.3.4", "26.3.6"), "", "section, list or page number"},
		{"options of mixed kinds", single("Fill in the blank: the _____ language.", "SQL", "14PM", "16MB"), "", "mixed kinds"},
		{"near-duplicate options", single("Which encoding is canonical?", "DER", "DERΩ", "BER"), src, "near-duplicate"},
		{"duplicate options", single("Which encoding is canonical?", "DER", "der", "BER"), src, "duplicate options"},
		{"answer not in its source", single("Which tool restores a custom dump?", "pg_restore", "psql", "initdb"), src, "not stated in its source"},
		{"a number the source does not state", single("How many MB is a WAL segment file by default?", "20 MB", "16 MB", "64 MB"), src, "not stated in its source"},
		{"single letter answer", single("Fill in the blank: option _____ sets the host.", "h", "p", "U"), "", "single character"},
		{"a term stated in the source", single("Fill in the blank: _____ is the Distinguished Encoding Rules.", "DER", "BER", "PER"), src, ""},
		{"an amount the stem asks for", single("How many MB is a WAL segment file by default?", "16", "32", "64"), src, ""},
		{"a number with its unit", single("The default port is _____.", "5432", "5433", "8080"), src, ""},
		{"true: a statement of the source", single("True or false? WAL segment files are 16 MB by default.", "True", "False"), src, ""},
		{"false: one fact swapped", single("True or false? WAL segment files are 64 MB by default.", "False", "True"), src, ""},
		{"true or false on something the source never says", single("True or false? Logical replication slots survive a crash of the primary server.", "True", "False"), src, "not taken from its source"},
		{"true or false with both correct", ai.Question{Kind: "single", Text: "True or false? The default port is 5432.", Options: []ai.Option{{Text: "True", Correct: true}, {Text: "False", Correct: true}}}, src, "exactly one correct"},
	}
	for _, c := range cases {
		got := ai.Gate(c.q, c.source)
		switch {
		case c.want == "" && got != "":
			t.Errorf("%s: refused (%s), want it to pass", c.name, got)
		case c.want != "" && !strings.Contains(got, c.want):
			t.Errorf("%s: reason %q, want one mentioning %q", c.name, got, c.want)
		}
	}
}
