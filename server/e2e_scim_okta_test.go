package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// The request sequence of Okta's SCIM 2.0 test suite (developer.okta.com "Test your SCIM
// implementation", the Runscope "Okta SCIM 2.0 SPEC Test" and "CRUD Users" flows), with
// Okta's own request bodies (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20).

func TestSCIMOktaUserFlow(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	acme := scimSetup(t, env, "acme")

	// Test Users endpoint; then the existence check Okta makes before a create.
	scimList(t, acme.do(t, http.MethodGet, "/Users?count=1&startIndex=1", nil), "users endpoint")
	q := "/Users?filter=" + url.QueryEscape(`userName eq "test.user@okta.local"`) + "&startIndex=1&count=100"
	if n, _ := scimList(t, acme.do(t, http.MethodGet, q, nil), "user exists"); n != 0 {
		t.Fatalf("totalResults %d before the create", n)
	}
	created := acme.do(t, http.MethodPost, "/Users", `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "userName": "test.user@okta.local",
  "name": {"givenName": "Test", "familyName": "User"},
  "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
  "displayName": "Test User", "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7",
  "groups": [], "password": "1mz050nq", "active": true
}`).want(t, http.StatusCreated, "create user")
	id := str(created, "id")
	if _, err := typeid.Parse(typeid.Person, id); err != nil {
		t.Fatalf("id %q: %v", id, err)
	}
	for path, want := range map[string]string{"userName": "test.user@okta.local", "name.givenName": "Test", "name.familyName": "User",
		"displayName": "Test User", "externalId": "00ujl29u0le5T6Aj10h7", "meta.resourceType": "User"} {
		if got := str(created, path); got != want {
			t.Errorf("created %s = %q, want %q", path, got, want)
		}
	}
	if created["active"] != true {
		t.Errorf("created active %v", created["active"])
	}
	var role, status string
	if err := db.QueryRow(e2eCtx(t), `SELECT role, status FROM users WHERE email = 'test.user@okta.local'`).Scan(&role, &status); err != nil || role != "learner" || status != "active" {
		t.Fatalf("stored role %q status %q (%v)", role, status, err)
	}

	got := acme.do(t, http.MethodGet, "/Users/"+id, nil).want(t, http.StatusOK, "get user")
	if str(got, "userName") != "test.user@okta.local" || str(got, "id") != id {
		t.Errorf("get: %v", got)
	}
	if n, rs := scimList(t, acme.do(t, http.MethodGet, q, nil), "find by userName"); n != 1 || str(rs[0], "id") != id {
		t.Errorf("find: %d %v", n, rs)
	}
	// userName is case-insensitive (caseExact false).
	if n, _ := scimList(t, acme.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(`userName eq "TEST.User@okta.local"`), nil), "find case"); n != 1 {
		t.Errorf("case-insensitive userName: %d", n)
	}
	scimError(t, acme.do(t, http.MethodPost, "/Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "test.user@okta.local", "active": true}`),
		http.StatusConflict, "uniqueness", "create again")
	missing, _ := typeid.New(typeid.Person)
	scimError(t, acme.do(t, http.MethodGet, "/Users/"+missing, nil), http.StatusNotFound, "", "unknown user")

	// The provisioned person signs in and makes a key; PUT keeps them working.
	person := env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleLearner, Subject: id})
	cl := peopleSDK(t, env, sdk.WithToken(person))
	key, err := cl.LMS.Keys.Create(e2eCtx(t), client.APIKeyCreate{Name: "script"})
	if err != nil {
		t.Fatal(err)
	}
	me := func() (int, int) {
		return e2eDo(t, http.MethodGet, env.URL+"/api/v2/me", person, nil, nil).Status,
			e2eDo(t, http.MethodGet, env.URL+"/api/v2/me", key.Key, nil, nil).Status
	}
	if a, b := me(); a != http.StatusOK || b != http.StatusOK {
		t.Fatalf("before: token %d, key %d", a, b)
	}
	put := acme.do(t, http.MethodPut, "/Users/"+id, `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "id": "`+id+`", "userName": "test.user@okta.local",
  "name": {"givenName": "Another", "middleName": "Excited", "familyName": "User"},
  "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work", "display": "test.user@okta.local"}],
  "active": true, "groups": [], "meta": {"resourceType": "User"}
}`).want(t, http.StatusOK, "put user")
	if str(put, "name.givenName") != "Another" || str(put, "displayName") != "Another User" || put["active"] != true {
		t.Errorf("put: %v", put)
	}
	if _, ok := put["externalId"]; ok {
		t.Errorf("a PUT without externalId keeps it: %v", put["externalId"])
	}

	// Deactivate: Okta's PATCH without a path. The person's token and key stop at once.
	off := acme.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "replace", "value": {"active": false}}]}`).want(t, http.StatusOK, "deactivate")
	if off["active"] != false {
		t.Errorf("deactivated: active %v", off["active"])
	}
	if a, b := me(); a != http.StatusUnauthorized || b != http.StatusUnauthorized {
		t.Errorf("after active false: token %d, key %d, want 401", a, b)
	}
	acme.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "replace", "value": {"active": true}}]}`).want(t, http.StatusOK, "reactivate")
	if a, b := me(); a != http.StatusOK || b != http.StatusOK {
		t.Errorf("after active true: token %d, key %d", a, b)
	}
	got = acme.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(`externalId eq "00ujl29u0le5T6Aj10h7"`), nil).Body
	if got["totalResults"] != float64(0) {
		t.Errorf("externalId cleared by the PUT: %v", got)
	}

	actions := peopleActions(peopleAudit(t, db, id))
	if actions != "user.create,user.update,user.ban,user.unban" {
		t.Errorf("audit %q", actions)
	}
	for _, a := range peopleAudit(t, db, id) {
		if a.Surface != auth.SurfaceSCIM || a.ActorID != nil {
			t.Errorf("audit %s: surface %q actor %v", a.Action, a.Surface, a.ActorID)
		}
	}
	tokens, err := acme.owner.Client.LMS.ScimTokens.List(e2eCtx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	var apps []string
	rows, err := db.Query(e2eCtx(t), `SELECT DISTINCT app_id FROM audit_log WHERE surface = 'scim'`)
	if err != nil {
		t.Fatal(err)
	}
	var app string
	if _, err := pgx.ForEachRow(rows, []any{&app}, func() error { apps = append(apps, app); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(apps) != 1 || apps[0] != "scim:"+tokens.Data[0].Id {
		t.Errorf("audit app ids %v, want the token's", apps)
	}
}
