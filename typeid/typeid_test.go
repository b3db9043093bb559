package typeid

import (
	"errors"
	"testing"

	"github.com/google/uuid"
)

func TestSpecVectors(t *testing.T) {
	t.Parallel()
	// Vectors from the TypeID specification's valid.yml.
	cases := []struct{ id, uuid string }{
		{"prefix_00000000000000000000000000", "00000000-0000-0000-0000-000000000000"},
		{"prefix_00000000000000000000000001", "00000000-0000-0000-0000-000000000001"},
		{"prefix_0000000000000000000000000a", "00000000-0000-0000-0000-00000000000a"},
		{"prefix_0000000000000000000000000z", "00000000-0000-0000-0000-00000000001f"},
		{"prefix_7zzzzzzzzzzzzzzzzzzzzzzzzz", "ffffffff-ffff-ffff-ffff-ffffffffffff"},
		{"prefix_01h455vb4pex5vsknk084sn02q", "01890a5d-ac96-774b-bcce-b302099a8057"},
	}
	for _, c := range cases {
		u, err := Parse("prefix", c.id)
		if err != nil {
			t.Fatalf("Parse(%q): %v", c.id, err)
		}
		if u.String() != c.uuid {
			t.Errorf("Parse(%q) = %s, want %s", c.id, u, c.uuid)
		}
		if got := Format("prefix", uuid.MustParse(c.uuid)); got != c.id {
			t.Errorf("Format(%s) = %q, want %q", c.uuid, got, c.id)
		}
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	bad := []string{
		"", "coh", "coh_", "asm_01h455vb4pex5vsknk084sn02q", "coh_01h455vb4pex5vsknk084sn02",
		"coh_8zzzzzzzzzzzzzzzzzzzzzzzzz", "coh_01h455vb4pex5vsknk084sn0uq", "coh-not-a-uuid",
		"coh_01H455VB4PEX5VSKNK084SN02Q", "coh-01890a5d-ac96-774b-bcce-b302099a805",
	}
	for _, s := range bad {
		if _, err := Parse("coh", s); !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) err = %v, want ErrInvalid", s, err)
		}
	}
}

func TestLegacyForm(t *testing.T) {
	t.Parallel()
	got, err := Canonical("grp", "grp-01890a5d-ac96-774b-bcce-b302099a8057")
	if err != nil {
		t.Fatal(err)
	}
	if got != "grp_01h455vb4pex5vsknk084sn02q" {
		t.Fatalf("Canonical = %q", got)
	}
}

func TestNewRoundTrip(t *testing.T) {
	t.Parallel()
	for range 1000 {
		s, u := New(Cohort)
		back, err := Parse(Cohort, s)
		if err != nil || back != u {
			t.Fatalf("round trip %q: %v %v", s, back, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"coh_01h455vb4pex5vsknk084sn02q", "coh-01890a5d-ac96-774b-bcce-b302099a8057", "coh_", "x", "coh_zzzzzzzzzzzzzzzzzzzzzzzzzz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(Cohort, s)
		if err != nil {
			return
		}
		// Anything accepted must re-render to a canonical id that parses to the same UUID.
		c := Format(Cohort, u)
		back, err := Parse(Cohort, c)
		if err != nil || back != u {
			t.Fatalf("canonical %q of %q does not round-trip: %v", c, s, err)
		}
	})
}
