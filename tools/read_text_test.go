package tools

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/server/servertest"
)

// textMissing lists the values of a result's structured content its text does not carry:
// every string and number leaf (numbers as written, or with one decimal), and the keys of
// the objects under before/after (an audit entry's changed fields).
func textMissing(t *testing.T, res *mcp.CallToolResult, text string) []string {
	t.Helper()
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var missing []string
	var walk func(path string, v any, keys bool)
	walk = func(path string, v any, keys bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if keys && !strings.Contains(text, k+":") {
					missing = append(missing, path+"."+k+" (field name)")
				}
				walk(path+"."+k, e, k == "before" || k == "after")
			}
		case []any:
			for i, e := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), e, false)
			}
		case string:
			if v != "" && !strings.Contains(text, v) {
				missing = append(missing, fmt.Sprintf("%s=%q", path, v))
			}
		case float64:
			if !strings.Contains(text, strconv.FormatFloat(v, 'f', -1, 64)) && !strings.Contains(text, fmt.Sprintf("%.1f", v)) {
				missing = append(missing, fmt.Sprintf("%s=%v", path, v))
			}
		}
	}
	walk("$", v, false)
	return missing
}

// TestReadTextComplete: the text of every read tool carries every value of its
// structured content (clients that pass only the text to the model lose nothing).
func TestReadTextComplete(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-text")
	admin := f.session(t, f.admin).ClientSession
	sarah := f.session(t, f.sarah).ClientSession
	today := time.Now().UTC().Format(time.DateOnly)
	cases := []struct {
		name string
		cs   *mcp.ClientSession
		tool string
		args map[string]any
	}{
		{"find_user", admin, "find_user", map[string]any{"query": "", "limit": 2}},
		{"get_user", admin, "get_user", map[string]any{"userId": f.sarah.ID}},
		{"find_course", admin, "find_course", map[string]any{"query": ""}},
		{"get_course", admin, "get_course", map[string]any{"courseId": f.course}},
		{"list_assignments", admin, "list_assignments", map[string]any{"groupId": f.group, "limit": 1}},
		{"list_my_assignments", sarah, "list_my_assignments", nil},
		{"get_compliance_status", admin, "get_compliance_status", map[string]any{"courseId": f.course, "limit": 1}},
		{"list_certificates", admin, "list_certificates", map[string]any{"userId": f.sarah.ID}},
		{"get_leaderboard", admin, "get_leaderboard", nil},
		{"get_recertification_due", admin, "get_recertification_due", map[string]any{"withinDays": 400}},
		{"get_audit_log", admin, "get_audit_log", map[string]any{"limit": 5}},
		{"get_audit_log changes", admin, "get_audit_log", map[string]any{"from": today, "to": today, "limit": 250, "includeChanges": true}},
		{"statistics overview", admin, "get_statistics", map[string]any{"scope": "overview"}},
		{"statistics publishing", admin, "get_statistics", map[string]any{"scope": "publishing"}},
		{"statistics courseCreation", admin, "get_statistics", map[string]any{"scope": "courseCreation"}},
		{"statistics activity", admin, "get_statistics", map[string]any{"scope": "activity"}},
		{"statistics insights", admin, "get_statistics", map[string]any{"scope": "insights"}},
		{"statistics tags", admin, "get_statistics", map[string]any{"scope": "tags"}},
	}
	for _, tc := range cases {
		res := coreCall(t, tc.cs, tc.tool, tc.args)
		text := coreText(t, res)
		if res.IsError {
			t.Errorf("%s: tool error %q", tc.name, text)
			continue
		}
		if m := textMissing(t, res, text); len(m) > 0 {
			t.Errorf("%s: the text lacks %d values, e.g. %v\n%s", tc.name, len(m), m[:min(len(m), 8)], clip(text, 3000))
		}
	}
}

// TestReadTextMore: a paged result ends with one "more: pageToken=…" (or offset=…) line
// that, passed back, reads the next page.
func TestReadTextMore(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-more")
	cs := f.session(t, f.admin).ClientSession
	var p1 userList
	text := coreOK(t, cs, "find_user", map[string]any{"query": "", "limit": 2}, &p1)
	want := "\nmore: pageToken=" + *p1.NextPageToken
	if !strings.HasSuffix(text, want) {
		t.Errorf("find_user page 1 text ends %q, want %q", text[max(0, len(text)-80):], want)
	}
	var a auditOut
	text = coreOK(t, cs, "get_audit_log", map[string]any{"limit": 2}, &a)
	if !strings.HasSuffix(text, "\nmore: offset=2") {
		t.Errorf("audit page 1 text = %q", text)
	}
	var last auditOut
	text = coreOK(t, cs, "get_audit_log", map[string]any{"offset": a.Total - 1}, &last)
	if strings.Contains(text, "more:") || last.NextOffset != nil {
		t.Errorf("audit last page text = %q", text)
	}
}
