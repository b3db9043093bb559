package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/internal/wire"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store"
)

// TestE2EHardeningForwardedFor: without trusted proxies, X-Forwarded-For does not change
// the client address, so rotating it neither escapes the failed-authentication limit nor
// lets a client charge failures to someone else's address.
func TestE2EHardeningForwardedFor(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	limited := 0
	for i := range 30 {
		bad, _ := store.NewAPIKeySecret()
		r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/tenant", bad, nil, map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i)})
		switch r.Status {
		case http.StatusTooManyRequests:
			limited++
		case http.StatusUnauthorized:
		default:
			t.Fatalf("bad key %d: status %d", i, r.Status)
		}
	}
	if limited == 0 {
		t.Fatal("30 bad keys with rotating X-Forwarded-For were never limited")
	}
}

// TestE2EHardeningTokenEndpointFailures: failed client authentications at the token
// endpoint count towards the per-address limit.
func TestE2EHardeningTokenEndpointFailures(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	limited := 0
	for range 30 {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"demo:per_01jdnjw7r0f808000000000001:owner"}, "client_secret": {"wrong"}}
		req, _ := http.NewRequest(http.MethodPost, env.URL+"/api/v1/auth/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if res.StatusCode == http.StatusTooManyRequests {
			limited++
			if res.Header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		} else if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401 or 429", res.StatusCode)
		}
	}
	if limited == 0 {
		t.Fatal("30 wrong client secrets were never limited")
	}
}

// TestE2EHardeningMCPLicence: a request marked as coming from the MCP server is refused
// when the licence no longer allows it (none: 401; read: writes 403), on every call.
func TestE2EHardeningMCPLicence(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	cases := []struct {
		access    string
		read      int
		write     int
		readCode  string
		writeCode string
	}{
		{auth.MCPNone, 401, 401, "mcp_access_none", "mcp_access_none"},
		{auth.MCPRead, 200, 403, "", "mcp_read_only"},
		{auth.MCPFull, 200, 201, "", ""},
	}
	for _, c := range cases {
		tenant := "mcp-" + c.access
		env.Licence(t, tenant, auth.TierBusiness, c.access, false)
		admin := env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleAdmin})
		h := map[string]string{wire.HeaderSurface: "mcp"}
		if r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/users?query=a", admin.Token, nil, h); r.Status != c.read {
			t.Errorf("%s: read %d, want %d: %s", c.access, r.Status, c.read, r.Body)
		} else if c.readCode != "" {
			if p := e2eProblem(t, r); p.Code == nil || *p.Code != c.readCode {
				t.Errorf("%s: read code %v, want %s", c.access, p.Code, c.readCode)
			}
		}
		r := e2eDo(t, http.MethodPost, env.URL+"/api/v2/groups", admin.Token, map[string]any{"name": "Agents"}, h)
		if r.Status != c.write {
			t.Errorf("%s: write %d, want %d: %s", c.access, r.Status, c.write, r.Body)
		}
		if c.writeCode != "" && r.Status >= 400 {
			if p := e2eProblem(t, r); p.Code == nil || *p.Code != c.writeCode {
				t.Errorf("%s: code %v, want %s", c.access, p.Code, c.writeCode)
			}
		}
		// Without the marker the same token is an API call: the licence does not apply.
		if r := e2eDo(t, http.MethodPost, env.URL+"/api/v2/groups", admin.Token, map[string]any{"name": "API"}, nil); r.Status != http.StatusCreated {
			t.Errorf("%s: API write %d, want 201", c.access, r.Status)
		}
	}
}

// TestE2EHardeningKeys: a new key's response (its secret) is never stored for replay, and
// revoking another user's key follows the role hierarchy.
func TestE2EHardeningKeys(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	owner := env.User(t, servertest.UserSpec{Tenant: "hk", Role: auth.RoleOwner})
	admin := env.User(t, servertest.UserSpec{Tenant: "hk", Role: auth.RoleAdmin})
	r := e2eDo(t, http.MethodPost, env.URL+"/api/v2/keys", admin.Token, map[string]any{"name": "k"}, map[string]string{"Idempotency-Key": "k-1"})
	if r.Status != http.StatusUnprocessableEntity {
		t.Fatalf("key create with Idempotency-Key: %d, want 422: %s", r.Status, r.Body)
	}
	var n int
	if err := env.DB(t).QueryRow(context.Background(), `SELECT count(*) FROM idempotency_keys WHERE tenant_id = 'hk'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("stored idempotent responses: %d (%v), want 0", n, err)
	}
	keyOf := func(tok string) string {
		r := e2eDo(t, http.MethodPost, env.URL+"/api/v2/keys", tok, map[string]any{"name": "k"}, nil)
		if r.Status != http.StatusCreated {
			t.Fatalf("create key: %d %s", r.Status, r.Body)
		}
		return e2eMembers(t, r.Body)["id"].(string)
	}
	ownerKey, adminKey := keyOf(owner.Token), keyOf(admin.Token)
	if r := e2eDo(t, http.MethodDelete, env.URL+"/api/v2/keys/"+ownerKey, admin.Token, nil, nil); r.Status != http.StatusForbidden {
		t.Errorf("admin revoking the owner's key: %d, want 403", r.Status)
	}
	if r := e2eDo(t, http.MethodDelete, env.URL+"/api/v2/keys/"+adminKey, owner.Token, nil, nil); r.Status != http.StatusNoContent {
		t.Errorf("owner revoking an admin's key: %d, want 204", r.Status)
	}
}

// TestE2EHardeningAuditUnknownFilter: a mistyped audit filter is a 400 naming it, never the
// unfiltered log.
func TestE2EHardeningAuditUnknownFilter(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	admin := env.User(t, servertest.UserSpec{Tenant: "aud", Role: auth.RoleAdmin})
	r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/audit?fields%5Bactor%5D=per_01jdnjw7r0f808000000000001", admin.Token, nil, nil)
	if r.Status != http.StatusBadRequest {
		t.Fatalf("unknown filter: %d, want 400: %s", r.Status, r.Body)
	}
	if p := e2eProblem(t, r); p.Errors == nil || len(*p.Errors) != 1 || (*p.Errors)[0].Parameter == nil || *(*p.Errors)[0].Parameter != "fields[actor]" {
		t.Errorf("problem = %+v, want the parameter fields[actor] named", p)
	}
	if r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/audit?fields%5Bauthor%5D="+admin.ID, admin.Token, nil, nil); r.Status != http.StatusOK {
		t.Errorf("known filter: %d, want 200", r.Status)
	}
}

// TestE2EHardeningMessages: a malformed id says which id it must be (not the pattern), and
// a wrong body type says which type to send.
func TestE2EHardeningMessages(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	env.Licence(t, "msg", auth.TierBusiness, auth.MCPFull, true)
	admin := env.User(t, servertest.UserSpec{Tenant: "msg", Role: auth.RoleAdmin})
	r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/users/42", admin.Token, nil, nil)
	if p := e2eProblem(t, r); r.Status != http.StatusBadRequest || p.Detail == nil || !strings.Contains(*p.Detail, "must be a per_… id") {
		t.Errorf("GET /users/42: %d %s", r.Status, r.Body)
	}
	r = e2eDo(t, http.MethodPost, env.URL+"/api/v2/chat/source-materials/upload", admin.Token, map[string]any{"file": "x"}, nil)
	if p := e2eProblem(t, r); r.Status != http.StatusUnsupportedMediaType || p.Detail == nil || !strings.Contains(*p.Detail, "send multipart/form-data") {
		t.Errorf("JSON upload: %d %s", r.Status, r.Body)
	}
}
