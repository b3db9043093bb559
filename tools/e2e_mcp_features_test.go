package tools_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/tools"
)

// mcpE2ECorpusPDF is a real document of the shared corpus (read in place, never copied).
const mcpE2ECorpusPDF = "/work/shared/corpus/pg-backup-libreoffice.pdf"

// mcpE2EProgress is a progress notification as the TypeScript SDK hands it over.
type mcpE2EProgress struct {
	Progress float64 `json:"progress"`
	Total    float64 `json:"total"`
	Message  string  `json:"message"`
}

// TestE2EMCPFeaturesTypeScript drives /mcp with the official TypeScript SDK
// (scripts/mcp-oauth-e2e/features.mjs): progress during an upload of a corpus PDF and an
// awaited generation, the resource templates and reads, a subscription told when a
// generation completes, a refused subscription, and the prompts.
func TestE2EMCPFeaturesTypeScript(t *testing.T) {
	t.Parallel()
	script := mcpE2EFeaturesScript(t)
	env := servertest.Start(t, servertest.Options{Jobs: true, MCP: tools.Mount(tools.HTTPConfig{Version: "e2e"})})
	ai := mcpE2ENewTenant(t, env, "mcp-features", "enterprise", "full", true)
	key := mcpE2EKey(t, env.URL, ai.Admin.Token, client.APIKeyScopeRead, client.APIKeyScopeWrite)
	course, err := mcpE2EAPI(t, env.URL, ai.Admin.Token).LMS.Courses.Create(mcpE2ECtx(t), nil, client.CourseCreate{Name: "Scaffold Inspection"})
	if err != nil {
		t.Fatalf("create course: %v", err)
	}

	var got struct {
		Capabilities struct {
			Resources struct{ Subscribe bool } `json:"resources"`
			Prompts   *struct{}                `json:"prompts"`
		} `json:"capabilities"`
		Prompts        []string `json:"prompts"`
		PromptMessages []string `json:"promptMessages"`
		PromptText     string   `json:"promptText"`
		Templates      []string `json:"templates"`
		Course         []struct{ MimeType, Text string }
		Report         string `json:"report"`
		Upload         struct {
			SessionID  string `json:"sessionId"`
			ChunkCount int    `json:"chunkCount"`
		} `json:"upload"`
		Generation struct{ JobID, Status, CourseID string } `json:"generation"`
		Progress   struct {
			Upload     []mcpE2EProgress `json:"upload"`
			Generation []mcpE2EProgress `json:"generation"`
		} `json:"progress"`
		Queued             struct{ JobID, Status string } `json:"queued"`
		Updated            []string                       `json:"updated"`
		GenerationResource string                         `json:"generationResource"`
		MissingSubscribe   string                         `json:"missingSubscribe"`
	}
	mcpE2ENode(t, 110*time.Second, nil, &got, script, env.URL+"/mcp", key.Secret, mcpE2ECorpusPDF, course.Id)

	if !got.Capabilities.Resources.Subscribe || got.Capabilities.Prompts == nil {
		t.Errorf("capabilities: %+v", got.Capabilities)
	}
	if !slices.Equal(got.Prompts, []string{"compliance_audit_report", "onboarding_rollout", "recertification_planning"}) ||
		!slices.Equal(got.PromptMessages, []string{"text", "resource"}) || !strings.Contains(got.PromptText, course.Id) {
		t.Errorf("prompts %v, compliance_audit_report %v %q", got.Prompts, got.PromptMessages, got.PromptText)
	}
	want := []string{"learnd://courses/{courseId}", "learnd://exports/audit{?author,from,to}", "learnd://exports/compliance/{courseId}{?groupId,status}",
		"learnd://generations/{jobId}", "learnd://reports/compliance/{courseId}"}
	if !slices.Equal(got.Templates, want) {
		t.Errorf("resource templates %v, want %v", got.Templates, want)
	}
	if len(got.Course) != 2 || got.Course[0].MimeType != "text/plain" || !strings.Contains(got.Course[0].Text, "Scaffold Inspection") ||
		got.Course[1].MimeType != "application/json" || !json.Valid([]byte(got.Course[1].Text)) {
		t.Errorf("course resource: %+v", got.Course)
	}
	if !strings.Contains(got.Report, "Scaffold Inspection") {
		t.Errorf("compliance report resource: %q", got.Report)
	}

	if got.Upload.ChunkCount < 1 {
		t.Errorf("upload: %+v", got.Upload)
	}
	mcpE2ECheckProgress(t, "upload", got.Progress.Upload, "extracting the text", ": chunking", "embedding and storing the chunks", "done")
	if got.Generation.Status != "completed" || !strings.HasPrefix(got.Generation.CourseID, "crs_") {
		t.Errorf("generation with progress: %+v, want completed with a course", got.Generation)
	}
	mcpE2ECheckProgress(t, "generation", got.Progress.Generation, "completed")

	uri := "learnd://generations/" + got.Queued.JobID
	if got.Queued.Status != "queued" || !slices.Contains(got.Updated, uri) || !strings.Contains(got.GenerationResource, "completed") {
		t.Errorf("subscription: queued %+v, updated %v, then %q", got.Queued, got.Updated, got.GenerationResource)
	}
	if !strings.HasPrefix(got.MissingSubscribe, "refused") {
		t.Errorf("subscribing to a course that does not exist: %s", got.MissingSubscribe)
	}
}

// mcpE2ECheckProgress fails unless ps increases to its total and mentions messages.
func mcpE2ECheckProgress(t *testing.T, what string, ps []mcpE2EProgress, messages ...string) {
	t.Helper()
	if len(ps) < 2 {
		t.Errorf("%s: %d progress notifications, want several", what, len(ps))
		return
	}
	var all []string
	for i, p := range ps {
		all = append(all, p.Message)
		if i > 0 && p.Progress <= ps[i-1].Progress {
			t.Errorf("%s: progress %v after %v", what, p.Progress, ps[i-1].Progress)
		}
	}
	if last := ps[len(ps)-1]; last.Total == 0 || last.Progress != last.Total {
		t.Errorf("%s: ends at %v of %v", what, last.Progress, last.Total)
	}
	joined := strings.Join(all, "\n")
	for _, m := range messages {
		if !strings.Contains(joined, m) {
			t.Errorf("%s: messages %q lack %q", what, all, m)
		}
	}
}

// mcpE2EFeaturesScript is scripts/mcp-oauth-e2e/features.mjs with its packages installed
// (npm ci from the lock file when they are missing; make test's ensure-browser.sh
// installs them too).
func mcpE2EFeaturesScript(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "scripts", "mcp-oauth-e2e")
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("the TypeScript SDK test needs node: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@modelcontextprotocol", "sdk")); err != nil {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	return filepath.Join(dir, "features.mjs")
}
