package tools_test

import (
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/internal/pseudonym"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/tools"
	"github.com/learnd/learnd/typeid"
)

// keyoptsCall is a tool call as keyopts.mjs reports it.
type keyoptsCall struct {
	Threw      string          `json:"threw"`
	IsError    bool            `json:"isError"`
	Text       string          `json:"text"`
	Structured json.RawMessage `json:"structured"`
	Types      []string        `json:"types"`
	Links      []struct {
		URI      string `json:"uri"`
		Name     string `json:"name"`
		MIMEType string `json:"mimeType"`
		Size     int    `json:"size"`
	} `json:"links"`
}

// TestE2EMCPKeyOptionsTypeScript: the official TypeScript MCP SDK (scripts/mcp-oauth-e2e/
// keyopts.mjs) at /mcp with the per-key options. A read-only key's session lists the read
// tools and no write tool, a write called anyway is refused and changes nothing, and its
// compliance export is a resource_link the SDK reads back as text/csv with every row. A
// pseudonymising key's find_user, list_assignments and get_compliance_status show each
// learner as their alias ("Learner XXXXXXXX"), in the text and in the structured content,
// and no fixture name or e-mail address; its export is refused and no export is listed.
func TestE2EMCPKeyOptionsTypeScript(t *testing.T) {
	t.Parallel()
	script := filepath.Join(filepath.Dir(oauthTScript(t)), "keyopts.mjs")
	env := servertest.Start(t, servertest.Options{MCP: tools.Mount(tools.HTTPConfig{Version: "keyopts-e2e", PseudonymKey: servertest.PseudonymKey})})
	const tenant = "keyopts-sdk"
	env.Licence(t, tenant, "business", "full", false)
	admin := env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleAdmin, Name: "Ada Keyopts", Email: "ada.keyopts@keyopts-sdk.test"})
	learners := []servertest.User{
		env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleLearner, Name: "Wanda Welder", Email: "wanda.welder@keyopts-sdk.test"}),
		env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleLearner, Name: "Otto Operator", Email: "otto.operator@keyopts-sdk.test"}),
	}
	secrets := []string{"Ada Keyopts", "ada.keyopts@", "Wanda", "Welder", "wanda.welder@", "Otto", "otto.operator@"}
	ctx := mcpE2ECtx(t)
	api := mcpE2EAPI(t, env.URL, admin.Token)
	g, err := api.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "Workshop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.LMS.Groups.AddMembers(ctx, g.Id, client.GroupMembersAdd{UserIds: []string{learners[0].ID, learners[1].ID}}); err != nil {
		t.Fatal(err)
	}
	c, err := api.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: "Hot Work Permits"})
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
	due := time.Now().Add(14 * 24 * time.Hour)
	if _, err := api.LMS.Assignments.AssignGroups(ctx, c.Id, nil, client.AssignGroupsRequest{Groups: []string{g.Id}, DueAt: &due}); err != nil {
		t.Fatal(err)
	}
	key := func(in client.APIKeyCreate) string {
		t.Helper()
		k, err := api.LMS.Keys.Create(ctx, in)
		if err != nil {
			t.Fatalf("create key %s: %v", in.Name, err)
		}
		return k.Key
	}
	rw := []client.APIKeyScope{client.APIKeyScopeRead, client.APIKeyScopeWrite}
	readOnly := key(client.APIKeyCreate{Name: "read-only agent", ReadOnly: &[]bool{true}[0]})
	pseudo := key(client.APIKeyCreate{Name: "pseudonymous agent", Scopes: &rw, Pseudonymise: &[]bool{true}[0]})

	var got struct {
		ReadOnly struct {
			Tools         []string
			Write, Export keyoptsCall
			Resource      []struct {
				URI      string `json:"uri"`
				MIMEType string `json:"mimeType"`
				Text     string `json:"text"`
			}
		} `json:"readOnly"`
		Pseudo struct {
			FindUser, ListAssignments, Compliance, Export keyoptsCall
			Templates                                     []string
		} `json:"pseudo"`
	}
	stdout := mcpE2ENode(t, 90*time.Second, nil, &got, script, env.URL+"/mcp", readOnly, pseudo, learners[0].ID, c.Id, g.Id)

	t.Logf("keyopts.mjs: %s", mcpE2EShort(stdout))
	// 1. The read-only key: read tools only; a write refused, nothing changed.
	ro := got.ReadOnly
	if want := mcpE2EWant(tools.Config{}, tools.KindRead); !slices.Equal(ro.Tools, want) {
		t.Errorf("read-only key's tools\n got %v\nwant %v", ro.Tools, want)
	}
	if ro.Write.Threw == "" && !ro.Write.IsError {
		t.Errorf("ban_user with a read-only key was not refused: %+v", ro.Write)
	}
	if s := mcpE2EUserStatus(t, env, tenant, learners[0].ID); s != "active" {
		t.Errorf("after a read-only key's ban_user the learner is %s", s)
	}
	// Its export: a resource_link, read back as every row of the report.
	wantURI := "learnd://exports/compliance/" + c.Id
	if ex := ro.Export; ex.IsError || !slices.Equal(ex.Types, []string{"text", "resource_link"}) || len(ex.Links) != 1 ||
		ex.Links[0].URI != wantURI || ex.Links[0].MIMEType != "text/csv" || ex.Links[0].Size == 0 || !strings.Contains(ex.Text, "export: 2 rows") {
		t.Fatalf("read-only export: %+v", ex)
	}
	if len(ro.Resource) != 1 || ro.Resource[0].URI != wantURI || ro.Resource[0].MIMEType != "text/csv" || len(ro.Resource[0].Text) != ro.Export.Links[0].Size {
		t.Fatalf("the export resource: %+v", ro.Resource)
	}
	recs, err := csv.NewReader(strings.NewReader(ro.Resource[0].Text)).ReadAll()
	if err != nil || len(recs) != 3 || recs[0][0] != "userId" || recs[0][2] != "name" {
		t.Fatalf("the export's CSV (%v): %q", err, ro.Resource[0].Text)
	}
	var ids []string
	for _, r := range recs[1:] {
		ids = append(ids, r[0])
	}
	if !slices.Contains(ids, learners[0].ID) || !slices.Contains(ids, learners[1].ID) {
		t.Errorf("the export's rows are of %v", ids)
	}

	// 2. The pseudonymising key: aliases, in the text and the structured content.
	ps := got.Pseudo
	for name, call := range map[string]keyoptsCall{"find_user": ps.FindUser, "list_assignments": ps.ListAssignments, "get_compliance_status": ps.Compliance} {
		if call.Threw != "" || call.IsError {
			t.Errorf("pseudonymised %s: %+v", name, call)
			continue
		}
		for _, part := range []struct{ what, s string }{{"text", call.Text}, {"structured content", string(call.Structured)}} {
			for _, u := range learners {
				if a := keyoptsAlias(t, tenant, u.ID); !strings.Contains(part.s, a) {
					t.Errorf("pseudonymised %s: the %s lacks %s's alias %q\n%s", name, part.what, u.ID, a, part.s)
				}
			}
			for _, s := range secrets {
				if strings.Contains(part.s, s) {
					t.Errorf("pseudonymised %s: the %s shows %q\n%s", name, part.what, s, part.s)
				}
			}
		}
	}
	if !ps.Export.IsError || !strings.Contains(ps.Export.Text, "pseudonymised") || len(ps.Export.Links) != 0 {
		t.Errorf("a pseudonymising key's export: %+v", ps.Export)
	}
	if slices.ContainsFunc(ps.Templates, func(s string) bool { return strings.HasPrefix(s, "learnd://exports/") }) {
		t.Errorf("a pseudonymising key's session lists %v", ps.Templates)
	}
}

// keyoptsAlias is person's alias name in tenant (the servers' pseudonym key).
func keyoptsAlias(t *testing.T, tenant, person string) string {
	t.Helper()
	u, err := typeid.Parse(typeid.Person, person)
	if err != nil {
		t.Fatal(err)
	}
	return pseudonym.Name(pseudonym.Key(servertest.PseudonymKey).Code(tenant, u))
}
