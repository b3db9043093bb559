package tools

import (
	"encoding/csv"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// The HTTP exports' headers (server/export_reports.go), which the resources must keep.
var (
	wantComplianceHeader = []string{"userId", "assignmentId", "name", "email", "status", "assignedAt", "startAt", "dueAt", "startedAt", "completedAt", "score"}
	wantAuditHeader      = []string{"id", "createdAt", "actorId", "appId", "keyId", "surface", "action", "targetType", "targetId", "before", "after", "requestId"}
)

// exportCall calls tool with export: true and returns its text, its resource link and its
// structured content's export.
func exportCall(t *testing.T, cs *mcp.ClientSession, tool string, args map[string]any) (string, *mcp.ResourceLink, exportLink) {
	t.Helper()
	args["export"] = true
	res := coreCall(t, cs, tool, args)
	if res.IsError || len(res.Content) != 2 {
		t.Fatalf("%s %v: error %v, %d content items: %+v", tool, args, res.IsError, len(res.Content), res.Content)
	}
	text, ok := res.Content[0].(*mcp.TextContent)
	link, ok2 := res.Content[1].(*mcp.ResourceLink)
	if !ok || !ok2 {
		t.Fatalf("%s: content %T, %T; want text, resource_link", tool, res.Content[0], res.Content[1])
	}
	var out struct {
		Export exportLink `json:"export"`
	}
	b, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if m := textMissing(t, res, text.Text); len(m) > 0 {
		t.Errorf("%s: the text lacks %v\n%s", tool, m, text.Text)
	}
	return text.Text, link, out.Export
}

// readCSV reads an export resource and parses it.
func readCSV(t *testing.T, cs *mcp.ClientSession, uri string) ([][]string, int) {
	t.Helper()
	res, err := cs.ReadResource(coreCtx(t), &mcp.ReadResourceParams{URI: uri})
	if err != nil {
		t.Fatalf("read %s: %v", uri, err)
	}
	if len(res.Contents) != 1 || res.Contents[0].MIMEType != "text/csv" || res.Contents[0].URI != uri {
		t.Fatalf("read %s: %+v", uri, res.Contents)
	}
	recs, err := csv.NewReader(strings.NewReader(res.Contents[0].Text)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("read %s: CSV %v: %q", uri, err, clip(res.Contents[0].Text, 500))
	}
	return recs, len(res.Contents[0].Text)
}

// readErr reads uri and returns the error's text (a read that succeeds fails the test).
func readErr(t *testing.T, cs *mcp.ClientSession, uri string) string {
	t.Helper()
	res, err := cs.ReadResource(coreCtx(t), &mcp.ReadResourceParams{URI: uri})
	if err == nil {
		t.Fatalf("read %s: got %d contents, want an error", uri, len(res.Contents))
	}
	return err.Error()
}

func column(recs [][]string, i int) []string {
	var out []string
	for _, r := range recs[1:] {
		out = append(out, r[i])
	}
	slices.Sort(out)
	return out
}

// TestExportResourceLinks: get_compliance_status and get_audit_log with export: true (a
// read-only key at /mcp) answer a resource_link and a text with the row count; reading the
// link gives text/csv with the HTTP export's header and every row (the same rows the paged
// JSON has); a learner, a manager without audit_view and another tenant's admin are
// refused; a pseudonymising key can neither export nor read an export.
func TestExportResourceLinks(t *testing.T) {
	t.Parallel()
	env := pseudoEnv(t)
	f := newReadFix(t, env, "export-link")
	ctx := coreCtx(t)
	api := coreAPI(t, env, f.admin.Token)
	var more []string // more learners in the group, so the export has more rows than a page
	for i := range 4 {
		u := env.User(t, servertest.UserSpec{Tenant: f.tenant, Role: auth.RoleLearner, Name: "Extra Learner " + string(rune('A'+i))})
		more = append(more, u.ID)
	}
	if _, err := api.LMS.Groups.AddMembers(ctx, f.group, client.GroupMembersAdd{UserIds: more}); err != nil {
		t.Fatal(err)
	}
	admin := pseudoConnect(t, env, pseudoKey(t, env, f.admin, client.APIKeyCreate{Name: "read-only exporter", ReadOnly: Ptr(true)}))

	// Compliance: every user row of the course, however it is paged.
	text, link, ex := exportCall(t, admin, "get_compliance_status", map[string]any{"courseId": f.course, "limit": 2})
	wantURI := "learnd://exports/compliance/" + f.course
	if link.URI != wantURI || ex.URI != wantURI || link.MIMEType != "text/csv" || link.Name != "compliance-"+f.course+".csv" || link.Size == nil {
		t.Errorf("compliance link %+v (structured %+v)", link, ex)
	}
	if ex.Rows != 6 || !strings.Contains(text, "export: 6 rows") || !strings.Contains(text, "6 assigned") {
		t.Errorf("compliance export: %d rows; text %q", ex.Rows, text)
	}
	recs, size := readCSV(t, admin, link.URI)
	if !slices.Equal(recs[0], wantComplianceHeader) {
		t.Errorf("compliance header %v", recs[0])
	}
	want := append([]string{f.sarah.ID, f.sam.ID}, more...)
	slices.Sort(want)
	if got := column(recs, 0); !slices.Equal(got, want) || int64(size) != *link.Size {
		t.Errorf("compliance rows %v (%d bytes, link %d), want %v", got, size, *link.Size, want)
	}
	if r := slices.IndexFunc(recs, func(r []string) bool { return r[0] == f.sarah.ID }); r < 0 || recs[r][2] != "Sarah Connor" || recs[r][3] != "sarah.connor@export-link.test" {
		t.Errorf("sarah's row: %v", recs[max(r, 0)])
	}
	// A filter travels in the URI: nobody is overdue, so the export is its header.
	_, overdue, ex := exportCall(t, admin, "get_compliance_status", map[string]any{"courseId": f.course, "status": "overdue"})
	if overdue.URI != wantURI+"?status=overdue" || ex.Rows != 0 {
		t.Errorf("overdue export %+v, %+v", overdue, ex)
	}
	if recs, _ := readCSV(t, admin, overdue.URI); len(recs) != 1 {
		t.Errorf("overdue export: %d records, want the header only", len(recs))
	}

	// Audit: every entry from yesterday to tomorrow (the whole of this fresh tenant's, even
	// across midnight), the same ones the paged JSON lists.
	from, to := time.Now().UTC().AddDate(0, 0, -1).Format(time.DateOnly), time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	text, link, ex = exportCall(t, admin, "get_audit_log", map[string]any{"from": from, "to": to, "limit": 1})
	recs, _ = readCSV(t, admin, link.URI)
	var ids []string
	for off := 0; ; {
		page, err := api.LMS.Audit.List(ctx, &client.GetAuditLogParams{FieldsCreatedAtFrom: &from, FieldsCreatedAtTo: &to, Limit: Ptr(2), Offset: &off})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Data {
			ids = append(ids, e.Id)
		}
		if off += len(page.Data); !page.HasMore {
			break
		}
	}
	slices.Sort(ids)
	if !slices.Equal(recs[0], wantAuditHeader) || !slices.Equal(column(recs, 0), ids) || len(ids) < 10 {
		t.Errorf("audit export: header %v, ids %v, want %v", recs[0], column(recs, 0), ids)
	}
	if link.URI != "learnd://exports/audit?from="+from+"&to="+to || ex.Rows != len(ids) ||
		!strings.Contains(text, "Audit log export: "+strconv.Itoa(len(ids))+" matching entries") {
		t.Errorf("audit link %+v, %d rows (want %d); text %q", link, ex.Rows, len(ids), text)
	}

	if msg := readErr(t, admin, "learnd://exports/audit?from=yesterday"); !strings.Contains(msg, "from must be an ISO date-time") {
		t.Errorf("an export URI with a bad date: %s", msg)
	}

	// Refusals: the API's permissions and tenant scope.
	sarah := pseudoConnect(t, env, pseudoKey(t, env, f.sarah, client.APIKeyCreate{Name: "learner"}))
	if msg := readErr(t, sarah, wantURI); !strings.Contains(msg, MsgPermissionDenied) {
		t.Errorf("a learner reads the compliance export: %s", msg)
	}
	manager := pseudoConnect(t, env, pseudoKey(t, env, f.manager, client.APIKeyCreate{Name: "manager"}))
	if msg := readErr(t, manager, "learnd://exports/audit"); !strings.Contains(msg, MsgPermissionDenied) {
		t.Errorf("a manager reads the audit export: %s", msg)
	}
	env.Licence(t, "export-other", auth.TierBusiness, auth.MCPFull, false)
	stranger := env.User(t, servertest.UserSpec{Tenant: "export-other", Role: auth.RoleAdmin})
	other := pseudoConnect(t, env, pseudoKey(t, env, stranger, client.APIKeyCreate{Name: "stranger"}))
	if msg := readErr(t, other, wantURI); !strings.Contains(msg, "not found") {
		t.Errorf("another tenant's admin reads the compliance export: %s", msg)
	}
	if msg := coreErr(t, other, "get_compliance_status", map[string]any{"courseId": f.course, "export": true}); msg != MsgNotFound {
		t.Errorf("another tenant's admin exports the compliance report: %s", msg)
	}
	theirs, _ := readCSV(t, other, "learnd://exports/audit?from="+from)
	for _, r := range theirs[1:] {
		if slices.Contains(ids, r[0]) {
			t.Errorf("another tenant's audit export has entry %s", r[0])
		}
	}

	// A pseudonymising key: no export at all, rather than names in a CSV.
	pseudo := pseudoConnect(t, env, pseudoKey(t, env, f.admin, client.APIKeyCreate{Name: "pseudonymous", Pseudonymise: Ptr(true)}))
	for tool, args := range map[string]map[string]any{"get_compliance_status": {"courseId": f.course, "export": true}, "get_audit_log": {"export": true}} {
		if msg := coreErr(t, pseudo, tool, args); !strings.Contains(msg, "not available to a pseudonymised key") {
			t.Errorf("pseudonymised %s export: %s", tool, msg)
		}
	}
	if msg := readErr(t, pseudo, wantURI); strings.Contains(msg, "Sarah") || !strings.Contains(strings.ToLower(msg), "not found") {
		t.Errorf("pseudonymised read of the export: %s", msg)
	}
	tl, err := pseudo.ListResourceTemplates(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range tl.ResourceTemplates {
		if strings.HasPrefix(rt.URITemplate, "learnd://exports/") {
			t.Errorf("a pseudonymised session lists %s", rt.URITemplate)
		}
	}
}

// TestExportBudget: an export larger than the budget of one resources/read is refused,
// by the tool and by the read, with the API request that downloads it — at /mcp (the
// in-process API stops the stream at the budget) and over the network (learnd mcp).
func TestExportBudget(t *testing.T) {
	t.Parallel()
	const budget = 700
	env := servertest.Start(t, servertest.Options{MCP: Mount(HTTPConfig{Version: "test", exportBudget: budget})})
	f := newReadFix(t, env, "export-budget")
	key := pseudoKey(t, env, f.admin, client.APIKeyCreate{Name: "exporter"})
	sessions := map[string]*mcp.ClientSession{
		"/mcp":    pseudoConnect(t, env, key),
		"network": coreSession(t, Config{APIURL: env.URL, Key: key, exportBudget: budget}),
	}
	for name, cs := range sessions {
		msg := coreErr(t, cs, "get_audit_log", map[string]any{"export": true, "from": "2020-01-01"})
		if !strings.Contains(msg, "larger than 700 bytes") || !strings.Contains(msg, "/api/v2/audit?fields%5BcreatedAt%5D%5Bfrom%5D=2020-01-01&format=csv") {
			t.Errorf("%s: audit export over the budget: %s", name, msg)
		}
		if msg := readErr(t, cs, "learnd://exports/audit"); !strings.Contains(msg, "larger than 700 bytes") {
			t.Errorf("%s: read of an audit export over the budget: %s", name, msg)
		}
		// Under the budget it still works: the compliance report of two learners.
		if _, _, ex := exportCall(t, cs, "get_compliance_status", map[string]any{"courseId": f.course}); ex.Rows != 2 || ex.Size > budget {
			t.Errorf("%s: compliance export %+v", name, ex)
		}
	}
	if msg := coreErr(t, sessions["network"], "get_audit_log", map[string]any{"export": true}); !strings.Contains(msg, "GET "+env.URL+"/api/v2/audit?format=csv") {
		t.Errorf("network: the download's URL: %s", msg)
	}
}
