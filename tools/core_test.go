package tools

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

func TestCoreAccess(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	cases := []struct {
		name, tier, access string
		ai                 bool
		scopes             []client.APIKeyScope
		wantErr            bool
		read, write, ai2   bool
	}{
		{name: "none", tier: "starter", access: "none", wantErr: true},
		{name: "read", tier: "starter", access: "read", scopes: []client.APIKeyScope{"read", "write"}, read: true},
		{name: "full read-scope", tier: "business", access: "full", ai: true, scopes: []client.APIKeyScope{"read"}, read: true},
		{name: "full", tier: "business", access: "full", scopes: []client.APIKeyScope{"read", "write"}, read: true, write: true},
		{name: "full ai", tier: "enterprise", access: "full", ai: true, scopes: []client.APIKeyScope{"read", "write"}, read: true, write: true, ai2: true},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tenant := "core-access-" + string(rune('a'+i))
			env.Licence(t, tenant, tc.tier, tc.access, tc.ai)
			u := env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleAdmin})
			cfg := Config{APIURL: env.URL, Key: coreKey(t, env, u, tc.scopes...)}
			cs, err := coreConnect(t, cfg)
			if tc.wantErr {
				var ae *AccessError
				if !errors.As(err, &ae) || !strings.Contains(ae.Reason, "mcpAccess: none") {
					t.Fatalf("New = %v, want *AccessError about mcpAccess none", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			got := coreTools(t, cs)
			for _, k := range []struct {
				kind Kind
				want bool
			}{{KindRead, tc.read}, {KindWrite, tc.write}, {KindAI, tc.ai2}} {
				for _, name := range Names(k.kind, cfg) {
					if _, ok := got[name]; ok != k.want {
						t.Errorf("%s tool %s listed = %v, want %v", k.kind, name, ok, k.want)
					}
				}
			}
			for _, name := range readToolNames {
				if _, ok := got[name]; !ok {
					t.Errorf("read tool %s not listed", name)
				}
			}
			want := 0
			for _, k := range []struct {
				kind Kind
				on   bool
			}{{KindRead, tc.read}, {KindWrite, tc.write}, {KindAI, tc.ai2}} {
				if k.on {
					want += len(Names(k.kind, cfg))
				}
			}
			if len(got) != want {
				t.Errorf("listed %d tools, want %d", len(got), want)
			}
		})
	}
}

func TestCoreBadKey(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	_, err := coreConnect(t, Config{APIURL: env.URL, Key: "lk_not-a-real-key"})
	var ae *AccessError
	if !errors.As(err, &ae) || sdk.StatusCode(ae.Err) != http.StatusUnauthorized {
		t.Fatalf("New with a bad key = %v, want *AccessError wrapping a 401", err)
	}
	_, err = coreConnect(t, Config{APIURL: env.URL})
	if !errors.As(err, &ae) {
		t.Fatalf("New without a key = %v, want *AccessError", err)
	}
	const tenant = "core-badkey"
	env.Licence(t, tenant, auth.TierBusiness, auth.MCPFull, false)
	u := env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleAdmin})
	writeOnly := coreKey(t, env, u, client.APIKeyScopeWrite)
	if _, err = coreConnect(t, Config{APIURL: env.URL, Key: writeOnly}); !errors.As(err, &ae) || !strings.Contains(ae.Reason, "read scope") {
		t.Fatalf("New with a write-only key = %v, want *AccessError about the read scope", err)
	}
	revoked := coreKey(t, env, u)
	keys, err := coreAPI(t, env, u.Token).LMS.Keys.List(coreCtx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys.Data {
		if err := coreAPI(t, env, u.Token).LMS.Keys.Revoke(coreCtx(t), k.Id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err = coreConnect(t, Config{APIURL: env.URL, Key: revoked}); !errors.As(err, &ae) || sdk.StatusCode(ae.Err) != http.StatusUnauthorized {
		t.Fatalf("New with a revoked key = %v, want *AccessError wrapping a 401", err)
	}
	// An unreachable API is not an access error.
	if _, err = coreConnect(t, Config{APIURL: "http://127.0.0.1:1", Key: revoked}); err == nil || errors.As(err, &ae) {
		t.Fatalf("New with an unreachable API = %v, want a plain error", err)
	}
}

func TestCoreMe(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	const tenant = "core-me"
	env.Licence(t, tenant, auth.TierEnterprise, auth.MCPFull, true)
	u := env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleManager, Name: "Mia Manager", Email: "mia@core-me.test"})
	ctx := coreCtx(t)

	me, err := coreAPI(t, env, u.Token).LMS.Me.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	name, _ := me.Name.Get()
	email, _ := me.Email.Get()
	if me.UserId != u.ID || name != "Mia Manager" || email != "mia@core-me.test" || me.Role != client.UserRoleManager || me.TenantId != tenant ||
		!me.KeyId.IsNull() || !me.AppId.IsNull() || len(me.Scopes) != 2 {
		t.Fatalf("me (JWT) = %+v", me)
	}
	if me.Licence.Tier != client.TenantLicenceTierEnterprise || me.Licence.McpAccess != client.TenantLicenceMcpAccessFull || !me.Licence.McpAiAccess {
		t.Errorf("licence = %+v", me.Licence)
	}
	want := []client.Permission{"user_view", "user_assign", "group_assign", "course_view", "course_edit", "common_stat"}
	if !slices.Equal(me.Permissions, want) {
		t.Errorf("permissions = %v, want %v", me.Permissions, want)
	}

	key := coreKey(t, env, u, client.APIKeyScopeRead)
	me, err = keyAPI(t, env, key).LMS.Me.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keyID, _ := me.KeyId.Get()
	if !strings.HasPrefix(keyID, "key_") || !slices.Equal(me.Scopes, []client.GrantedScope{client.GrantedScopeRead}) || me.UserId != u.ID {
		t.Errorf("me (key) = %+v", me)
	}

	// A learner holds no permissions; a caller without a user row is refused.
	learner := env.User(t, servertest.UserSpec{Tenant: tenant})
	if me, err = coreAPI(t, env, learner.Token).LMS.Me.Get(ctx); err != nil || len(me.Permissions) != 0 || me.Role != client.UserRoleLearner {
		t.Errorf("learner me = %+v, %v", me, err)
	}
	ext := env.Token(t, servertest.Caller{Tenant: tenant, Role: auth.RoleAdmin, Scopes: []string{"read"}, Unprovisioned: true})
	if me, err = coreAPI(t, env, ext).LMS.Me.Get(ctx); sdk.StatusCode(err) != http.StatusUnauthorized {
		t.Errorf("me without a user row = %+v, %v; want 401", me, err)
	}
	// The write scope alone is not the read scope.
	wo := env.Token(t, servertest.Caller{Tenant: tenant, Subject: u.ID, Role: auth.RoleManager, Scopes: []string{"write"}})
	if _, err = coreAPI(t, env, wo).LMS.Me.Get(ctx); sdk.StatusCode(err) != http.StatusForbidden {
		t.Errorf("me with the write scope only: %v, want 403", err)
	}
}

// TestCoreSurface: every request the tools make carries the key and X-Learnd-Surface: mcp,
// so writes made through the MCP client are audited with surface mcp.
func TestCoreSurface(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	const tenant = "core-surface"
	env.Licence(t, tenant, auth.TierBusiness, auth.MCPFull, false)
	u := env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleAdmin})
	key := coreKey(t, env, u, client.APIKeyScopeRead, client.APIKeyScopeWrite)
	rec := &headerRecorder{}
	cfg := Config{APIURL: env.URL, Key: key, HTTPClient: &http.Client{Transport: rec}, Version: "1.2.3"}
	cs := coreSession(t, cfg)
	coreOK(t, cs, "find_user", map[string]any{"query": ""}, nil)
	coreOK(t, cs, "get_user", map[string]any{"userId": u.ID}, nil)
	hs := rec.all()
	if len(hs) != 3 { // me, find, get
		t.Fatalf("%d requests, want 3", len(hs))
	}
	for i, h := range hs {
		if h.Get("X-Learnd-Surface") != "mcp" || h.Get("Authorization") != "Bearer "+key || h.Get("User-Agent") != "learnd-mcp/1.2.3" {
			t.Errorf("request %d headers: surface %q, authorization %q, user agent %q", i, h.Get("X-Learnd-Surface"), h.Get("Authorization"), h.Get("User-Agent"))
		}
	}

	// A write through the tools' client is audited as mcp, with the key.
	api, err := NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	g, err := api.LMS.Groups.Create(coreCtx(t), nil, client.GroupCreate{Name: "Made by an agent"})
	if err != nil {
		t.Fatal(err)
	}
	var audit auditOut
	coreOK(t, cs, "get_audit_log", map[string]any{"limit": 5}, &audit)
	var found bool
	for _, e := range audit.Entries {
		if e.Action == "group.create" && e.TargetID != nil && *e.TargetID == g.Id {
			found = true
			if e.Surface != "mcp" || e.KeyID == nil || !strings.HasPrefix(*e.KeyID, "key_") || e.ActorID == nil || *e.ActorID != u.ID {
				t.Errorf("audit entry = %+v, want surface mcp with the key and actor", e)
			}
		}
	}
	if !found {
		t.Fatalf("no group.create entry in %+v", audit)
	}
}

func TestCoreErrorText(t *testing.T) {
	t.Parallel()
	problem := func(status int, detail string, fields ...client.FieldError) *sdk.Error {
		p := &client.Problem{Status: status, Title: http.StatusText(status), Detail: &detail}
		if len(fields) > 0 {
			p.Errors = &fields
		}
		return &sdk.Error{StatusCode: status, Problem: p, Header: http.Header{}}
	}
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"403", problem(403, "this action needs the user_view permission"), MsgPermissionDenied},
		{"404", problem(404, "user per_… not found"), MsgNotFound},
		{"422 with fields", problem(422, "the request is invalid", client.FieldError{Pointer: Ptr("/email"), Detail: "must be an email address"}),
			"Invalid arguments: the request is invalid — email: must be an email address"},
		{"400 parameter", problem(400, "bad parameter", client.FieldError{Parameter: Ptr("limit"), Detail: "must be at most 50"}),
			"Invalid arguments: bad parameter — limit: must be at most 50"},
		{"422 whose detail already says it", problem(422, "/userIds/0: the user is not assigned this course", client.FieldError{Pointer: Ptr("/userIds/0"), Detail: "the user is not assigned this course"}),
			"Invalid arguments: /userIds/0: the user is not assigned this course"},
		{"429 without Retry-After", problem(429, "slow down"), MsgRateLimited},
		{"429 with Retry-After", func() error { e := problem(429, "x"); e.RetryAfter = 2500 * time.Millisecond; return e }(), MsgRateLimited + " Retry after 3 seconds."},
		{"409 passes the detail", problem(409, "the user is already banned"), "the user is already banned"},
		{"500", problem(500, "internal error (request_id abc)"), "Error: internal error (request_id abc)"},
		{"502 without a problem", &sdk.Error{StatusCode: 502, Body: []byte("bad gateway")}, "Error: bad gateway"},
		{"503 empty", &sdk.Error{StatusCode: 503}, "Error: 503 Service Unavailable"},
		{"network", errors.New("dial tcp 127.0.0.1:1: connect: connection refused"), "Error: dial tcp 127.0.0.1:1: connect: connection refused"},
		{"wrapped invalid", fmt.Errorf("x: %w", Invalid("pass exactly one of userId or groupId")), "Invalid arguments: pass exactly one of userId or groupId"},
	}
	for _, tc := range cases {
		if got := ErrorText(tc.err); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCoreUnixTime(t *testing.T) {
	t.Parallel()
	if got, err := UnixTime("deadline", 1767225600); err != nil || !got.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("UnixTime(2026-01-01) = %v, %v", got, err)
	}
	for _, tc := range []struct {
		sec  int64
		want string
	}{
		{1767225600000, "Invalid arguments: deadline must be a Unix timestamp in seconds (got 1767225600000, which looks like milliseconds)"},
		{42, "Invalid arguments: deadline must be a Unix timestamp in seconds between 2000 and 2100 (got 42)"},
		{-5, "Invalid arguments: deadline must be a Unix timestamp in seconds between 2000 and 2100 (got -5)"},
	} {
		if _, err := UnixTime("deadline", tc.sec); err == nil || ErrorText(err) != tc.want {
			t.Errorf("UnixTime(%d) = %v, want %q", tc.sec, err, tc.want)
		}
	}
	if p, err := UnixTimePtr("startAt", nil); p != nil || err != nil {
		t.Errorf("UnixTimePtr(nil) = %v, %v", p, err)
	}
}
