package pseudonym

import (
	"testing"

	"github.com/google/uuid"
)

func TestCode(t *testing.T) {
	t.Parallel()
	k := Key("a test pseudonym key of 32+ bytes!!")
	a, b := uuid.New(), uuid.New()
	code := k.Code("acme", a)
	if len(code) != codeLen || k.Code("acme", a) != code {
		t.Fatalf("code %q is not stable or not %d characters", code, codeLen)
	}
	for name, other := range map[string]string{
		"another tenant": k.Code("globex", a),
		"another person": k.Code("acme", b),
		"another key":    Key("another pseudonym key of 32+ bytes!").Code("acme", a),
	} {
		if other == code {
			t.Errorf("%s has the same code %s", name, code)
		}
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"Learner 4F7K2Q3X", "4F7K2Q3X", true},
		{"learner 4f7k2q3x", "4F7K2Q3X", true},
		{" 4F7K2Q3X ", "4F7K2Q3X", true},
		{"learner-4f7k2q3x@pseudonymous.invalid", "4F7K2Q3X", true},
		{"LEARNER-4F7K2Q3X@PSEUDONYMOUS.INVALID", "4F7K2Q3X", true},
		{"learner-4f7k2q3x@example.com", "", false},
		{"Learner 4F7K2Q3", "", false},  // too short
		{"Learner 4F7K2Q31", "", false}, // 1 is not base32
		{"Sarah Connor", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := Parse(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("Parse(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	code := Key("a test pseudonym key of 32+ bytes!!").Code("acme", uuid.New())
	for _, s := range []string{code, Name(code), Email(code)} {
		if got, ok := Parse(s); !ok || got != code {
			t.Errorf("Parse(%q) = %q, %v; want %q", s, got, ok, code)
		}
	}
}
