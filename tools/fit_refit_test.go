package tools

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestFitRefitWithoutStore is learnd mcp's way (no store to listen to): a call the
// licence refuses says so and refits the list (list_changed), and the timer refits it
// after a role change.
func TestFitRefitWithoutStore(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	env.Licence(t, "fit-stdio", "business", "full", false)
	admin := env.User(t, servertest.UserSpec{Tenant: "fit-stdio", Role: auth.RoleAdmin})
	learner := env.User(t, servertest.UserSpec{Tenant: "fit-stdio", Role: auth.RoleLearner})
	rw := []client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}
	reads, writes := Names(KindRead, Config{LocalFiles: true}), Names(KindWrite, Config{LocalFiles: true})
	all := append(slices.Clone(reads), writes...)
	slices.Sort(all)

	connect := func(key string) (*fitter, *mcp.ClientSession, chan struct{}) {
		t.Helper()
		ctx := coreCtx(t)
		f, err := build(ctx, Config{APIURL: env.URL, Key: key, LocalFiles: true})
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		changed := make(chan struct{}, 8)
		st, ct := mcp.NewInMemoryTransports()
		ss, err := f.srv.Connect(ctx, st, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = ss.Close() })
		c := mcp.NewClient(&mcp.Implementation{Name: "fit", Version: "1"}, &mcp.ClientOptions{
			ToolListChangedHandler: func(context.Context, *mcp.ToolListChangedRequest) { changed <- struct{}{} },
		})
		cs, err := c.Connect(ctx, ct, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cs.Close() })
		return f, cs, changed
	}
	waitList := func(cs *mcp.ClientSession, changed chan struct{}, what string, want []string) {
		t.Helper()
		select {
		case <-changed:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: no list_changed", what)
		}
		var got []string
		for tool := range coreTools(t, cs) {
			got = append(got, tool)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: tools\n got %v\nwant %v", what, got, want)
		}
	}

	// A licence downgrade, then a write: the licence's refusal, and the list refitted.
	_, cs, changed := connect(coreKey(t, env, admin, rw...))
	env.Licence(t, "fit-stdio", "business", "read", false)
	got := coreErr(t, cs, "ban_user", map[string]any{"userId": learner.ID})
	if !strings.HasPrefix(got, MsgNotLicensed) || !strings.Contains(got, "mcpAccess: read") {
		t.Errorf("ban_user under a read licence: %q, want %q + the licence's reason", got, MsgNotLicensed)
	}
	waitList(cs, changed, "after the licence's refusal", reads)

	// The timer: a learner promoted to admin gets the tools of an admin.
	env.Licence(t, "fit-stdio", "business", "full", false)
	f, cs, changed := connect(coreKey(t, env, learner, rw...))
	id, err := typeid.Parse(typeid.Person, learner.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.DB(t).Exec(context.Background(), `UPDATE users SET role = 'admin' WHERE tenant_id = $1 AND id = $2`, "fit-stdio", id.String()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go refitEvery(ctx, f, 50*time.Millisecond, nil)
	waitList(cs, changed, "after the role change", all)
}
