package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// scimUser provisions a user and returns its id.
func scimUser(t *testing.T, s scimTenant, email string) string {
	t.Helper()
	b := s.do(t, http.MethodPost, "/Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "`+email+`",
  "name": {"givenName": "`+strings.Split(email, "@")[0]+`", "familyName": "Test"}, "active": true}`).want(t, http.StatusCreated, "create "+email)
	return str(b, "id")
}

// scimMembers reads the member ids of a group resource, sorted.
func scimMembers(t *testing.T, g map[string]any) []string {
	t.Helper()
	ms, ok := g["members"].([]any)
	if !ok {
		t.Fatalf("no members in %v", g)
	}
	var out []string
	for _, m := range ms {
		out = append(out, str(m.(map[string]any), "value"))
	}
	slices.Sort(out)
	return out
}

// dbMembers reads a group's member ids from the database, sorted.
func dbMembers(t *testing.T, env *servertest.Env, group string) []string {
	t.Helper()
	gid, _ := typeid.Parse(typeid.Group, group)
	rows, err := env.DB(t).Query(e2eCtx(t), `SELECT user_id FROM group_members WHERE group_id = $1`, gid)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var id [16]byte
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, typeid.Format(typeid.Person, id))
	}
	slices.Sort(out)
	return out
}

func sorted(ids ...string) []string { s := slices.Clone(ids); slices.Sort(s); return s }

// Okta's group push (developer.okta.com SCIM 2.0 "Groups" requests): create with no
// members, rename by a PATCH without a path (its value carries the id), and the member
// PATCH with a filter path, an add and a replace in one request; then delete.
func TestSCIMOktaGroupFlow(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	acme := scimSetup(t, env, "acme")
	u1, u2 := scimUser(t, acme, "ann@okta.local"), scimUser(t, acme, "bob@okta.local")

	g := acme.do(t, http.MethodPost, "/Groups", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  "displayName": "Test SCIMv2", "members": []}`).want(t, http.StatusCreated, "create group")
	id := str(g, "id")
	if str(g, "displayName") != "Test SCIMv2" || len(scimMembers(t, g)) != 0 {
		t.Errorf("created %v", g)
	}
	got := acme.do(t, http.MethodGet, "/Groups/"+id, nil).want(t, http.StatusOK, "get group")
	if str(got, "displayName") != "Test SCIMv2" {
		t.Errorf("get %v", got)
	}
	q := "/Groups?filter=" + url.QueryEscape(`displayName eq "Test SCIMv2"`) + "&startIndex=1&count=100"
	if n, rs := scimList(t, acme.do(t, http.MethodGet, q, nil), "find group"); n != 1 || str(rs[0], "id") != id {
		t.Errorf("find %d %v", n, rs)
	}
	renamed := acme.do(t, http.MethodPatch, "/Groups/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "replace", "value": {"id": "`+id+`", "displayName": "Test SCIMv20"}}]}`).want(t, http.StatusOK, "rename")
	if str(renamed, "displayName") != "Test SCIMv20" {
		t.Errorf("renamed %v", renamed)
	}

	acme.do(t, http.MethodPatch, "/Groups/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "add", "path": "members", "value": [{"value": "`+u1+`", "display": "ann@okta.local"}]}]}`).want(t, http.StatusOK, "add member")
	if m := dbMembers(t, env, id); !slices.Equal(m, []string{u1}) {
		t.Fatalf("members after add: %v", m)
	}
	patched := acme.do(t, http.MethodPatch, "/Groups/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [
    {"op": "remove", "path": "members[value eq \"`+u1+`\"]"},
    {"op": "add", "path": "members", "value": [{"value": "`+u2+`", "display": "bob@okta.local"}]},
    {"op": "replace", "path": "members", "value": [{"value": "`+u2+`"}, {"value": "`+u1+`"}]}
  ]}`).want(t, http.StatusOK, "membership")
	if m := scimMembers(t, patched); !slices.Equal(m, sorted(u1, u2)) {
		t.Errorf("response members %v", m)
	}
	if m := dbMembers(t, env, id); !slices.Equal(m, sorted(u1, u2)) {
		t.Errorf("stored members %v", m)
	}
	acme.do(t, http.MethodPatch, "/Groups/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "remove", "path": "members[value eq \"`+u2+`\"]"}]}`).want(t, http.StatusOK, "remove by filter")
	if m := dbMembers(t, env, id); !slices.Equal(m, []string{u1}) {
		t.Errorf("members after remove by filter: %v", m)
	}
	// The user's own view lists the group.
	if u := acme.do(t, http.MethodGet, "/Users/"+u1, nil).Body; !strings.Contains(e2eJSON(u["groups"]), id) {
		t.Errorf("user groups %v", u["groups"])
	}
	// A member that is not a user is refused, nothing changes.
	missing, _ := typeid.New(typeid.Person)
	scimError(t, acme.do(t, http.MethodPatch, "/Groups/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "add", "path": "members", "value": [{"value": "`+missing+`"}]}]}`), http.StatusBadRequest, "invalidValue", "unknown member")

	if r := acme.do(t, http.MethodDelete, "/Groups/"+id, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete group %d %s", r.Status, r.Raw)
	}
	scimError(t, acme.do(t, http.MethodGet, "/Groups/"+id, nil), http.StatusNotFound, "", "deleted group")
	// The three member operations of one PATCH are one change of the set: u2 joins.
	if got := peopleActions(peopleAudit(t, db, id)); got != "group.create,group.update,group.members.add,group.members.add,group.members.remove,group.delete" {
		t.Errorf("audit %q", got)
	}
}

// Entra ID's group requests: create with an externalId, find by displayName and get
// without members (excludedAttributes=members), then one PATCH that renames, adds and
// removes members by value ({"$ref": null, "value": …}).
func TestSCIMEntraGroupFlow(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	acme := scimSetup(t, env, "acme")
	u1, u2 := scimUser(t, acme, "cy@contoso.example"), scimUser(t, acme, "di@contoso.example")

	g := acme.do(t, http.MethodPost, "/Groups", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName": "displayName", "meta": {"resourceType": "Group"}}`).want(t, http.StatusCreated, "create group")
	id := str(g, "id")
	if str(g, "externalId") != "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159" {
		t.Errorf("created %v", g)
	}
	r := acme.do(t, http.MethodGet, "/Groups?excludedAttributes=members&filter="+url.QueryEscape(`displayName eq "displayName"`), nil)
	n, rs := scimList(t, r, "find by displayName")
	if n != 1 || str(rs[0], "id") != id {
		t.Fatalf("find %d %v", n, rs)
	}
	if _, ok := rs[0]["members"]; ok {
		t.Errorf("excludedAttributes=members, got members: %v", rs[0])
	}
	one := acme.do(t, http.MethodGet, "/Groups/"+id+"?excludedAttributes=members", nil).want(t, http.StatusOK, "get without members")
	if _, ok := one["members"]; ok || str(one, "displayName") != "displayName" {
		t.Errorf("get %v", one)
	}
	scimError(t, acme.do(t, http.MethodPost, "/Groups", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159", "displayName": "twin"}`), http.StatusConflict, "uniqueness", "same externalId")

	upd := acme.do(t, http.MethodPatch, "/Groups/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [
    {"op": "Replace", "path": "displayName", "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"},
    {"op": "Add", "path": "members", "value": [{"$ref": null, "value": "`+u1+`"}, {"$ref": null, "value": "`+u2+`"}]},
    {"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "`+u1+`"}]}
  ]}`).want(t, http.StatusOK, "patch group")
	if str(upd, "displayName") != "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName" {
		t.Errorf("patched %v", upd)
	}
	if m := dbMembers(t, env, id); !slices.Equal(m, []string{u2}) {
		t.Errorf("members %v", m)
	}
	// Membership checks: members eq, and a member filter path.
	for _, f := range []string{`id eq "` + id + `" and members eq "` + u2 + `"`, `members[value eq "` + u2 + `"]`} {
		if n, _ := scimList(t, acme.do(t, http.MethodGet, "/Groups?excludedAttributes=members&filter="+url.QueryEscape(f), nil), f); n != 1 {
			t.Errorf("%s: %d", f, n)
		}
	}
	if n, _ := scimList(t, acme.do(t, http.MethodGet, "/Groups?filter="+url.QueryEscape(`members eq "`+u1+`"`), nil), "not a member"); n != 0 {
		t.Errorf("u1 is no member: %d", n)
	}
	// PUT replaces the name, the external id and the members.
	put := acme.do(t, http.MethodPut, "/Groups/"+id, `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
  "displayName": "Replaced", "members": [{"value": "`+u1+`"}]}`).want(t, http.StatusOK, "put group")
	if str(put, "displayName") != "Replaced" || put["externalId"] != nil || !slices.Equal(scimMembers(t, put), []string{u1}) {
		t.Errorf("put %v", put)
	}
	if n, _ := scimList(t, acme.do(t, http.MethodGet, "/Groups?filter="+url.QueryEscape(`displayName co "PLAC"`), nil), "co"); n != 1 {
		t.Errorf("displayName co: %d", n)
	}
	// Remove all members.
	acme.do(t, http.MethodPatch, "/Groups/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "Remove", "path": "members"}]}`).want(t, http.StatusOK, "remove all")
	if m := dbMembers(t, env, id); len(m) != 0 {
		t.Errorf("members after removing all: %v", m)
	}
}
