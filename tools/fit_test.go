package tools

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
)

// TestFitEveryToolHasAPermission keeps needs complete: every registered tool has an entry
// (nil: any role) naming real permissions, and no entry names a tool that does not exist.
func TestFitEveryToolHasAPermission(t *testing.T) {
	t.Parallel()
	registered := map[string]bool{}
	for _, cfg := range []Config{{}, {LocalFiles: true}} {
		for _, k := range []Kind{KindRead, KindWrite, KindAI} {
			for _, n := range Names(k, cfg) {
				registered[n] = true
			}
		}
	}
	for n := range registered {
		if _, ok := needs[n]; !ok {
			t.Errorf("tool %s has no entry in needs (which permission does its endpoint check?)", n)
		}
	}
	for n, perms := range needs {
		if !registered[n] {
			t.Errorf("needs names %s, which is not a registered tool", n)
		}
		for _, p := range perms {
			if !slices.Contains(auth.Permissions, auth.Permission(p)) {
				t.Errorf("%s needs %q, which is not a permission", n, p)
			}
		}
	}
}

// TestFitPermittedPerRole: what each role's permissions (auth) admit.
func TestFitPermittedPerRole(t *testing.T) {
	t.Parallel()
	me := func(r auth.Role) *client.Me {
		m := &client.Me{Role: client.UserRole(r)}
		for _, p := range auth.Permissions {
			if r.Can(p) {
				m.Permissions = append(m.Permissions, client.Permission(p))
			}
		}
		return m
	}
	cases := []struct {
		role   auth.Role
		tool   string
		permit bool
	}{
		{auth.RoleLearner, "list_my_assignments", true},
		{auth.RoleLearner, "get_course", true},
		{auth.RoleLearner, "list_certificates", true},
		{auth.RoleLearner, "find_user", false},
		{auth.RoleLearner, "get_audit_log", false},
		{auth.RoleLearner, "assign_training", false},
		{auth.RoleLearner, "create_course_from_prompt", false},
		{auth.RoleManager, "find_user", true},
		{auth.RoleManager, "bulk_assign", true},
		{auth.RoleManager, "refine_course", true},
		{auth.RoleManager, "ban_user", false},
		{auth.RoleManager, "change_user_email", false},
		{auth.RoleManager, "get_audit_log", false},
		{auth.RoleManager, "get_recertification_due", true},
		{auth.RoleLearner, "get_recertification_due", false},
		{auth.RoleAdmin, "ban_user", true},
		{auth.RoleAdmin, "get_audit_log", true},
		{auth.RoleOwner, "change_user_email", true},
	}
	for _, c := range cases {
		if got := permitted(c.tool, me(c.role)); got != c.permit {
			t.Errorf("%s %s: permitted %t, want %t", c.role, c.tool, got, c.permit)
		}
	}
}

// TestFitLicenceRefusalText: a call the licence refuses says so; one the role refuses
// keeps the seed's string; both refit the session, a 404 does not.
func TestFitLicenceRefusalText(t *testing.T) {
	t.Parallel()
	problem := func(status int, code, detail string) *sdk.Error {
		p := &client.Problem{Status: status, Title: http.StatusText(status), Detail: &detail}
		if code != "" {
			p.Code = &code
		}
		return &sdk.Error{StatusCode: status, Problem: p, Header: http.Header{}}
	}
	cases := []struct {
		name  string
		err   error
		want  string
		refit bool
	}{
		{"read-only licence", problem(403, "mcp_read_only", "your licence gives MCP read access only (mcpAccess: read)"),
			MsgNotLicensed + "your licence gives MCP read access only (mcpAccess: read)", true},
		{"AI not licensed", problem(403, "ai_not_licensed", "AI course authoring is not included"), MsgNotLicensed + "AI course authoring is not included", true},
		{"role", problem(403, "forbidden", "this action needs the user_ban permission"), MsgPermissionDenied, false},
		{"no code", problem(403, "", "no"), MsgPermissionDenied, false},
		{"ai scope (the grant, not the licence)", problem(403, "ai_scope_missing", "not granted the ai scope"), MsgPermissionDenied, false},
		{"banned", problem(401, "unauthorized", "this user is banned"), "this user is banned", true},
		{"not found", problem(404, "not_found", "user per_x not found"), MsgNotFound, false},
	}
	for _, c := range cases {
		if got := ErrorText(c.err); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		if got := refusedByAPI(c.err); got != c.refit {
			t.Errorf("%s: refit %t, want %t", c.name, got, c.refit)
		}
	}
}

func TestFitOrigin(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, origin, host, fwdHost string
		allowed                     []string
		ok                          bool
	}{
		{"no Origin (not a browser)", "", "learnd.example", "", nil, true},
		{"same host", "https://learnd.example", "learnd.example", "", nil, true},
		{"other host", "https://evil.example", "learnd.example", "", nil, false},
		{"behind a proxy", "https://learnd.example", "127.0.0.1:8080", "learnd.example", nil, true},
		{"listed", "https://app.example", "learnd.example", "", []string{"https://app.example/"}, true},
		{"list given: own host no longer implied", "https://learnd.example", "learnd.example", "", []string{"https://app.example"}, false},
		{"any", "https://evil.example", "learnd.example", "", []string{"*"}, true},
		{"null origin", "null", "learnd.example", "", nil, false},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPost, "http://"+c.host+"/mcp", nil)
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		if c.fwdHost != "" {
			r.Header.Set("X-Forwarded-Host", c.fwdHost)
		}
		if got := originAllowed(r, c.allowed); got != c.ok {
			t.Errorf("%s: allowed %t, want %t", c.name, got, c.ok)
		}
	}
}
