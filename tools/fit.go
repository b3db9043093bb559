package tools

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
)

// needs is the permission each tool's endpoints check (seed 003; server's needPerm): a
// caller whose role grants none of a tool's permissions does not see it. Tools absent
// here act on the caller's own records too (their own user, assignments, certificates,
// the courses assigned to them), so every role may call them; TestEveryToolHasAPermission
// keeps this table complete.
var needs = map[string][]client.Permission{
	"find_user":                    {client.PermissionUserView},
	"get_user":                     nil, // the caller's own user: any role
	"find_course":                  {client.PermissionCourseView},
	"get_course":                   nil, // the courses assigned to the caller: any role
	"list_assignments":             nil, // the caller's own: any role; others: user_assign
	"list_my_assignments":          nil,
	"get_compliance_status":        {client.PermissionCommonStat},
	"list_certificates":            nil, // the caller's own: any role; others: user_view
	"get_statistics":               {client.PermissionCommonStat},
	"get_leaderboard":              {client.PermissionCommonStat},
	"get_audit_log":                {client.PermissionAuditView},
	"get_recertification_due":      {client.PermissionCommonStat},
	"assign_training":              {client.PermissionUserAssign},
	"bulk_assign":                  {client.PermissionGroupAssign},
	"assign_chain":                 {client.PermissionUserAssign},
	"extend_deadline":              {client.PermissionUserAssign},
	"send_reminder":                {client.PermissionUserAssign},
	"ban_user":                     {client.PermissionUserBan},
	"list_enrolment_rules":         {client.PermissionUserEdit},
	"create_enrolment_rule":        {client.PermissionUserEdit},
	"unban_user":                   {client.PermissionUserBan},
	"change_user_email":            {client.PermissionUserEdit},
	"clone_course":                 {client.PermissionCourseEdit},
	"upload_source_material":       {client.PermissionCourseEdit},
	"create_course_from_prompt":    {client.PermissionCourseEdit},
	"create_course_from_files":     {client.PermissionCourseEdit},
	"get_course_generation_status": {client.PermissionCourseEdit},
	"refine_course":                {client.PermissionCourseEdit},
	"regenerate_question":          {client.PermissionCourseEdit},
	"regenerate_lesson":            {client.PermissionCourseEdit},
}

// permitted reports whether the caller's role grants a permission tool name needs.
func permitted(name string, me *client.Me) bool {
	perms, ok := needs[name]
	if !ok || len(perms) == 0 {
		return true
	}
	for _, p := range perms {
		if slices.Contains(me.Permissions, p) {
			return true
		}
	}
	return false
}

// fits reports whether the caller (as GET /api/v2/me describes it) may see tool e of a
// server configured with cfg: its licence and scopes (Allowed), its grant (granted) and
// its role's permissions (permitted).
func fits(e entry, me *client.Me, cfg Config) bool {
	return me != nil && Allowed(KindRead, me) && Allowed(e.kind, me) && granted(e.kind, cfg) && permitted(e.name, me)
}

// fitter keeps one MCP server's tool list fitted to its caller: refit asks the API who
// the caller is now and adds or removes tools, which makes the SDK send
// notifications/tools/list_changed to the server's sessions. A caller the API refuses
// (banned, key revoked, licence without MCP) keeps no tools.
type fitter struct {
	srv     *mcp.Server
	env     *Env
	entries []entry // the tools enabled for the configuration, one per name
	tenant  string
	created time.Time

	refitting sync.Mutex // one refit at a time, so an older answer never lands last

	mu       sync.Mutex
	listed   map[string]bool
	token    string // an OAuth session's newest access token (refit's credential)
	refusing bool   // the API refused the caller at the last refit
}

// apply lists exactly the tools me may call (none when me is nil) and reports whether
// the list changed.
func (f *fitter) apply(me *client.Me) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	var remove []string
	added := false
	for _, e := range f.entries {
		want := fits(e, me, f.env.Config)
		switch {
		case want && !f.listed[e.name]:
			e.add(f.srv, f.env)
			f.listed[e.name] = true
			added = true
		case !want && f.listed[e.name]:
			remove = append(remove, e.name)
			delete(f.listed, e.name)
		}
	}
	if len(remove) > 0 {
		f.srv.RemoveTools(remove...)
	}
	return added || len(remove) > 0
}

// refitTimeout bounds one refit's call to GET /api/v2/me.
const refitTimeout = 10 * time.Second

// refit asks the API who the caller is and fits the tool list to the answer. An error
// other than a refusal (the API unreachable) leaves the list as it is.
func (f *fitter) refit(ctx context.Context) error {
	f.refitting.Lock()
	defer f.refitting.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refitTimeout)
	defer cancel()
	f.mu.Lock()
	if f.token != "" {
		ctx = withCredential(ctx, f.token)
	}
	f.mu.Unlock()
	me, err := f.env.API.LMS.Me.Get(ctx)
	switch sdk.StatusCode(err) {
	case 0:
	case http.StatusUnauthorized, http.StatusForbidden:
		me = nil
	default:
		return err
	}
	f.mu.Lock()
	f.refusing = me == nil
	f.mu.Unlock()
	f.apply(me)
	return nil
}

// touch records an OAuth session's newest access token; a session whose caller was
// refused with an older (perhaps expired) token is refitted with it.
func (f *fitter) touch(token string) {
	f.mu.Lock()
	again := f.refusing && f.token != token
	f.token = token
	f.mu.Unlock()
	if again {
		go func() { _ = f.refit(context.Background()) }()
	}
}

// live reports whether the server still has a session, or was built only just now (its
// session is being set up). A stateless request's server lives as long as its request
// (a subscriptions/listen stream: as long as the client listens).
func (f *fitter) live(now time.Time) bool {
	for range f.srv.Sessions() {
		return true
	}
	return now.Sub(f.created) < setupGrace
}

// setupGrace is how long a server without a session is kept for the session being set up.
const setupGrace = 10 * time.Second

// refusedByAPI reports whether err is the API refusing the caller or the licence
// refusing the call: the tool list may no longer fit, so it is refitted.
func refusedByAPI(err error) bool {
	switch sdk.StatusCode(err) {
	case http.StatusUnauthorized:
		return true
	case http.StatusForbidden:
		return licenceRefusal(err) != ""
	}
	return false
}

// Allowed reports whether a caller (as GET /api/v2/me describes it) may see and call
// tools of kind k: read tools with mcpAccess read or full; write tools with full and the
// write scope; AI tools with full, mcpAiAccess and the write scope. A server also hides
// the tools the caller's role may not call (see needs).
func Allowed(k Kind, me *client.Me) bool {
	access := me.Licence.McpAccess
	write := slices.Contains(me.Scopes, client.GrantedScopeWrite)
	switch k {
	case KindRead:
		return access == client.TenantLicenceMcpAccessRead || access == client.TenantLicenceMcpAccessFull
	case KindWrite:
		return access == client.TenantLicenceMcpAccessFull && write
	case KindAI:
		return access == client.TenantLicenceMcpAccessFull && write && me.Licence.McpAiAccess
	}
	return false
}

// granted reports whether an OAuth session's grant covers tools of kind k: AI tools need
// the ai scope (the API refuses them without it too). Sessions of API keys: always.
func granted(k Kind, cfg Config) bool {
	return cfg.Grant == nil || k != KindAI || slices.Contains(cfg.Grant, auth.ScopeAI)
}
