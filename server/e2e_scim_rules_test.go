package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

func TestSCIMPaging(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	acme := scimSetup(t, env, "acme")
	var ids []string
	for i := range 5 {
		ids = append(ids, scimUser(t, acme, fmt.Sprintf("pager%d@acme.example", i)))
	}
	f := "&filter=" + url.QueryEscape(`userName sw "pager"`)
	cases := []struct {
		query string
		want  []string
	}{
		{"?startIndex=1&count=2", ids[0:2]},
		{"?startIndex=2&count=2", ids[1:3]},
		{"?startIndex=5&count=10", ids[4:5]},
		{"?startIndex=6&count=10", nil},
		{"?startIndex=0&count=1", ids[0:1]}, // below 1 reads as 1
		{"?count=0", nil},                   // totalResults only
		{"?count=1000", ids},                // capped at 100
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			n, rs := scimList(t, acme.do(t, http.MethodGet, "/Users"+c.query+f, nil), c.query)
			var got []string
			for _, r := range rs {
				got = append(got, str(r, "id"))
			}
			if n != 5 || strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("totalResults %d, ids %v, want 5 and %v", n, got, c.want)
			}
		})
	}
	// Without a filter the owner is a user of the tenant too.
	if n, _ := scimList(t, acme.do(t, http.MethodGet, "/Users?count=1", nil), "all"); n != 6 {
		t.Errorf("all users: %d", n)
	}
	for _, c := range []struct{ filter, want string }{
		{`userName co "ger3"`, ids[3]}, {`userName ew "4@acme.example"`, ids[4]},
		{`name.givenName eq "pager2" or displayName eq "pager1 Test"`, ids[1] + "," + ids[2]},
		{`userName sw "pager" and not (userName co "0" or userName co "1" or userName co "2")`, ids[3] + "," + ids[4]},
	} {
		_, rs := scimList(t, acme.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(c.filter), nil), c.filter)
		var got []string
		for _, r := range rs {
			got = append(got, str(r, "id"))
		}
		if strings.Join(got, ",") != c.want {
			t.Errorf("%s: %v", c.filter, got)
		}
	}
}

func TestSCIMErrorsAndTenancy(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	acme, globex := scimSetup(t, env, "acme"), scimSetup(t, env, "globex")
	id := scimUser(t, acme, "only.acme@acme.example")
	g := str(acme.do(t, http.MethodPost, "/Groups", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Acme only"}`).want(t, http.StatusCreated, "group"), "id")

	// A token of globex sees nothing of acme.
	scimError(t, globex.do(t, http.MethodGet, "/Users/"+id, nil), http.StatusNotFound, "", "other tenant's user")
	scimError(t, globex.do(t, http.MethodGet, "/Groups/"+g, nil), http.StatusNotFound, "", "other tenant's group")
	scimError(t, globex.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "replace", "path": "active", "value": false}]}`), http.StatusNotFound, "", "patch other tenant's user")
	scimError(t, globex.do(t, http.MethodDelete, "/Users/"+id, nil), http.StatusNotFound, "", "delete other tenant's user")
	if n, _ := scimList(t, globex.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(`userName eq "only.acme@acme.example"`), nil), "find"); n != 0 {
		t.Errorf("globex finds acme's user: %d", n)
	}
	if n, _ := scimList(t, globex.do(t, http.MethodGet, "/Users", nil), "list"); n != 1 {
		t.Errorf("globex lists %d users, want its owner only", n)
	}
	var status string
	if err := db.QueryRow(e2eCtx(t), `SELECT status FROM users WHERE email = 'only.acme@acme.example'`).Scan(&status); err != nil || status != "active" {
		t.Errorf("acme's user after globex's attempts: %q (%v)", status, err)
	}

	// Authentication: 401 in SCIM's format, for anything but a live SCIM token.
	key, err := acme.owner.Client.LMS.Keys.Create(e2eCtx(t), client.APIKeyCreate{Name: "not scim"})
	if err != nil {
		t.Fatal(err)
	}
	for name, tok := range map[string]string{"none": "", "garbage": "scim_nope", "api key": key.Key, "jwt": acme.owner.Token,
		"unknown": "scim_" + strings.Repeat("A", 43)} {
		r := scimDo(t, env, tok, http.MethodGet, "/Users", nil)
		scimError(t, r, http.StatusUnauthorized, "", name)
		if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", name, r.Header.Get("WWW-Authenticate"))
		}
	}

	// Bad filters are 400 invalidFilter.
	for _, f := range []string{`userName eq`, `nosuch eq "x"`, `userName gt "a"`, `meta.created gt "2020-01-01T00:00:00Z"`} {
		scimError(t, acme.do(t, http.MethodGet, "/Users?filter="+url.QueryEscape(f), nil), http.StatusBadRequest, "invalidFilter", f)
	}
	// Other protocol errors.
	scimError(t, acme.do(t, http.MethodPost, "/Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "active": true}`),
		http.StatusBadRequest, "invalidValue", "no userName")
	scimError(t, acme.do(t, http.MethodPost, "/Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "no-at-sign"}`),
		http.StatusBadRequest, "invalidValue", "userName without an email")
	scimError(t, acme.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "remove"}]}`),
		http.StatusBadRequest, "noTarget", "remove without path")
	scimError(t, acme.do(t, http.MethodPost, "/Users", `{not json`), http.StatusBadRequest, "invalidSyntax", "bad json")

	// The owner is managed in learnd: provisioning cannot ban or delete them.
	owner := acme.owner.ID
	scimError(t, acme.do(t, http.MethodPatch, "/Users/"+owner, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "replace", "path": "active", "value": false}]}`), http.StatusForbidden, "", "deactivate owner")
	scimError(t, acme.do(t, http.MethodDelete, "/Users/"+owner, nil), http.StatusForbidden, "", "delete owner")
	if s := e2eDo(t, http.MethodGet, env.URL+"/api/v2/me", acme.owner.Token, nil, nil).Status; s != http.StatusOK {
		t.Errorf("owner after the attempts: %d", s)
	}
}

func TestSCIMTokens(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ctx := e2eCtx(t)
	acme := scimSetup(t, env, "acme")
	admin := peopleUser(t, env, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	_, err := admin.Client.LMS.ScimTokens.Create(ctx, client.SCIMTokenCreate{Name: "nope"})
	e2eSdkErr(t, err, http.StatusForbidden, "admin creates a SCIM token")
	_, err = admin.Client.LMS.ScimTokens.List(ctx, nil)
	e2eSdkErr(t, err, http.StatusForbidden, "admin lists SCIM tokens")

	list, err := acme.owner.Client.LMS.ScimTokens.List(ctx, nil)
	if err != nil || len(list.Data) != 1 || list.Data[0].Hint != acme.token[len(acme.token)-4:] {
		t.Fatalf("list %+v (%v)", list, err)
	}
	if by, _ := list.Data[0].CreatedBy.Get(); by != acme.owner.ID {
		t.Errorf("createdBy %q", by)
	}
	r := e2eDo(t, http.MethodPost, env.URL+"/api/v2/scim/tokens", acme.owner.Token, `{"name": "x"}`, map[string]string{"Idempotency-Key": "k1"})
	if r.Status != http.StatusUnprocessableEntity {
		t.Errorf("Idempotency-Key: %d %s", r.Status, r.Body)
	}
	var stored int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM scim_tokens WHERE hash = sha256($1::bytea)`, []byte(acme.token)).Scan(&stored); err != nil || stored != 1 {
		t.Errorf("token stored by its SHA-256: %d (%v)", stored, err)
	}
	acme.do(t, http.MethodGet, "/ServiceProviderConfig", nil).want(t, http.StatusOK, "before revoke")

	if err := acme.owner.Client.LMS.ScimTokens.Revoke(ctx, list.Data[0].Id); err != nil {
		t.Fatal(err)
	}
	scimError(t, acme.do(t, http.MethodGet, "/Users", nil), http.StatusUnauthorized, "", "revoked token")
	if got := peopleActions(peopleAudit(t, db, list.Data[0].Id)); got != "scim_token.create,scim_token.revoke" {
		t.Errorf("audit %q", got)
	}
}

func TestSCIMDiscovery(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	acme := scimSetup(t, env, "acme")
	spc := acme.do(t, http.MethodGet, "/ServiceProviderConfig", nil).want(t, http.StatusOK, "ServiceProviderConfig")
	if e2eJSON(spc["patch"]) != `{"supported":true}` || !strings.Contains(e2eJSON(spc["filter"]), `"supported":true`) ||
		!strings.Contains(e2eJSON(spc["authenticationSchemes"]), "oauthbearertoken") {
		t.Errorf("ServiceProviderConfig %v", spc)
	}
	n, rts := scimList(t, acme.do(t, http.MethodGet, "/ResourceTypes", nil), "ResourceTypes")
	if n != 2 || str(rts[0], "endpoint") != "/Users" || str(rts[1], "endpoint") != "/Groups" ||
		!strings.Contains(e2eJSON(rts[0]["schemaExtensions"]), "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User") {
		t.Errorf("ResourceTypes %v", rts)
	}
	_, schemas := scimList(t, acme.do(t, http.MethodGet, "/Schemas", nil), "Schemas")
	var ids []string
	for _, s := range schemas {
		ids = append(ids, str(s, "id"))
	}
	for _, want := range []string{"urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:core:2.0:Group",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"} {
		if !strings.Contains(strings.Join(ids, " "), want) {
			t.Errorf("Schemas lacks %s: %v", want, ids)
		}
	}
	ent := acme.do(t, http.MethodGet, "/Schemas/urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", nil).want(t, http.StatusOK, "enterprise schema")
	for _, a := range []string{"department", "manager", "employeeNumber"} {
		if !strings.Contains(e2eJSON(ent["attributes"]), `"name":"`+a+`"`) {
			t.Errorf("enterprise schema lacks %s", a)
		}
	}
}

// Guessing SCIM tokens is limited like guessing API keys: after the burst of failures the
// address is refused with 429 (in SCIM's format, with Retry-After), whatever it sends.
func TestSCIMFailedAuthenticationLimit(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	acme := scimSetup(t, env, "acme")
	var r scimRes
	for i := 0; i < 40; i++ {
		if r = scimDo(t, env, "scim_"+strings.Repeat("B", 43), http.MethodGet, "/Users", nil); r.Status != http.StatusUnauthorized {
			break
		}
	}
	scimError(t, r, http.StatusTooManyRequests, "", "after many failures")
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	scimError(t, acme.do(t, http.MethodGet, "/Users", nil), http.StatusTooManyRequests, "", "a good token from the same address")
}
