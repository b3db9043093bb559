package tools

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

func TestReadErrors(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-err")
	other := newReadFix(t, env, "read-err-other")
	rec := &headerRecorder{}
	key := coreKey(t, env, f.admin, client.APIKeyScopeRead)
	admin := coreSession(t, Config{APIURL: env.URL, Key: key, HTTPClient: &http.Client{Transport: rec}})
	learner := f.session(t, f.sarah).ClientSession
	unknownUser, _ := typeid.New(typeid.Person)

	// A learner's session does not list the tools of permissions a learner lacks.
	for _, name := range []string{"find_user", "get_audit_log"} {
		if _, ok := coreTools(t, learner)[name]; ok {
			t.Errorf("a learner's session lists %s", name)
		}
	}

	// API errors, mapped to the seed's strings.
	api := []struct {
		name string
		cs   any
		tool string
		args map[string]any
		want string
	}{
		{"403 learner lists a group", learner, "list_assignments", map[string]any{"groupId": f.group}, MsgPermissionDenied},
		{"404 unknown user", admin, "get_user", map[string]any{"userId": unknownUser}, MsgNotFound},
		{"404 user of another tenant", admin, "get_user", map[string]any{"userId": other.sarah.ID}, MsgNotFound},
		{"404 course of another tenant", admin, "get_course", map[string]any{"courseId": other.course}, MsgNotFound},
		{"404 compliance of another tenant's course", admin, "get_compliance_status", map[string]any{"courseId": other.course}, MsgNotFound},
		{"400 bad page token", admin, "find_user", map[string]any{"query": "a", "pageToken": "garbage"}, "Invalid arguments: "},
	}
	for _, tc := range api {
		cs := admin
		if tc.cs == learner {
			cs = learner
		}
		got := coreErr(t, cs, tc.tool, tc.args)
		if tc.want == "Invalid arguments: " {
			if !strings.HasPrefix(got, tc.want) || len(got) <= len(tc.want) {
				t.Errorf("%s: %q, want %q + the API's detail", tc.name, got, tc.want)
			}
		} else if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}

	// Bad input: refused before any API call.
	invalid := []struct {
		name string
		tool string
		args map[string]any
		want string
	}{
		{"both ids", "list_assignments", map[string]any{"userId": f.sarah.ID, "groupId": f.group}, "Invalid arguments: pass exactly one of userId or groupId"},
		{"neither id", "list_assignments", map[string]any{}, "Invalid arguments: pass exactly one of userId or groupId"},
		{"empty ids", "list_assignments", map[string]any{"userId": "", "groupId": ""}, "Invalid arguments: pass exactly one of userId or groupId"},
		{"missing required", "get_user", map[string]any{}, "Invalid arguments: missing required argument userId"},
		{"null required", "get_course", map[string]any{"courseId": nil}, "Invalid arguments: missing required argument courseId"},
		{"wrong id kind", "get_user", map[string]any{"userId": f.group}, "Invalid arguments: userId must be a per_… id (got \"" + f.group + "\")"},
		{"numeric id", "get_course", map[string]any{"courseId": "17"}, "Invalid arguments: courseId must be a crs_… id (got \"17\")"},
		{"limit too big", "find_user", map[string]any{"query": "a", "limit": 51}, "Invalid arguments: limit must be between 1 and 50 (got 51)"},
		{"limit zero", "find_course", map[string]any{"query": "a", "limit": 0}, "Invalid arguments: limit must be between 1 and 50 (got 0)"},
		{"leaderboard limit", "get_leaderboard", map[string]any{"limit": 51}, "Invalid arguments: limit must be between 1 and 50 (got 51)"},
		{"audit limit", "get_audit_log", map[string]any{"limit": 251}, "Invalid arguments: limit must be between 1 and 250 (got 251)"},
		{"limit type", "find_user", map[string]any{"query": "a", "limit": "ten"}, "Invalid arguments: limit must be an integer (got \"ten\")"},
		{"unknown argument", "find_user", map[string]any{"query": "a", "email": "x"}, "Invalid arguments: unknown argument email (expected: limit, pageToken, query)"},
		{"arguments to a tool without required ones", "list_my_assignments", map[string]any{"userId": f.sam.ID}, "Invalid arguments: unknown argument userId"},
		{"scope", "get_statistics", map[string]any{"scope": "weekly"}, "Invalid arguments: scope must be one of overview, publishing, courseCreation, activity, insights, tags (got \"weekly\")"},
		{"audit date", "get_audit_log", map[string]any{"from": "last tuesday"}, "Invalid arguments: from must be an ISO date-time (2026-03-01T09:00:00Z) or a date YYYY-MM-DD (got \"last tuesday\")"},
		{"statistics date", "get_statistics", map[string]any{"scope": "overview", "to": "2026-13-01"}, "Invalid arguments: to must be an ISO date-time"},
		{"audit author", "get_audit_log", map[string]any{"author": "ada@example.test"}, "Invalid arguments: author must be a per_… id"},
		{"negative offset", "get_audit_log", map[string]any{"offset": -1}, "Invalid arguments: offset must be between 0 and 1000000 (got -1)"},
		{"expiringWithin", "list_certificates", map[string]any{"userId": f.sarah.ID, "expiringWithin": 0}, "Invalid arguments: expiringWithin must be between 1 and 3650 (got 0)"},
		{"recertification window", "get_recertification_due", map[string]any{"withinDays": 3651}, "Invalid arguments: withinDays must be between 1 and 3650 (got 3651)"},
		{"fractional limit", "find_user", map[string]any{"query": "a", "limit": 2.5}, "Invalid arguments: limit must be an integer (got 2.5)"},
		{"query type", "find_user", map[string]any{"query": 42}, "Invalid arguments: query must be a string (got 42)"},
		{"long query", "find_user", map[string]any{"query": strings.Repeat("a", 201)}, "Invalid arguments: query must be at most 200 characters (got 201)"},
		{"status", "list_assignments", map[string]any{"userId": f.sarah.ID, "status": "done"}, "Invalid arguments: status must be one of scheduled, assigned, in_progress, completed, overdue (got \"done\")"},
	}
	for _, tc := range invalid {
		before := len(rec.all())
		got := coreErr(t, admin, tc.tool, tc.args)
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if n := len(rec.all()) - before; n != 0 {
			t.Errorf("%s: %d API calls, want none", tc.name, n)
		}
	}
	// A null optional argument is an absent one.
	var l assignmentList
	coreOK(t, admin, "list_assignments", map[string]any{"userId": f.sam.ID, "groupId": nil, "status": nil}, &l)
	if len(l.Assignments) != 1 {
		t.Errorf("sam's assignments = %+v", l)
	}
}

func TestReadRateLimit(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	const tenant = "read-429"
	env.Licence(t, tenant, auth.TierStarter, auth.MCPRead, false) // 20 requests per key per minute
	u := env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleAdmin})
	key := coreKey(t, env, u)
	cs := coreSession(t, Config{APIURL: env.URL, Key: key, retries: Ptr(0)})
	direct := keyAPI(t, env, key)
	// Use up the minute's allowance with the same key, then call a tool; a slow machine may
	// refill a token in between (one every 3 s), so drain and call again then.
	var got string
	for attempt := 0; attempt < 5 && got == ""; attempt++ {
		limited := false
		for range 40 {
			if _, err := direct.LMS.Me.Get(coreCtx(t)); err != nil {
				if !strings.Contains(err.Error(), "429") {
					t.Fatalf("draining: %v", err)
				}
				limited = true
				break
			}
		}
		if !limited {
			t.Fatal("the starter key was never rate limited")
		}
		if res := coreCall(t, cs, "get_user", map[string]any{"userId": u.ID}); res.IsError {
			got = coreText(t, res)
		}
	}
	m := regexp.MustCompile(`^Rate limit exceeded\. Slow down and retry\. Retry after (\d+) seconds\.$`).FindStringSubmatch(got)
	if m == nil {
		t.Fatalf("429 text = %q", got)
	}
	if n, _ := strconv.Atoi(m[1]); n < 1 || n > 60 {
		t.Errorf("retry after %d seconds", n)
	}
}

// failAfter is a transport that fails every request after the first n.
type failAfter struct {
	n    int
	seen int
}

func (f *failAfter) RoundTrip(req *http.Request) (*http.Response, error) {
	f.seen++
	if f.seen > f.n {
		return nil, errors.New("connection reset by peer")
	}
	return http.DefaultTransport.RoundTrip(req)
}

func TestReadNetworkError(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-net")
	key := coreKey(t, env, f.admin)
	cs := coreSession(t, Config{APIURL: env.URL, Key: key, HTTPClient: &http.Client{Transport: &failAfter{n: 1}}})
	got := coreErr(t, cs, "get_user", map[string]any{"userId": f.sam.ID})
	if !strings.HasPrefix(got, "Error: ") || !strings.Contains(got, "connection reset by peer") {
		t.Errorf("network error text = %q", got)
	}
}
