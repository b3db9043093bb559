package tools_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/gen/client"
)

// TestE2EMCPSafeWritesTypeScript drives `learnd serve`'s /mcp with the official TypeScript
// MCP SDK (scripts/mcp-oauth-e2e/safe.mjs): a dry run of assign_training that stores
// nothing, then the write confirmed with its plan hash; ban_user refused without
// confirmation, then confirmed through elicitation; and get_audit_log with
// includeChanges, whose text carries the ban as "status: active → banned".
func TestE2EMCPSafeWritesTypeScript(t *testing.T) {
	t.Parallel()
	script := filepath.Join(filepath.Dir(oauthTScript(t)), "safe.mjs")
	bin := mcpE2EBuild(t)
	srv := mcpE2EServe(t, bin)
	tenant := mcpE2ENewTenant(t, srv.Env, "mcp-safe", "business", "full", false)
	key := mcpE2EKey(t, srv.Env.URL, tenant.Admin.Token, client.APIKeyScopeRead, client.APIKeyScopeWrite)
	ctx := mcpE2ECtx(t)
	api := mcpE2EAPI(t, srv.Env.URL, tenant.Admin.Token)
	c, err := api.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: "Confined Spaces"})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := api.LMS.Courses.CreateSection(ctx, c.Id, nil, client.CourseSectionCreate{Title: "Basics"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.LMS.Courses.CreateElement(ctx, c.Id, nil, client.CourseElementCreate{Kind: client.CourseElementKindLesson, SectionId: sec.Id, Title: "Permits"}); err != nil {
		t.Fatal(err)
	}
	if _, err := api.LMS.Courses.Publish(ctx, c.Id, nil); err != nil {
		t.Fatal(err)
	}
	assigned := func() int {
		t.Helper()
		var n int
		if err := srv.Env.DB(t).QueryRow(context.Background(), `SELECT count(*) FROM assignments WHERE tenant_id = $1`, tenant.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	due := time.Now().Add(72 * time.Hour).Unix()

	type call struct {
		Text       string         `json:"text"`
		Structured map[string]any `json:"structured"`
	}
	var got struct {
		DryRun, Confirmed call
		BanRefused        struct {
			IsError bool   `json:"isError"`
			Text    string `json:"text"`
		}
		Asked     []string `json:"asked"`
		Banned    string   `json:"banned"`
		AuditText string   `json:"auditText"`
	}
	mcpE2ENode(t, 90*time.Second, srv.Logs, &got, script, srv.Env.URL+"/mcp", key.Secret, c.Id, tenant.Learner.ID, fmt.Sprint(due))
	hash, _ := got.DryRun.Structured["planHash"].(string)
	if got.DryRun.Structured["dryRun"] != true || hash == "" || !strings.HasPrefix(got.DryRun.Text, "DRY RUN — nothing changed.") ||
		got.DryRun.Structured["userId"] != tenant.Learner.ID {
		t.Errorf("dry run: %+v", got.DryRun)
	}
	if got.Confirmed.Structured["dryRun"] == true || got.Confirmed.Structured["planHash"] != hash || got.Confirmed.Structured["status"] != "assigned" {
		t.Errorf("confirmed write: %+v", got.Confirmed)
	}
	if n := assigned(); n != 1 {
		t.Errorf("%d assignments stored, want 1 (the confirmed write; the dry run stores none)", n)
	}
	if !got.BanRefused.IsError || !strings.HasPrefix(got.BanRefused.Text, "Confirmation required: banning") {
		t.Errorf("ban without confirmation: %+v", got.BanRefused)
	}
	if len(got.Asked) != 1 || !strings.Contains(got.Asked[0], "ban_user: banning") || got.Banned != "banned" {
		t.Errorf("ban through elicitation: asked %q, status %q", got.Asked, got.Banned)
	}
	if s := mcpE2EUserStatus(t, srv.Env, tenant.ID, tenant.Learner.ID); s != "banned" {
		t.Errorf("stored status %q, want banned", s)
	}
	// The audit text names the ban and its change, and the assignment's values.
	for _, want := range []string{"user.ban via mcp", "status: active → banned", "assignment.create via mcp", "new: "} {
		if !strings.Contains(got.AuditText, want) {
			t.Errorf("get_audit_log text lacks %q:\n%s", want, got.AuditText)
		}
	}
	srv.Stop(t)
}
