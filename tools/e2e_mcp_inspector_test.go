package tools_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/tools"
)

// TestE2EMCPInspector points a client no one here wrote — the MCP Inspector CLI (npm
// @modelcontextprotocol/inspector, --cli mode, installed by scripts/ensure-inspector.sh)
// — at /mcp of the built binary's `learnd serve` on a fresh database, over streamable
// HTTP with the X-MCP-Key header: it lists the key's tools, calls a read tool
// (find_user) and a write tool (ban_user, audited as surface mcp), and is refused
// without a key. The server then stops cleanly on SIGTERM.
func TestE2EMCPInspector(t *testing.T) {
	t.Parallel()
	inspector := mcpE2EInspector(t)
	bin := mcpE2EBuild(t)
	srv := mcpE2EServe(t, bin)
	tenant := mcpE2ENewTenant(t, srv.Env, "inspector", "business", "full", false)
	key := mcpE2EKey(t, srv.Env.URL, tenant.Admin.Token, client.APIKeyScopeRead, client.APIKeyScopeWrite)
	endpoint := srv.Env.URL + "/mcp"
	run := func(t *testing.T, header string, args ...string) (map[string]any, error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(mcpE2ECtx(t), time.Minute)
		defer cancel()
		argv := []string{"--cli", endpoint, "--transport", "http"}
		if header != "" {
			argv = append(argv, "--header", header)
		}
		cmd := exec.CommandContext(ctx, inspector, append(argv, args...)...)
		cmd.Env = mcpE2EEnv()
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			return nil, errors.New(err.Error() + ": " + strings.TrimSpace(stdout.String()+"\n"+stderr.String()))
		}
		var out map[string]any
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("inspector %v: output is not JSON (%v): %s", args, err, stdout.String())
		}
		return out, nil
	}
	withKey := "X-MCP-Key: " + key.Secret

	out, err := run(t, withKey, "--method", "tools/list")
	if err != nil {
		t.Fatalf("inspector tools/list: %v", err)
	}
	var names []string
	list, _ := out["tools"].([]any)
	for _, tl := range list {
		m, _ := tl.(map[string]any)
		name, _ := m["name"].(string)
		if _, ok := m["inputSchema"].(map[string]any); !ok || m["description"] == "" {
			t.Errorf("tool %q without input schema or description: %v", name, m)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	if want := mcpE2EWant(tools.Config{}, tools.KindRead, tools.KindWrite); len(want) == 0 || !slices.Equal(names, want) {
		t.Errorf("inspector tools/list\n got %v\nwant %v", names, want)
	}

	out, err = run(t, withKey, "--method", "tools/call", "--tool-name", "find_user", "--tool-arg", "query=Quinn Learner inspector", "--tool-arg", "limit=5")
	if err != nil {
		t.Fatalf("inspector find_user: %v", err)
	}
	sc, _ := out["structuredContent"].(map[string]any)
	users, _ := sc["users"].([]any)
	if out["isError"] == true || len(users) != 1 || users[0].(map[string]any)["id"] != tenant.Learner.ID || !strings.Contains(mcpE2EInspectorText(out), tenant.Learner.ID) {
		t.Errorf("inspector find_user: %v, want only %s", out, tenant.Learner.ID)
	}

	// ban_user needs confirmation; the Inspector CLI takes no elicitation, so the refusal
	// shows the plan and its hash, and the call with that planHash bans.
	out, err = run(t, withKey, "--method", "tools/call", "--tool-name", "ban_user", "--tool-arg", "userId="+tenant.Learner.ID)
	if err != nil {
		t.Fatalf("inspector ban_user: %v", err)
	}
	refusal := mcpE2EInspectorText(out)
	_, hash, found := strings.Cut(refusal, `planHash: "`)
	hash, _, _ = strings.Cut(hash, `"`)
	if out["isError"] != true || !found || !strings.HasPrefix(refusal, "Confirmation required: banning") {
		t.Fatalf("inspector ban_user without confirmation: %v", out)
	}
	out, err = run(t, withKey, "--method", "tools/call", "--tool-name", "ban_user", "--tool-arg", "userId="+tenant.Learner.ID, "--tool-arg", "planHash="+hash)
	if err != nil {
		t.Fatalf("inspector ban_user with planHash: %v", err)
	}
	sc, _ = out["structuredContent"].(map[string]any)
	if out["isError"] == true || sc["id"] != tenant.Learner.ID || sc["status"] != "banned" || !strings.Contains(mcpE2EInspectorText(out), "banned") {
		t.Errorf("inspector ban_user: %v", out)
	}
	if s := mcpE2EUserStatus(t, srv.Env, tenant.ID, tenant.Learner.ID); s != "banned" {
		t.Errorf("stored status %q, want banned", s)
	}
	surface, auditKey := mcpE2EAudit(t, srv.Env, tenant.ID, "user.ban", tenant.Learner.ID)
	if surface != "mcp" || auditKey != key.UUID {
		t.Errorf("audit user.ban: surface %q key %q, want mcp %s", surface, auditKey, key.UUID)
	}

	// A tool error reaches the Inspector as a result with isError and the seed's text.
	out, err = run(t, withKey, "--method", "tools/call", "--tool-name", "get_user", "--tool-arg", "userId=per_01jdnjw7r0f80800000000zzzz")
	if err != nil {
		t.Fatalf("inspector get_user: %v", err)
	}
	if out["isError"] != true || mcpE2EInspectorText(out) != tools.MsgNotFound {
		t.Errorf("inspector get_user of an unknown user: %v, want isError %q", out, tools.MsgNotFound)
	}

	if _, err := run(t, "", "--method", "tools/list"); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("inspector without a key: %v, want a 401 failure", err)
	}

	srv.Stop(t)
}

// mcpE2EInspector is the MCP Inspector CLI: LEARND_INSPECTOR, else the copy
// scripts/ensure-inspector.sh installs under .tools/inspector. The test fails when it is
// missing: make test installs it.
func mcpE2EInspector(t *testing.T) string {
	t.Helper()
	p := os.Getenv("LEARND_INSPECTOR")
	if p == "" {
		abs, err := filepath.Abs(filepath.Join("..", ".tools", "inspector", "node_modules", ".bin", "mcp-inspector"))
		if err != nil {
			t.Fatal(err)
		}
		p = abs
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the MCP Inspector CLI is missing (%v): run `bash scripts/ensure-inspector.sh` (make test does) or set LEARND_INSPECTOR", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("the MCP Inspector CLI needs node: %v", err)
	}
	return p
}

// mcpE2EInspectorText is the text content of an Inspector tools/call result.
func mcpE2EInspectorText(out map[string]any) string {
	var b strings.Builder
	content, _ := out["content"].([]any)
	for _, c := range content {
		if m, ok := c.(map[string]any); ok && m["type"] == "text" {
			s, _ := m["text"].(string)
			b.WriteString(s)
		}
	}
	return b.String()
}

// mcpE2EServer is a `learnd serve` subprocess on a fresh database.
type mcpE2EServer struct {
	Env    *servertest.Env // URL, DBURL and the issuer of its signing key: for fixtures
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited (err is then set)
	err    error
	mu     sync.Mutex
	logs   bytes.Buffer
}

// mcpE2EServe starts bin serve on 127.0.0.1 (a free port) with a fresh database and a
// signing key the test shares, and waits until it serves; it is stopped at cleanup.
func mcpE2EServe(t *testing.T, bin string) *mcpE2EServer {
	t.Helper()
	dbURL := storetest.NewDatabase(t)
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "signing-key.pem")
	iss, err := auth.NewIssuer(auth.Config{SigningKeyFile: keyFile, GenerateIfMissing: true})
	if err != nil {
		t.Fatalf("issuer: %v", err)
	}
	s := &mcpE2EServer{exited: make(chan struct{})}
	s.cmd = exec.Command(bin, "serve")
	s.cmd.Env = mcpE2EEnv("DATABASE_URL="+dbURL, "LEARND_ADDR=127.0.0.1:0", "LEARND_SIGNING_KEY_FILE="+keyFile,
		"LEARND_DATA_DIR="+dir, "LEARND_JOB_WORKERS=0", "LEARND_LOG_FORMAT=json", "LEARND_SHUTDOWN_TIMEOUT=10s")
	stderr, err := s.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start learnd serve: %v", err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			s.mu.Lock()
			s.logs.Write(line)
			s.logs.WriteByte('\n')
			s.mu.Unlock()
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(line, &rec) == nil && rec.Msg == "serving" && rec.Addr != "" {
				select {
				case addr <- rec.Addr:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
	select {
	case a := <-addr:
		s.Env = &servertest.Env{URL: "http://" + a, DBURL: dbURL, Issuer: iss}
	case <-s.exited:
		t.Fatalf("learnd serve exited: %v\n%s", s.err, s.Logs())
	case <-time.After(90 * time.Second):
		t.Fatalf("learnd serve did not start in 90 s\n%s", s.Logs())
	}
	return s
}

// Logs is what the server logged so far.
func (s *mcpE2EServer) Logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

// Stop sends SIGTERM and expects a clean exit within the shutdown timeout.
func (s *mcpE2EServer) Stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-s.exited:
		if s.err != nil {
			t.Errorf("learnd serve exited with %v\n%s", s.err, s.Logs())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("learnd serve did not stop within 30 s of SIGTERM\n%s", s.Logs())
	}
}
