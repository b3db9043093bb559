package tools_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/tools"
)

// The tools a learner may call: those that act on their own records.
var fitLearnerTools = []string{"get_course", "get_user", "list_assignments", "list_certificates", "list_my_assignments"}

// fitManagerHidden are the tools of permissions a manager lacks (user_edit, user_ban,
// audit_view).
var fitManagerHidden = []string{"ban_user", "change_user_email", "create_enrolment_rule", "get_audit_log", "list_enrolment_rules", "unban_user"}

// fitReplica starts a server (a second replica of env's database when env is set) whose
// /mcp handler refits its sessions when the store forgets a tenant, as learnd serve does.
func fitReplica(t *testing.T, env *servertest.Env) (*servertest.Env, *tools.HTTPHandler) {
	t.Helper()
	var h *tools.HTTPHandler
	mount := server.MCPMount(func(api http.Handler, oauth *auth.ResourceServer) http.Handler {
		h = tools.NewHTTPHandler(tools.HTTPConfig{API: api, OAuth: oauth, Version: "fit-e2e"})
		return h
	})
	o := servertest.Options{MCP: mount}
	if env != nil {
		o.DatabaseURL = env.DBURL
	}
	e := servertest.Start(t, o)
	e.Store.OnForget(h.Refresh)
	t.Cleanup(h.Close)
	return e, h
}

// fitSession is a client session that counts notifications/tools/list_changed.
type fitSession struct {
	cs      *mcp.ClientSession
	changed chan struct{}
}

// The protocol versions a client may speak: with sessions, and without (SEP-2575).
const (
	fitLegacy = "2025-11-25"
	fitModern = "2026-07-28"
)

// fitConnect connects a client speaking protocol version ("": the client's default).
func fitConnect(t *testing.T, endpoint, key string, version ...string) *fitSession {
	t.Helper()
	s := &fitSession{changed: make(chan struct{}, 16)}
	opts := &mcp.ClientOptions{ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) {
		s.changed <- struct{}{}
	}}
	tr := &mcp.StreamableClientTransport{Endpoint: endpoint, HTTPClient: &http.Client{Transport: mcpE2EHeader{"X-MCP-Key", key}}, MaxRetries: -1}
	var so *mcp.ClientSessionOptions
	if len(version) > 0 {
		so = &mcp.ClientSessionOptions{ProtocolVersion: version[0]}
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "learnd-fit-e2e", Version: "1"}, opts).Connect(mcpE2ECtx(t), tr, so)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	s.cs = cs
	return s
}

// wait waits for a list_changed notification.
func (s *fitSession) wait(t *testing.T, what string) {
	t.Helper()
	select {
	case <-s.changed:
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: no notifications/tools/list_changed within 20s", what)
	}
}

// waitChanged waits for a list_changed notification, then for the list to be want.
func (s *fitSession) waitChanged(t *testing.T, what string, want []string) {
	t.Helper()
	s.wait(t, what)
	if got := mcpE2EToolNames(t, s.cs); !slices.Equal(got, want) {
		t.Fatalf("%s: tools after list_changed\n got %v\nwant %v", what, got, want)
	}
}

// without is names minus drop.
func without(names []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool { return slices.Contains(drop, n) })
}

// TestE2EMCPToolsFitTheCaller: a session lists only the tools its person may call (role,
// licence, scopes), and when any of them changes, open sessions — on this replica and on
// another one of the same database — get notifications/tools/list_changed and the new
// list: a role change, a licence downgrade, a ban.
func TestE2EMCPToolsFitTheCaller(t *testing.T) {
	t.Parallel()
	one, _ := fitReplica(t, nil)
	two, _ := fitReplica(t, one)
	cfg := tools.Config{}
	all := mcpE2EWant(cfg, tools.KindRead, tools.KindWrite, tools.KindAI)
	reads := mcpE2EWant(cfg, tools.KindRead)
	rw := []client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}

	ten := mcpE2ENewTenant(t, one, "fit-ai", "enterprise", "full", true)
	manager := one.User(t, servertest.UserSpec{Tenant: ten.ID, Role: auth.RoleManager})
	readTen := mcpE2ENewTenant(t, one, "fit-read", "business", "read", false)

	t.Run("tools per role, licence and scope", func(t *testing.T) {
		cases := []struct {
			name  string
			token string
			ro    bool
			want  []string
		}{
			{"admin", ten.Admin.Token, false, all},
			{"manager", manager.Token, false, without(all, fitManagerHidden...)},
			{"learner", ten.Learner.Token, false, fitLearnerTools},
			{"admin, read-only key", ten.Admin.Token, true, reads},
			{"learner, read-only key", ten.Learner.Token, true, fitLearnerTools},
			{"admin, read licence", readTen.Admin.Token, false, reads},
			{"learner, read licence", readTen.Learner.Token, false, fitLearnerTools},
		}
		for _, c := range cases {
			scopes := rw
			if c.ro {
				scopes = rw[:1]
			}
			key := mcpE2EKey(t, one.URL, c.token, scopes...).Secret
			s := fitConnect(t, two.URL+"/mcp", key)
			if got := mcpE2EToolNames(t, s.cs); !slices.Equal(got, c.want) {
				t.Errorf("%s: tools\n got %v\nwant %v", c.name, got, c.want)
			}
		}
	})

	t.Run("serverInfo and Origin", func(t *testing.T) {
		key := mcpE2EKey(t, one.URL, ten.Admin.Token, rw...).Secret
		s := fitConnect(t, one.URL+"/mcp", key)
		if v := s.cs.InitializeResult().ServerInfo.Version; v != "fit-e2e" {
			t.Errorf("serverInfo.version %q, want the configured fit-e2e", v)
		}
		res := mcpE2EPost(t, one.URL+"/mcp", mcpE2EInitialize, "X-MCP-Key", key, "Origin", "https://evil.example")
		if p := mcpE2EProblem(t, res, http.StatusForbidden); *p.Code != "origin_not_allowed" {
			t.Errorf("a foreign Origin: code %q", *p.Code)
		}
		own := strings.TrimPrefix(one.URL, "http://")
		if res := mcpE2EPost(t, one.URL+"/mcp", mcpE2EInitialize, "X-MCP-Key", key, "Origin", "http://"+own); res.Status != http.StatusOK {
			t.Errorf("the server's own Origin: %d %s", res.Status, mcpE2EShort(res.Body))
		}
	})

	// Clients of the 2026-07-28 protocol are served statelessly and get list_changed on
	// their subscriptions/listen stream; older ones on their session's event stream.
	for _, version := range []string{fitLegacy, fitModern} {
		t.Run("list_changed on every replica, protocol "+version, func(t *testing.T) {
			ten := mcpE2ENewTenant(t, one, "fit-lc-"+version, "enterprise", "full", true)
			manager := one.User(t, servertest.UserSpec{Tenant: ten.ID, Role: auth.RoleManager})
			mgrKey := mcpE2EKey(t, one.URL, manager.Token, rw...).Secret
			mgrOne, mgrTwo := fitConnect(t, one.URL+"/mcp", mgrKey, version), fitConnect(t, two.URL+"/mcp", mgrKey, version)
			learner := fitConnect(t, two.URL+"/mcp", mcpE2EKey(t, one.URL, ten.Learner.Token, rw...).Secret, version)
			admin := fitConnect(t, one.URL+"/mcp", mcpE2EKey(t, one.URL, ten.Admin.Token, rw...).Secret, version)
			revoked := mcpE2EKey(t, one.URL, ten.Admin.Token, rw...)
			onRevoked := fitConnect(t, two.URL+"/mcp", revoked.Secret, version)
			if got := learner.cs.InitializeResult().ProtocolVersion; got != version {
				t.Fatalf("negotiated protocol %s, want %s", got, version)
			}

			// A role change (manager → admin), made in the database on neither replica's request.
			if _, err := one.DB(t).Exec(context.Background(), `UPDATE users SET role = 'admin', updated_at = now() WHERE tenant_id = $1 AND id = $2`,
				ten.ID, mcpE2EUUID(t, manager.ID)); err != nil {
				t.Fatal(err)
			}
			mgrOne.waitChanged(t, "role change, replica one", all)
			mgrTwo.waitChanged(t, "role change, replica two", all)

			// A licence downgrade to read: the write and AI tools go.
			one.Licence(t, ten.ID, "business", "read", false)
			admin.waitChanged(t, "licence downgrade", reads)
			mgrTwo.waitChanged(t, "licence downgrade, replica two", reads)
			onRevoked.wait(t, "licence downgrade, the key to revoke")

			// A revoked key's session lists nothing.
			if err := mcpE2EAPI(t, one.URL, ten.Admin.Token).LMS.Keys.Revoke(mcpE2ECtx(t), revoked.ID); err != nil {
				t.Fatalf("revoke: %v", err)
			}
			onRevoked.wait(t, "key revocation")
			if version == fitLegacy {
				if got := mcpE2EToolNames(t, onRevoked.cs); len(got) != 0 {
					t.Errorf("a revoked key's session lists %v", got)
				}
			}

			// A ban (by the admin, through the API): the learner's session lists nothing; a
			// stateless client's next request is refused outright.
			if _, err := mcpE2EAPI(t, one.URL, ten.Admin.Token).LMS.Users.Ban(mcpE2ECtx(t), nil, client.UserBan{UserId: ten.Learner.ID}); err != nil {
				t.Fatalf("ban: %v", err)
			}
			if version == fitLegacy {
				learner.waitChanged(t, "ban", nil)
				return
			}
			learner.wait(t, "ban")
			if _, err := learner.cs.ListTools(mcpE2ECtx(t), nil); err == nil || !strings.Contains(err.Error(), "Unauthorized") {
				t.Errorf("a banned learner's next request: %v, want Unauthorized", err)
			}
		})
	}
}
