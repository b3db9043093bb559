package server_test

// Helpers of the SCIM end-to-end tests (e2e_scim_*_test.go): a server with an owner and a
// SCIM token of a tenant, and SCIM requests over real HTTP.

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// scimTenant is a tenant with its owner and a SCIM token the owner created.
type scimTenant struct {
	env   *servertest.Env
	owner peopleCaller
	token string
}

// scimSetup creates the owner of tenant and a SCIM token through the API.
func scimSetup(t *testing.T, env *servertest.Env, tenant string) scimTenant {
	t.Helper()
	owner := peopleUser(t, env, servertest.UserSpec{Tenant: tenant, Role: auth.RoleOwner})
	tok, err := owner.Client.LMS.ScimTokens.Create(e2eCtx(t), client.SCIMTokenCreate{Name: "IdP of " + tenant})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.Token, "scim_") {
		t.Fatalf("token %q", tok.Token)
	}
	return scimTenant{env: env, owner: owner, token: tok.Token}
}

// scimRes is a SCIM response: status, headers and the decoded body.
type scimRes struct {
	Status int
	Header http.Header
	Body   map[string]any
	Raw    string
}

// do sends a SCIM request (body: a JSON string or a value to encode) with the tenant's token.
func (s scimTenant) do(t *testing.T, method, path string, body any) scimRes {
	t.Helper()
	return scimDo(t, s.env, s.token, method, path, body)
}

func scimDo(t *testing.T, env *servertest.Env, token, method, path string, body any) scimRes {
	t.Helper()
	h := map[string]string{}
	if body != nil {
		h["Content-Type"] = "application/scim+json"
	}
	r := e2eDo(t, method, env.URL+"/scim/v2"+path, token, body, h)
	out := scimRes{Status: r.Status, Header: r.Header, Raw: string(r.Body)}
	if len(r.Body) > 0 {
		if err := json.Unmarshal(r.Body, &out.Body); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, path, r.Body, err)
		}
	}
	return out
}

// want checks the status and returns the body.
func (r scimRes) want(t *testing.T, status int, what string) map[string]any {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Raw)
	}
	return r.Body
}

// scimError checks a SCIM error response: status, scimType (may be empty) and the format.
func scimError(t *testing.T, r scimRes, status int, scimType, what string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status %d, want %d: %s", what, r.Status, status, r.Raw)
		return
	}
	schemas, _ := r.Body["schemas"].([]any)
	if len(schemas) != 1 || schemas[0] != "urn:ietf:params:scim:api:messages:2.0:Error" {
		t.Errorf("%s: not a SCIM error: %s", what, r.Raw)
	}
	if r.Body["status"] != itoa(status) {
		t.Errorf("%s: status member %v, want %q", what, r.Body["status"], itoa(status))
	}
	if got, _ := r.Body["scimType"].(string); got != scimType {
		t.Errorf("%s: scimType %q, want %q", what, got, scimType)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/scim+json") {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// str reads a string member at a dotted path of a decoded body ("name.givenName").
func str(m map[string]any, path string) string {
	var v any = m
	for p := range strings.SplitSeq(path, ".") {
		mm, _ := v.(map[string]any)
		v = mm[p]
	}
	s, _ := v.(string)
	return s
}

// scimList reads a ListResponse: totalResults and the resources' ids.
func scimList(t *testing.T, r scimRes, what string) (int, []map[string]any) {
	t.Helper()
	b := r.want(t, http.StatusOK, what)
	total, _ := b["totalResults"].(float64)
	var out []map[string]any
	rs, _ := b["Resources"].([]any)
	for _, x := range rs {
		m, _ := x.(map[string]any)
		out = append(out, m)
	}
	return int(total), out
}

// scimSurfaces counts the audit rows of tenant by surface.
func scimSurfaces(t *testing.T, db *pgx.Conn, tenant string) map[string]int {
	t.Helper()
	rows, err := db.Query(e2eCtx(t), `SELECT surface, count(*) FROM audit_log WHERE tenant_id = $1 GROUP BY surface`, tenant)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	var s string
	var n int
	if _, err := pgx.ForEachRow(rows, []any{&s, &n}, func() error { out[s] = n; return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}
