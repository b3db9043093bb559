package server_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestE2ETenantBoundTrust: a token whose signature verifies is trusted only for a person
// who is a user of a tenant that exists, and never for more than the role that user holds
// now. Each refusal is a 401 problem and writes nothing.
func TestE2ETenantBoundTrust(t *testing.T) {
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	key := e2eSigningKey(t)
	owner := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleOwner})
	learner := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleLearner})
	now := time.Now()
	signed := func(tenant, sub string, role auth.Role) string {
		return e2eCraftToken(t, e2eTokenSpec{key: key, kid: env.Issuer.KeyID(), issuer: auth.DefaultIssuer,
			audience: auth.DefaultAudience, iat: now.Add(-time.Minute), exp: now.Add(time.Hour),
			tenant: tenant, sub: sub, role: role})
	}
	stranger, _ := typeid.New(typeid.Person)
	newAdmin := map[string]any{"name": "Mallory", "email": "mallory@example.test", "role": "admin"}
	cohort := map[string]any{"name": "ghost cohort"}

	users := func() int { return e2eCount(t, db, `SELECT count(*) FROM users`) }
	cohorts := func() int { return e2eCount(t, db, `SELECT count(*) FROM cohorts`) }
	beforeUsers, beforeCohorts := users(), cohorts()

	for _, tc := range []struct {
		name, method, path, token string
		body                      any
		status                    int
	}{
		// The control: the same kind of hand-signed token for a real owner works.
		{"owner lists users", "GET", "/api/v2/users", signed("acme", owner.ID, auth.RoleOwner), nil, http.StatusOK},
		{"non-user claiming owner lists users", "GET", "/api/v2/users", signed("acme", stranger, auth.RoleOwner), nil, http.StatusUnauthorized},
		{"non-user claiming owner creates an admin", "POST", "/api/v2/users", signed("acme", stranger, auth.RoleOwner), newAdmin, http.StatusUnauthorized},
		{"a user of acme naming another tenant", "GET", "/api/v2/users", signed("globex", owner.ID, auth.RoleOwner), nil, http.StatusUnauthorized},
		{"token of a tenant that does not exist stores a cohort", "POST", "/api/v1/learning/cohorts", signed("ghost", stranger, auth.RoleOwner), cohort, http.StatusUnauthorized},
		{"learnd-minted token of a non-user", "GET", "/api/v1/learning/cohorts",
			env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleOwner, Unprovisioned: true}), nil, http.StatusUnauthorized},
		// A learner's token claiming owner acts as the learner it is.
		{"learner claiming owner creates an admin", "POST", "/api/v2/users", signed("acme", learner.ID, auth.RoleOwner), newAdmin, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e2eDo(t, tc.method, env.URL+tc.path, tc.token, tc.body, nil)
			if r.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.Status, tc.status, r.Body)
			}
			if tc.status == http.StatusUnauthorized {
				p := e2eProblem(t, r)
				if p.Code == nil || *p.Code != "unauthorized" {
					t.Errorf("code %v, want unauthorized", p.Code)
				}
				if h := r.Header.Get("WWW-Authenticate"); h == "" {
					t.Error("401 without WWW-Authenticate")
				}
			}
		})
	}
	if n := users(); n != beforeUsers {
		t.Errorf("users %d -> %d: a refused token wrote a user", beforeUsers, n)
	}
	if n := cohorts(); n != beforeCohorts {
		t.Errorf("cohorts %d -> %d: a refused token wrote a cohort", beforeCohorts, n)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM tenants WHERE id IN ('ghost', 'globex')`); n != 0 {
		t.Errorf("%d tenants made by tokens", n)
	}

	// /me of the learner's owner-claiming token says learner.
	r := e2eDo(t, "GET", env.URL+"/api/v2/me", signed("acme", learner.ID, auth.RoleOwner), nil, nil)
	var me struct {
		Role string `json:"role"`
	}
	if r.Status != http.StatusOK || json.Unmarshal(r.Body, &me) != nil || me.Role != string(auth.RoleLearner) {
		t.Errorf("me: %d %s, want role learner", r.Status, r.Body)
	}

	// A user removed from the tenant loses access at the next request.
	gone := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	if r := e2eDo(t, "GET", env.URL+"/api/v2/users", gone.Token, nil, nil); r.Status != http.StatusOK {
		t.Fatalf("before removal: %d %s", r.Status, r.Body)
	}
	gid, _ := typeid.Parse(typeid.Person, gone.ID)
	if _, err := db.Exec(t.Context(), `DELETE FROM users WHERE tenant_id = 'acme' AND id = $1`, gid); err != nil {
		t.Fatal(err)
	}
	e2eEventually(t, 5*time.Second, "a removed user's token refused", func() (bool, string) {
		r := e2eDo(t, "GET", env.URL+"/api/v2/users", gone.Token, nil, nil)
		return r.Status == http.StatusUnauthorized, string(r.Body)
	})
}
