package offline

import "testing"

// TestParentHeading: a merged module of a section and its subsections is named for the
// section; siblings without their parent have none (they are listed instead).
func TestParentHeading(t *testing.T) {
	t.Parallel()
	cases := []struct {
		hs   []string
		want string
	}{
		{[]string{"Chapter 26. Backup and Restore", "26.1. SQL Dump", "26.1.1. Restoring the Dump", "26.1.2. Using pg_dumpall"}, "26.1. SQL Dump"},
		{[]string{"4.1. Normal Unix authentication", "4.2. Managing account", "4.2.1. Passwords"}, ""},
		{[]string{"asn1 write value", "asn1 read value", "asn1 delete structure"}, ""},
		{[]string{"2 ASN.1 structure handling", "2.1 ASN.1 syntax", "2.2 Naming"}, "2 ASN.1 structure handling"},
	}
	for _, c := range cases {
		if got := parentHeading(c.hs); got != c.want {
			t.Errorf("parentHeading(%q) = %q, want %q", c.hs, got, c.want)
		}
	}
}
