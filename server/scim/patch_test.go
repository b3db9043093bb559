package scim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	escim "github.com/elimity-com/scim"
	"github.com/google/uuid"
	fp "github.com/scim2/filter-parser/v2"

	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

func op(t *testing.T, o, path string, value any) escim.PatchOperation {
	t.Helper()
	p := escim.PatchOperation{Op: o, Value: value}
	if path != "" {
		fpath, err := fp.ParsePath([]byte(path))
		if err != nil {
			t.Fatalf("path %q: %v", path, err)
		}
		p.Path = &fpath
	}
	return p
}

func ptr(s string) *string { return &s }

func TestApplyUserPatch(t *testing.T) {
	t.Parallel()
	base := func() people.Profile {
		return people.Profile{Email: "ann@acme.example", Name: "Ann Lee", GivenName: ptr("Ann"), FamilyName: ptr("Lee"),
			Active: true, Attributes: map[string]string{"department": "Sales"}}
	}
	cases := []struct {
		name string
		ops  func(t *testing.T) []escim.PatchOperation
		want func(p *people.Profile)
	}{
		{"deactivate without a path", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "replace", "", map[string]any{"active": false})}
		}, func(p *people.Profile) { p.Active = false }},
		{"family name renames", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "replace", "name.familyName", "Park")}
		}, func(p *people.Profile) { p.FamilyName, p.Name = ptr("Park"), "Ann Park" }},
		{"displayName wins over names", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "replace", "name.givenName", "Annie"), op(t, "replace", "displayName", "A. Lee")}
		}, func(p *people.Profile) { p.GivenName, p.Name = ptr("Annie"), "A. Lee" }},
		{"userName not an address is kept beside it", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "replace", "userName", "ann.lee")}
		}, func(p *people.Profile) { p.UserName = ptr("ann.lee") }},
		{"emails change nothing while userName is the address", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "replace", `emails[type eq "work"].value`, "other@acme.example")}
		}, func(p *people.Profile) {}},
		{"enterprise by path and remove", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{
				op(t, "add", enterpriseURN+":employeeNumber", "42"),
				op(t, "remove", enterpriseURN+":department", nil),
			}
		}, func(p *people.Profile) { p.Attributes = map[string]string{"employeeNumber": "42"} }},
		{"enterprise object without a path", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "replace", "", map[string]any{enterpriseURN: map[string]any{"division": "EMEA"}})}
		}, func(p *people.Profile) { p.Attributes["division"] = "EMEA" }},
		{"unkept attributes are ignored", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "replace", "locale", "de-CH"), op(t, "add", "phoneNumbers", []any{map[string]any{"value": "1"}})}
		}, func(p *people.Profile) {}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, want := base(), base()
			if err := applyUserPatch(&got, c.ops(t)); err != nil {
				t.Fatal(err)
			}
			c.want(&want)
			a, _ := json.Marshal(got)
			b, _ := json.Marshal(want)
			if !bytes.Equal(a, b) {
				t.Errorf("got %s\nwant %s", a, b)
			}
		})
	}
	p := base()
	if err := applyUserPatch(&p, []escim.PatchOperation{op(t, "remove", "userName", nil)}); err == nil {
		t.Error("removing userName: no error")
	}
}

func TestApplyGroupPatch(t *testing.T) {
	t.Parallel()
	a, b, c := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	ref := func(ids ...uuid.UUID) []any {
		var out []any
		for _, id := range ids {
			out = append(out, map[string]any{"value": typeid.Format(typeid.Person, id)})
		}
		return out
	}
	cases := []struct {
		name string
		ops  func(t *testing.T) []escim.PatchOperation
		want []uuid.UUID
	}{
		{"add", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "add", "members", ref(c))}
		}, []uuid.UUID{a, b, c}},
		{"replace", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "replace", "members", ref(c))}
		}, []uuid.UUID{c}},
		{"remove by value", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "remove", "members", ref(a))}
		}, []uuid.UUID{b}},
		{"remove by filter path", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "remove", `members[value eq "`+typeid.Format(typeid.Person, b)+`"]`, nil)}
		}, []uuid.UUID{a}},
		{"remove all", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "remove", "members", nil)}
		}, nil},
		{"members without a path", func(t *testing.T) []escim.PatchOperation {
			return []escim.PatchOperation{op(t, "add", "", map[string]any{"members": ref(c)})}
		}, []uuid.UUID{a, b, c}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := people.GroupProfile{Name: "G", Members: []uuid.UUID{a, b}}
			if err := applyGroupPatch(&p, tc.ops(t)); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Members, tc.want) {
				t.Errorf("members %v, want %v", p.Members, tc.want)
			}
		})
	}
}

func TestToModelFilter(t *testing.T) {
	t.Parallel()
	cases := []struct{ filter, want string }{
		{`userName eq "a@b.example"`, `eq userName a@b.example`},
		{`emails[type eq "work" and value co "x"]`, `and(eq emailType work, co email x)`},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department sw "Sa"`, `sw department Sa`},
		{`active eq true or not (externalId pr)`, `or(eq active true, not(pr externalId ))`},
	}
	for _, c := range cases {
		e, err := fp.ParseFilter([]byte(c.filter))
		if err != nil {
			t.Fatalf("%s: %v", c.filter, err)
		}
		f, err := toModelExpr(e, userFilterAttrs, "")
		if err != nil || show(f) != c.want {
			t.Errorf("%s: %s (%v), want %s", c.filter, show(f), err, c.want)
		}
	}
	e, _ := fp.ParseFilter([]byte(`nickName eq "x"`))
	if _, err := toModelExpr(e, userFilterAttrs, ""); err == nil {
		t.Error("nickName: no error")
	}
}

func show(f *people.Filter) string {
	switch {
	case f == nil:
		return "<nil>"
	case f.Op == people.FilterAnd || f.Op == people.FilterOr:
		return string(f.Op) + "(" + show(f.Left) + ", " + show(f.Right) + ")"
	case f.Op == people.FilterNot:
		return "not(" + show(f.Left) + ")"
	}
	return string(f.Op) + " " + f.Attr + " " + f.Value
}

func TestManagerShim(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, want string }{
		{`{"Operations":[{"op":"Add","path":"` + enterpriseURN + `:manager","value":"per_x"}]}`, `"value":{"value":"per_x"}`},
		{`{"Operations":[{"op":"replace","value":{"` + enterpriseURN + `:manager":"per_x"}}]}`, `:manager":{"value":"per_x"}`},
		{`{"userName":"a@b.c","` + enterpriseURN + `":{"manager":"per_x"}}`, `"manager":{"value":"per_x"}`},
		{`{"userName":"a@b.c","` + enterpriseURN + `":{"manager":{"value":"per_x"}}}`, `"manager":{"value":"per_x"}`},
	}
	for _, c := range cases {
		r := httptest.NewRequest("PATCH", "/v2/Users/per_1", strings.NewReader(c.in))
		managerShim(r)
		b, _ := io.ReadAll(r.Body)
		if !strings.Contains(string(b), c.want) {
			t.Errorf("%s → %s, want it to contain %s", c.in, b, c.want)
		}
	}
	r := httptest.NewRequest("PATCH", "/v2/Groups/grp_1", strings.NewReader(`{"manager":"x"}`))
	managerShim(r)
	if b, _ := io.ReadAll(r.Body); string(b) != `{"manager":"x"}` {
		t.Errorf("a group body changed: %s", b)
	}
}
