package tools

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/internal/pseudonym"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestKeyOptionsToolList: a read-only key's session lists read tools only, over the API
// and over /mcp, where the same person's read-write key lists writes; a pseudonymising key
// outside /mcp (as learnd mcp uses it) is refused before serving.
func TestKeyOptionsToolList(t *testing.T) {
	t.Parallel()
	env := pseudoEnv(t)
	env.Licence(t, "keyopts-mcp", auth.TierEnterprise, auth.MCPFull, true)
	admin := env.User(t, servertest.UserSpec{Tenant: "keyopts-mcp", Role: auth.RoleAdmin})
	rw := []client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}
	ro := pseudoKey(t, env, admin, client.APIKeyCreate{Name: "read-only agent", ReadOnly: Ptr(true)})
	full := pseudoKey(t, env, admin, client.APIKeyCreate{Name: "agent", Scopes: &rw})
	kinds := func(names []string) map[Kind]int {
		out := map[Kind]int{}
		for _, n := range names {
			for _, k := range []Kind{KindRead, KindWrite, KindAI} {
				for _, m := range Names(k, Config{}) {
					if m == n {
						out[k]++
					}
				}
			}
		}
		return out
	}
	sessions := []struct {
		name  string
		names func() []string
		write bool
	}{
		{"read-only key over the API", func() []string { return toolNames(t, coreTools(t, coreSession(t, Config{APIURL: env.URL, Key: ro}))) }, false},
		{"read-only key at /mcp", func() []string { return toolNames(t, coreTools(t, pseudoConnect(t, env, ro))) }, false},
		{"read-write key at /mcp", func() []string { return toolNames(t, coreTools(t, pseudoConnect(t, env, full))) }, true},
	}
	for _, s := range sessions {
		got := kinds(s.names())
		if got[KindRead] == 0 || (got[KindWrite] > 0) != s.write || (got[KindAI] > 0) != s.write {
			t.Errorf("%s: tools per kind %v", s.name, got)
		}
	}
	ps := pseudoKey(t, env, admin, client.APIKeyCreate{Name: "pseudonymous", Pseudonymise: Ptr(true)})
	_, err := coreConnect(t, Config{APIURL: env.URL, Key: ps, Pseudonyms: servertest.PseudonymKey})
	var ae *AccessError
	if !errors.As(err, &ae) || !strings.Contains(ae.Reason, "pseudonymised") {
		t.Errorf("pseudonymising key outside /mcp: %v", err)
	}
}

func toolNames[T any](t *testing.T, m map[string]T) []string {
	t.Helper()
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	return out
}

// TestPseudonymiserValue: the one transformation of results, on shapes the fixture does
// not produce: a user's audit changes without ids (the entry's target is the person), a
// name quoted in a sentence, an address of nobody known, a key's own name and an
// assignment's userName.
func TestPseudonymiserValue(t *testing.T) {
	t.Parallel()
	_, u := typeid.New(typeid.Person)
	per := typeid.Format(typeid.Person, u)
	p := &pseudonymiser{key: pseudonym.Key("a test pseudonym key of 32+ bytes!!"), tenant: "acme"}
	code := p.key.Code("acme", u)
	in := `{"entries":[{"targetType":"user","targetId":"` + per + `","before":{"name":"Olive Oldname","email":"olive@acme.test"},"after":{"email":"olive.new@acme.test"}}],
"keys":[{"id":"key_01jd8x4k2m3n5p6q7r8s9t0v1w","userId":"` + per + `","name":"Claude Desktop"}],
"assignments":[{"id":"asg_01jd8x4k2m3n5p6q7r8s9t0v1w","userId":"` + per + `","userName":"Olive Oldname","courseName":"Safety"}],
"message":"Olive Oldname was told; a copy went to boss@elsewhere.test"}`
	var v any
	if err := json.Unmarshal([]byte(in), &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p.value(v))
	if err != nil {
		t.Fatal(err)
	}
	out := string(b)
	for _, secret := range []string{"Olive", "olive@", "olive.new@", "boss@elsewhere"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q remains in %s", secret, out)
		}
	}
	for _, want := range []string{`"name":"` + pseudonym.Name(code) + `"`, `"email":"` + pseudonym.Email(code) + `"`, `"userName":"` + pseudonym.Name(code) + `"`,
		`"name":"Claude Desktop"`, `"courseName":"Safety"`, pseudonym.Name(code) + " was told", "hidden-"} {
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %s", out, want)
		}
	}
}
