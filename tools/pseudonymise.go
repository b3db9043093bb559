package tools

// Pseudonymised sessions: the MCP session of an API key with the pseudonymise option
// (GET /api/v2/me says pseudonymised) shows every person under a stable alias. One
// transformation does it, after every tool and before every resource leaves: the
// result's JSON is walked, people's names and e-mail addresses are replaced by their
// aliases (internal/pseudonym), and the result is rebuilt from that JSON, so its text
// (rendered from the same values) and its structured content agree and new tools are
// covered without a line of their own. Ids stay: tools act on per_… ids, and a person
// resolves an alias with GET /api/v2/pseudonyms/{alias}.

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/internal/pseudonym"
	"github.com/learnd/learnd/typeid"
)

// pseudonymiser replaces the people of one tenant's results by their aliases.
type pseudonymiser struct {
	key    pseudonym.Key
	tenant string
}

// ownFields name the person an object is (its id, or else its userId, is a per_… id).
var ownFields = map[string]bool{"name": true, "email": true, "firstName": true, "lastName": true, "fullName": true, "displayName": true}

// mailPattern finds e-mail addresses left in any string.
var mailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-']+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)

// result is out with every person under an alias, rebuilt as out's type.
func (p *pseudonymiser) result(out Result) (Result, error) {
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("pseudonymise: %w", err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("pseudonymise: %w", err)
	}
	b, err = json.Marshal(p.value(v))
	if err != nil {
		return nil, fmt.Errorf("pseudonymise: %w", err)
	}
	rebuilt := reflect.New(reflect.TypeOf(out))
	if err := json.Unmarshal(b, rebuilt.Interface()); err != nil {
		return nil, fmt.Errorf("pseudonymise: %w", err)
	}
	return rebuilt.Elem().Interface().(Result), nil
}

// value is v (decoded JSON) with its people under aliases: first the name and e-mail
// fields of objects that are a person (or name one: userName beside userId), learning
// which originals they held; then those originals wherever else they appear in a string,
// and any e-mail address left.
func (p *pseudonymiser) value(v any) any {
	seen := map[string]string{} // original name or address → its alias
	v = p.people(v, "", seen)
	originals := make([]string, 0, len(seen))
	for o := range seen {
		originals = append(originals, o)
	}
	sort.Slice(originals, func(i, j int) bool { return len(originals[i]) > len(originals[j]) }) // longest first
	return p.strings(v, originals, seen)
}

// people walks v replacing the fields that name a person; inherited is the person an
// audit entry's before/after describe (its target), "" otherwise.
func (p *pseudonymiser) people(v any, inherited string, seen map[string]string) any {
	switch v := v.(type) {
	case []any:
		for i, e := range v {
			v[i] = p.people(e, "", seen)
		}
		return v
	case map[string]any:
		self := inherited
		id, hasID := v["id"].(string)
		switch {
		case isPerson(id):
			self = id
		case !hasID && isPerson(str(v["userId"])):
			self = str(v["userId"])
		case hasID:
			self = "" // a record of its own (a key, a course): its name is not a person's
		}
		target := ""
		if str(v["targetType"]) == "user" && isPerson(str(v["targetId"])) {
			target = str(v["targetId"])
		}
		for k, e := range v {
			if s, ok := e.(string); ok && s != "" {
				if person := p.personOf(v, k, self); person != "" {
					v[k] = p.alias(person, k, s, seen)
					continue
				}
			}
			if k == "before" || k == "after" {
				v[k] = p.people(e, target, seen)
			} else {
				v[k] = p.people(e, "", seen)
			}
		}
		return v
	}
	return v
}

// personOf is the per_… id whose name or address field k of object o holds, "" when k is
// no such field: name, email (…) of a person object; xName, xEmail beside a per_… xId.
func (p *pseudonymiser) personOf(o map[string]any, k, self string) string {
	if ownFields[k] {
		return self
	}
	for _, suffix := range []string{"Name", "Email"} {
		if prefix, ok := strings.CutSuffix(k, suffix); ok && prefix != "" {
			if id := str(o[prefix+"Id"]); isPerson(id) {
				return id
			}
		}
	}
	return ""
}

// alias is the alias replacing original in field k (an address for e-mail fields).
func (p *pseudonymiser) alias(person, k, original string, seen map[string]string) string {
	u, err := typeid.Parse(typeid.Person, person)
	if err != nil {
		return original
	}
	code := p.key.Code(p.tenant, u)
	a := pseudonym.Name(code)
	if strings.Contains(strings.ToLower(k), "email") || mailPattern.MatchString(original) {
		a = pseudonym.Email(code)
	}
	if _, ok := seen[original]; !ok && len(original) >= 3 && !strings.HasSuffix(original, "@"+pseudonym.Domain) {
		seen[original] = a
	}
	return a
}

// strings replaces, in every string and object key of v, the originals by their aliases
// and any other e-mail address by a hidden one.
func (p *pseudonymiser) strings(v any, originals []string, seen map[string]string) any {
	switch v := v.(type) {
	case []any:
		for i, e := range v {
			v[i] = p.strings(e, originals, seen)
		}
		return v
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[p.text(k, originals, seen)] = p.strings(e, originals, seen)
		}
		return out
	case string:
		return p.text(v, originals, seen)
	}
	return v
}

// text is s with the originals replaced by their aliases and other addresses hidden.
func (p *pseudonymiser) text(s string, originals []string, seen map[string]string) string {
	for _, o := range originals {
		if strings.Contains(s, o) {
			s = strings.ReplaceAll(s, o, seen[o])
		}
	}
	return mailPattern.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasSuffix(strings.ToLower(m), "@"+pseudonym.Domain) {
			return m
		}
		return pseudonym.HiddenEmail(p.key.MailCode(p.tenant, m))
	})
}

type pseudonymiserKey struct{}

// withPseudonymiser carries a session's pseudonymiser (nil: none) into its tool calls.
func withPseudonymiser(ctx context.Context, p *pseudonymiser) context.Context {
	if p == nil {
		return ctx
	}
	return context.WithValue(ctx, pseudonymiserKey{}, p)
}

// pseudonymised is out as the call's session may see it: under aliases in a
// pseudonymising key's session (a tool's result; a confirmation's reason and plan, made
// before the result), else out itself.
func pseudonymised[Out Result](ctx context.Context, out Out) (Out, error) {
	p, ok := ctx.Value(pseudonymiserKey{}).(*pseudonymiser)
	if !ok {
		return out, nil
	}
	r, err := p.result(out)
	if err != nil {
		var zero Out
		return zero, err
	}
	return r.(Out), nil
}

// pseudonymiseError hides the e-mail addresses a tool error's text may quote (an API
// problem's detail) in a pseudonymised session.
func (env *Env) pseudonymiseError(res *mcp.CallToolResult) *mcp.CallToolResult {
	if env.pseudo == nil {
		return res
	}
	for _, c := range res.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			t.Text = env.pseudo.text(t.Text, nil, nil)
		}
	}
	return res
}

func isPerson(id string) bool { return strings.HasPrefix(id, typeid.Person+"_") }

func str(v any) string {
	s, _ := v.(string)
	return s
}
