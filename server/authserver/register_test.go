package authserver

import "testing"

func TestRedirectURIAllowed(t *testing.T) {
	t.Parallel()
	cases := []struct {
		uri  string
		want bool
	}{
		{"https://claude.ai/api/mcp/auth_callback", true},
		{"https://example.com:8443/cb?x=1", true},
		{"http://127.0.0.1:33418/callback", true},
		{"http://[::1]:9/cb", true},
		{"http://localhost/cb", true},
		{"http://example.com/cb", false},
		{"http://127.0.0.1.example.com/cb", false},
		{"https://example.com/cb#frag", false},
		{"https://user:pw@example.com/cb", false},
		{"javascript:alert(1)", false},
		{"cursor://anysphere.cursor-retrieval/oauth/callback", false},
		{"/relative", false},
		{"", false},
	}
	for _, c := range cases {
		if got := redirectURIAllowed(c.uri); got != c.want {
			t.Errorf("redirectURIAllowed(%q) = %t, want %t", c.uri, got, c.want)
		}
	}
}

func TestClientName(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{"  Claude  ", "Claude"},
		{"", "An unnamed MCP client"},
		{"a\u0000b\nc", "abc"},
		{string(make([]rune, 150)), "An unnamed MCP client"}, // NULs only
	}
	for _, c := range cases {
		if got := clientName(c.in); got != c.want {
			t.Errorf("clientName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	long := ""
	for range 150 {
		long += "é"
	}
	if got := []rune(clientName(long)); len(got) != 100 {
		t.Errorf("a 150-rune name keeps %d runes, want 100", len(got))
	}
}
