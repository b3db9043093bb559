package server_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
)

// The requests Microsoft Entra ID's provisioning service sends, as "Develop and plan
// provisioning for a SCIM endpoint" (learn.microsoft.com, section "User operations" and
// "Group operations") and the SCIM validator (scimvalidator.microsoft.com) show them:
// capitalised ops, string booleans, userName that is not an email address, filters on
// userName and externalId, excludedAttributes=members, members added and removed by value.

func TestSCIMEntraUserFlow(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	acme := scimSetup(t, env, "acme")

	created := acme.do(t, http.MethodPost, "/Users", `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
  "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
  "active": true,
  "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
  "meta": {"resourceType": "User"},
  "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
  "roles": [],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales", "employeeNumber": "701984"}
}`).want(t, http.StatusCreated, "create user")
	id := str(created, "id")
	if str(created, "userName") != "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1" || str(created, "displayName") != "givenName familyName" {
		t.Errorf("created %v", created)
	}
	ext := "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	if e, _ := created[ext].(map[string]any); e["department"] != "Sales" || e["employeeNumber"] != "701984" {
		t.Errorf("enterprise %v", created[ext])
	}
	var email, attrs string
	if err := db.QueryRow(e2eCtx(t), `SELECT email, attributes::text FROM users WHERE id = (SELECT id FROM users WHERE external_id = '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef')`).Scan(&email, &attrs); err != nil {
		t.Fatal(err)
	}
	if email != "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com" || attrs != `{"department": "Sales", "employeeNumber": "701984"}` {
		t.Errorf("stored email %q attributes %s", email, attrs)
	}

	for _, f := range []string{`userName eq "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1"`, `externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"`,
		`emails[type eq "work" and value eq "test_user_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"]`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "sales"`} {
		if n, rs := scimList(t, acme.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(f), nil), f); n != 1 || str(rs[0], "id") != id {
			t.Errorf("%s: %d", f, n)
		}
	}
	r := acme.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(`userName eq "non-existent user"`), nil)
	if n, _ := scimList(t, r, "no such user"); n != 0 {
		t.Errorf("non-existent: %d", n)
	}
	// externalId is case-exact.
	if n, _ := scimList(t, acme.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(`externalId eq "0A21F0F2-8D2A-4F8E-BF98-7363C4AED4EF"`), nil), "externalId case"); n != 0 {
		t.Errorf("externalId matched another case: %d", n)
	}

	// Update User [Multi-valued properties]: capitalised ops, a filtered path, a new userName.
	upd := acme.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [
    {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
    {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"},
    {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Marketing"},
    {"op": "Replace", "path": "title", "value": "Account Executive"}
  ]}`).want(t, http.StatusOK, "patch user")
	// title is a core attribute, not the extension's: the whole PATCH is refused.
	scimError(t, acme.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "Replace", "path": "name.givenName", "value": "Nope"},
    {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:title", "value": "x"}]}`), http.StatusBadRequest, "invalidPath", "bad path")
	if str(upd, "name.familyName") != "updatedFamilyName" || str(upd, "displayName") != "givenName updatedFamilyName" || str(upd, "title") != "Account Executive" {
		t.Errorf("patched %v", upd)
	}
	if e, _ := upd[ext].(map[string]any); e["department"] != "Marketing" {
		t.Errorf("department %v", upd[ext])
	}
	if err := db.QueryRow(e2eCtx(t), `SELECT email FROM users WHERE external_id = '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef'`).Scan(&email); err != nil || email != "updatedEmail@microsoft.com" {
		t.Errorf("email %q (%v)", email, err)
	}
	// The manager: Entra sends the manager's id bare, RFC 7643 as {"value": …}; both are kept
	// as the attribute manager, which a filter finds.
	boss := scimUser(t, acme, "boss@testuser.com")
	upd = acme.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "`+boss+`"}]}`).want(t, http.StatusOK, "manager")
	if e, _ := upd[ext].(map[string]any); str(e, "manager.value") != boss {
		t.Errorf("manager %v", upd[ext])
	}
	f := "/Users?filter=" + url.QueryEscape(`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "`+boss+`"`)
	if n, rs := scimList(t, acme.do(t, http.MethodGet, f, nil), "by manager"); n != 1 || str(rs[0], "id") != id {
		t.Errorf("by manager: %d", n)
	}
	acme.do(t, http.MethodPatch, "/Users/"+boss, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "replace", "value": {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "`+id+`"}, "costCenter": "4130"}}}]}`).want(t, http.StatusOK, "manager, RFC form")
	if err := db.QueryRow(e2eCtx(t), `SELECT attributes->>'manager' || ' ' || (attributes->>'costCenter') FROM users WHERE email = 'boss@testuser.com'`).Scan(&attrs); err != nil || attrs != id+" 4130" {
		t.Errorf("boss attributes %q (%v)", attrs, err)
	}
	upd = acme.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "Replace", "path": "userName", "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"}]}`).want(t, http.StatusOK, "new userName")
	if str(upd, "userName") != "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com" {
		t.Errorf("userName %q", str(upd, "userName"))
	}

	// Disable User with Entra's string booleans: the person's token stops at once.
	person := env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleLearner, Subject: id})
	me := func() int { return e2eDo(t, http.MethodGet, env.URL+"/api/v2/me", person, nil, nil).Status }
	if s := me(); s != http.StatusOK {
		t.Fatalf("me before: %d", s)
	}
	off := acme.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}`).want(t, http.StatusOK, "disable")
	if off["active"] != false {
		t.Errorf("active %v", off["active"])
	}
	if s := me(); s != http.StatusUnauthorized {
		t.Errorf("me after disable: %d, want 401", s)
	}
	if n, rs := scimList(t, acme.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(`userName eq "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"`), nil), "disabled"); n != 1 || rs[0]["active"] != false {
		t.Errorf("GET of a disabled user: %v", rs)
	}
	acme.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "Replace", "path": "active", "value": "True"}]}`).want(t, http.StatusOK, "enable")
	if s := me(); s != http.StatusOK {
		t.Errorf("me after enable: %d", s)
	}

	// Delete User: banned, gone for SCIM, marked deprovisioned; the same address again
	// provisions the same person again.
	if r := acme.do(t, http.MethodDelete, "/Users/"+id, nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Raw)
	}
	scimError(t, acme.do(t, http.MethodGet, "/Users/"+id, nil), http.StatusNotFound, "", "get deleted")
	if s := me(); s != http.StatusUnauthorized {
		t.Errorf("me after delete: %d", s)
	}
	var status string
	var gone *time.Time
	var extID *string
	if err := db.QueryRow(e2eCtx(t), `SELECT status, deprovisioned_at, external_id FROM users WHERE email = '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com'`).Scan(&status, &gone, &extID); err != nil || status != "banned" || gone == nil || extID != nil {
		t.Errorf("after delete: status %q deprovisioned %v externalId %v (%v)", status, gone, extID, err)
	}
	// Its externalId is free again.
	acme.do(t, http.MethodPost, "/Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "twin@testuser.com",
  "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"}`).want(t, http.StatusCreated, "reuse the externalId")
	again := acme.do(t, http.MethodPost, "/Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "userName": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com", "displayName": "Back Again", "active": true}`).want(t, http.StatusCreated, "provision again")
	if str(again, "id") != id || again["active"] != true || str(again, "displayName") != "Back Again" {
		t.Errorf("provisioned again: %v", again)
	}
	if got := peopleActions(peopleAudit(t, db, id)); got != "user.create,user.update,user.email_change,user.update,user.update,user.email_change,"+
		"user.ban,user.unban,user.ban,user.deprovision,user.reprovision,user.update,user.unban" {
		t.Errorf("audit %q", got)
	}
	if s := scimSurfaces(t, db, "acme"); s["scim"] != 16 || s["mcp"] != 0 {
		t.Errorf("audit surfaces %v", s)
	}
}
