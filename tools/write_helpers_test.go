package tools

// Helpers of the write and AI tool tests (write_*_test.go, ai_*_test.go): a licensed
// tenant with an admin, fixtures made through the API as that admin (surface api), API
// keys, in-process MCP sessions with the official client, and reads of what is stored.

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

// wrWorld is one test's tenant: the server, a superuser connection, and an admin with an
// SDK client on their token (fixtures made with it are audited as surface api).
type wrWorld struct {
	t      *testing.T
	env    *servertest.Env
	db     *pgx.Conn
	tenant string
	admin  servertest.User
	api    *sdk.Client
}

// wrNewWorld licenses tenant (Enterprise, mcpAccess full, AI) and adds an admin.
func wrNewWorld(t *testing.T, env *servertest.Env, tenant string) *wrWorld {
	t.Helper()
	env.Licence(t, tenant, auth.TierEnterprise, auth.MCPFull, true)
	admin := env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleAdmin, Name: "Ada Admin"})
	return &wrWorld{t: t, env: env, db: env.DB(t), tenant: tenant, admin: admin, api: wrAPI(t, env, admin.Token)}
}

func wrCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// wrAPI is an SDK client for a token or key (no retries).
func wrAPI(t *testing.T, env *servertest.Env, token string) *sdk.Client {
	t.Helper()
	c, err := sdk.New(env.URL, sdk.WithToken(token), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatalf("sdk.New: %v", err)
	}
	return c
}

// user adds a user of the tenant (read and write scopes).
func (w *wrWorld) user(role auth.Role, name string) servertest.User {
	w.t.Helper()
	return w.env.User(w.t, servertest.UserSpec{Tenant: w.tenant, Role: role, Name: name})
}

// key creates an API key for u (through the API, as u) with read and write scopes.
func (w *wrWorld) key(u servertest.User) string {
	w.t.Helper()
	scopes := []client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}
	k, err := wrAPI(w.t, w.env, u.Token).LMS.Keys.Create(wrCtx(w.t), client.APIKeyCreate{Name: "mcp agent", Scopes: &scopes})
	if err != nil {
		w.t.Fatalf("create key: %v", err)
	}
	return k.Key
}

// session is an MCP session (official client, in-memory transports) on the tools a key
// gets; localFiles chooses the stdio flavour (true) or the HTTP one (false).
func (w *wrWorld) session(key string, localFiles bool) *mcp.ClientSession {
	w.t.Helper()
	ctx := wrCtx(w.t)
	srv, err := New(ctx, Config{APIURL: w.env.URL, Key: key, LocalFiles: localFiles, Version: "test"})
	if err != nil {
		w.t.Fatalf("tools.New: %v", err)
	}
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		w.t.Fatalf("server connect: %v", err)
	}
	w.t.Cleanup(func() { _ = ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "write-test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		w.t.Fatalf("client connect: %v", err)
	}
	w.t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// course creates a course with one section of lessons (published unless draft).
func (w *wrWorld) course(name string, lessons int, draft bool) string {
	w.t.Helper()
	ctx := wrCtx(w.t)
	c, err := w.api.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: name})
	if err != nil {
		w.t.Fatalf("create course: %v", err)
	}
	sec, err := w.api.LMS.Courses.CreateSection(ctx, c.Id, nil, client.CourseSectionCreate{Title: "Basics"})
	if err != nil {
		w.t.Fatalf("create section: %v", err)
	}
	for i := range lessons {
		if _, err := w.api.LMS.Courses.CreateElement(ctx, c.Id, nil, client.CourseElementCreate{
			Kind: client.CourseElementKindLesson, SectionId: sec.Id, Title: name + " lesson " + string(rune('A'+i))}); err != nil {
			w.t.Fatalf("create element: %v", err)
		}
	}
	if !draft {
		if _, err := w.api.LMS.Courses.Publish(ctx, c.Id, nil); err != nil {
			w.t.Fatalf("publish: %v", err)
		}
	}
	return c.Id
}

// group creates a group with members.
func (w *wrWorld) group(name string, members ...string) string {
	w.t.Helper()
	ctx := wrCtx(w.t)
	g, err := w.api.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: name})
	if err != nil {
		w.t.Fatalf("create group: %v", err)
	}
	if len(members) > 0 {
		if _, err := w.api.LMS.Groups.AddMembers(ctx, g.Id, client.GroupMembersAdd{UserIds: members}); err != nil {
			w.t.Fatalf("add members: %v", err)
		}
	}
	return g.Id
}

// assignments are a user's assignments by course id.
func (w *wrWorld) assignments(userID string) map[string]client.Assignment {
	w.t.Helper()
	out := map[string]client.Assignment{}
	for a, err := range w.api.LMS.Assignments.ListForUserAll(wrCtx(w.t), userID, nil) {
		if err != nil {
			w.t.Fatalf("list assignments of %s: %v", userID, err)
		}
		out[a.CourseId] = a
	}
	return out
}

// surfaces are the surfaces of the tenant's audit rows of action, oldest first.
func (w *wrWorld) surfaces(action string) []string {
	w.t.Helper()
	rows, err := w.db.Query(context.Background(), `SELECT surface FROM audit_log WHERE tenant_id = $1 AND action = $2 ORDER BY created_at`, w.tenant, action)
	if err != nil {
		w.t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

// count runs a count query.
func (w *wrWorld) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		w.t.Fatalf("%s: %v", query, err)
	}
	return n
}

// wrCall calls a tool; a protocol error fails the test.
func wrCall(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) *mcp.CallToolResult {
	t.Helper()
	return coreCall(t, cs, name, args)
}

// wrText is a result's text content.
func wrText(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	return coreText(t, res)
}

// wrOK calls a tool that must succeed and decodes its structured content into a T; it
// returns the text too.
func wrOK[T any](t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (T, string) {
	t.Helper()
	var out T
	res := wrCall(t, cs, name, args)
	text := wrText(t, res)
	if res.IsError {
		t.Fatalf("%s(%v): tool error %q", name, args, text)
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatalf("%s: structured content: %v", name, err)
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: decode structured content %s: %v", name, b, err)
	}
	if strings.TrimSpace(text) == "" || strings.HasPrefix(strings.TrimSpace(text), "{") {
		t.Errorf("%s: text content %q, want a compact rendering", name, text)
	}
	return out, text
}

// wrErr calls a tool that must fail and returns the error text.
func wrErr(t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) string {
	t.Helper()
	res := wrCall(t, cs, name, args)
	text := wrText(t, res)
	if !res.IsError {
		t.Fatalf("%s(%v): succeeded with %q, want a tool error", name, args, text)
	}
	return text
}

// wrUnix is now + d in Unix seconds.
func wrUnix(d time.Duration) int64 { return time.Now().Add(d).Unix() }
