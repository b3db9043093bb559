package server

// The gate of every AI authoring endpoint (issue 4): course generation, refinement,
// regeneration and source-material uploads (which pass the gate but take no quota).
//
//	if err := aiGate(ctx, true); err != nil { return nil, err }   // licence, course_edit, scope
//	…validate the request, find what it names (400/404/422)…
//	if err := s.aiQuota(ctx); err != nil { return nil, err }      // 429 with Retry-After
//	…do the work…
//
// The quota is taken last, after every check that can refuse the call, so a refused call
// never counts (the store refuses a call over the quota without counting it either).

import (
	"context"
	"strconv"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store/materials"
)

// aiQuota is the daily AI quota the endpoints enforce.
var aiQuota = materials.DefaultAIQuota

// aiGate admits a call to an AI authoring endpoint: the tenant's licence must include AI
// authoring (mcpAccess full and mcpAiAccess: Business and Enterprise), and the caller needs
// course_edit and, for writes, the write scope (reads the read scope); an OAuth access
// token also the ai scope. It answers 403 saying what is missing.
func aiGate(ctx context.Context, write bool) error {
	p, _ := auth.FromContext(ctx)
	l := p.Licence
	if l.MCPAccess != auth.MCPFull || !l.MCPAIAccess {
		return fail(withCode(newProblem(ctx, kindForbidden, "AI course authoring is not included in this tenant's licence: it needs mcpAccess \"full\" and mcpAiAccess (Business or Enterprise); this tenant has mcpAccess \""+
			l.MCPAccess+"\" and mcpAiAccess "+strconv.FormatBool(l.MCPAIAccess)), "ai_not_licensed"))
	}
	if p.ClientID != "" && !p.HasScope(auth.ScopeAI) { // an OAuth grant (MCP) names AI authoring itself
		return fail(withCode(newProblem(ctx, kindForbidden, "this access token was not granted the ai scope; connect again and allow AI course authoring"), "ai_scope_missing"))
	}
	return needPerm(ctx, auth.PermCourseEdit, write)
}

// aiQuota counts one call of the caller against the daily AI quota. When the key's or the
// tenant's allowance is used up, the store refuses it (nothing is counted then) with a
// *materials.QuotaExceededError, answered 429 saying which allowance and when it renews.
func (s *Server) aiQuota(ctx context.Context) error {
	return s.materials.TakeAIQuota(ctx, aiQuota)
}
