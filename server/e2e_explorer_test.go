package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

// TestExplorerE2E opens the API explorer (/docs) of a real server in headless Chromium,
// authorizes with a bearer token through the dialog, runs "Try it out" on GET
// /api/v1/learning/cohorts and checks the live response is a 200 listing the cohort the
// test created. The browser is installed when missing (scripts/ensure-browser.sh), never
// skipped.
func TestExplorerE2E(t *testing.T) {
	env := servertest.Start(t)
	token := env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin})
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()

	c, err := sdk.New(env.URL, sdk.WithToken(token))
	if err != nil {
		t.Fatalf("sdk: %v", err)
	}
	created, err := c.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "Explorer cohort"})
	if err != nil {
		t.Fatalf("create cohort: %v", err)
	}

	root, err := filepath.Abs("..") // go test runs in server/
	if err != nil {
		t.Fatal(err)
	}
	script := filepath.Join(root, "scripts", "explorer-e2e", "explorer.mjs")
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("explorer check missing: %v", err)
	}
	chromium := os.Getenv("CHROMIUM_PATH")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	_, errBrowser := os.Stat(chromium)
	_, errPlaywright := os.Stat(filepath.Join(root, "scripts", "explorer-e2e", "node_modules", "playwright-core"))
	if errBrowser != nil || errPlaywright != nil {
		cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts", "ensure-browser.sh"))
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ensure-browser.sh: %v\n%s", err, out)
		} else if len(out) > 0 {
			t.Logf("%s", bytes.TrimSpace(out))
		}
	}

	dir := os.Getenv("LEARND_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "explorer.png")
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "node", script, env.URL, token, shot)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	t.Logf("screenshot: %s", shot)
	if runErr != nil {
		t.Fatalf("explorer check failed: %v\nstdout: %s\nstderr: %s", runErr, stdout.String(), stderr.String())
	}
	var res struct {
		Status     int    `json:"status"`
		Found      bool   `json:"found"`
		Screenshot string `json:"screenshot"`
		Samples    []struct {
			Method, Path, Curl, Go string
		} `json:"samples"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &res); err != nil {
		t.Fatalf("explorer check printed %q: %v", stdout.String(), err)
	}
	if res.Status != 200 || !res.Found {
		t.Fatalf("explorer check: status %d, found %t; stderr: %s", res.Status, res.Found, stderr.String())
	}
	if len(res.Samples) != 3 {
		t.Fatalf("explorer check: code samples of %d operations, want 3", len(res.Samples))
	}
	for _, s := range res.Samples {
		if !strings.Contains(s.Curl, "Authorization: Bearer $ADMIN_TOKEN") || !strings.Contains(s.Go, "log.Fatal(err)") {
			t.Errorf("samples of %s %s:\n%s\n%s", s.Method, s.Path, s.Curl, s.Go)
		}
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() == 0 {
		t.Fatalf("no screenshot at %s: %v", shot, err)
	}
	if !strings.HasPrefix(created.Id, "coh_") {
		t.Fatalf("created cohort id %q", created.Id)
	}
}
