package tools_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/tools"
)

// TestE2EMCPFitTypeScriptSDK: the official TypeScript MCP SDK (scripts/mcp-oauth-e2e/
// fit.mjs) sees the tool list of each key's person — an admin all, a learner only their
// own records' tools — and its open sessions, one on each of two replicas, get
// notifications/tools/list_changed and the new list after a licence downgrade (the
// admin's) and a ban (the learner's).
func TestE2EMCPFitTypeScriptSDK(t *testing.T) {
	t.Parallel()
	script := filepath.Join(filepath.Dir(oauthTScript(t)), "fit.mjs")
	one, _ := fitReplica(t, nil)
	two, _ := fitReplica(t, one)
	ten := mcpE2ENewTenant(t, one, "fit-sdk", "enterprise", "full", true)
	rw := []client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}
	adminKey := mcpE2EKey(t, one.URL, ten.Admin.Token, rw...).Secret
	learnerKey := mcpE2EKey(t, one.URL, ten.Learner.Token, rw...).Secret
	cfg := tools.Config{}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	// The admin's session on replica two, the learner's on replica one: fit.mjs takes one
	// endpoint, so the learner's goes through a second run of it.
	admin := fitNode(ctx, t, script, two.URL+"/mcp", "admin="+adminKey)
	learner := fitNode(ctx, t, script, one.URL+"/mcp", "learner="+learnerKey)

	all := mcpE2EWant(cfg, tools.KindRead, tools.KindWrite, tools.KindAI)
	if got := admin.lists["admin"]; !slices.Equal(got, all) {
		t.Errorf("admin's tools\n got %v\nwant %v", got, all)
	}
	if got := learner.lists["learner"]; !slices.Equal(got, fitLearnerTools) {
		t.Errorf("learner's tools\n got %v\nwant %v", got, fitLearnerTools)
	}

	one.Licence(t, ten.ID, "business", "read", false) // on replica one's database; admin is on two
	if got, want := admin.after(t, "licence admin"), mcpE2EWant(cfg, tools.KindRead); !slices.Equal(got, want) {
		t.Errorf("admin's tools after the licence downgrade\n got %v\nwant %v", got, want)
	}
	if _, err := mcpE2EAPI(t, one.URL, ten.Admin.Token).LMS.Users.Ban(ctx, nil, client.UserBan{UserId: ten.Learner.ID}); err != nil {
		t.Fatalf("ban: %v", err)
	}
	if got := learner.after(t, "ban learner"); len(got) != 0 {
		t.Errorf("a banned learner's session lists %v, want nothing", got)
	}
	admin.stop(t)
	learner.stop(t)
}

// fitRun is a running fit.mjs.
type fitRun struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *bufio.Scanner
	stderr *strings.Builder
	lists  map[string][]string
}

func fitNode(ctx context.Context, t *testing.T, script, endpoint string, pairs ...string) *fitRun {
	t.Helper()
	cmd := exec.CommandContext(ctx, "node", append([]string{script, endpoint}, pairs...)...)
	cmd.Dir = filepath.Dir(script)
	cmd.Env = mcpE2EEnv()
	r := &fitRun{cmd: cmd, stderr: &strings.Builder{}}
	cmd.Stderr = r.stderr
	var err error
	if r.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("node fit.mjs: %v", err)
	}
	t.Cleanup(func() { _ = r.stdin.Close(); _ = cmd.Process.Kill(); _ = cmd.Wait() })
	r.out = bufio.NewScanner(stdout)
	var lists struct {
		Tools map[string][]string `json:"tools"`
	}
	r.read(t, "lists", &lists)
	r.lists = lists.Tools
	r.read(t, "ready", &struct{}{})
	return r
}

// read decodes fit.mjs's next line, which must be event.
func (r *fitRun) read(t *testing.T, event string, v any) {
	t.Helper()
	if !r.out.Scan() {
		t.Fatalf("fit.mjs ended before %q: %v\nstderr: %s", event, r.out.Err(), r.stderr.String())
	}
	line := r.out.Bytes()
	var head struct{ Event string }
	if err := json.Unmarshal(line, &head); err != nil || head.Event != event {
		t.Fatalf("fit.mjs printed %s, want event %q (%v)\nstderr: %s", line, event, err, r.stderr.String())
	}
	if err := json.Unmarshal(line, v); err != nil {
		t.Fatalf("fit.mjs %s: %v", line, err)
	}
}

// after tells fit.mjs a change was made ("event name") and returns the tool list of name's
// session after its list_changed.
func (r *fitRun) after(t *testing.T, command string) []string {
	t.Helper()
	if _, err := fmt.Fprintln(r.stdin, command); err != nil {
		t.Fatal(err)
	}
	var got struct {
		Tools []string `json:"tools"`
	}
	r.read(t, strings.Fields(command)[0], &got)
	return got.Tools
}

// stop closes fit.mjs's stdin and waits for it to exit cleanly.
func (r *fitRun) stop(t *testing.T) {
	t.Helper()
	_ = r.stdin.Close()
	if err := r.cmd.Wait(); err != nil {
		t.Errorf("fit.mjs: %v\nstderr: %s", err, r.stderr.String())
	}
}
