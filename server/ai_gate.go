package server

// The gate of every AI authoring endpoint (issue 4): course generation, refinement,
// regeneration and source-material uploads (which pass the gate but take no quota).
//
//	if p := aiGate(ctx, true); p != nil { … 403 … }            // licence, course_edit, scope
//	…validate the request, find what it names (400/404/422)…
//	if p, secs, err := s.aiQuota(ctx); err != nil { … } else if p != nil { … 429: aiTooMany(p, secs) … }
//	…do the work…
//
// The quota is taken last, after every check that can refuse the call, so a refused call
// never counts (the store refuses a call over the quota without counting it either).

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/materials"
)

// aiQuota is the daily AI quota the endpoints enforce.
var aiQuota = materials.DefaultAIQuota

// aiGate admits a call to an AI authoring endpoint: the tenant's licence must include AI
// authoring (mcpAccess full and mcpAiAccess: Business and Enterprise), and the caller needs
// course_edit and, for writes, the write scope (reads the read scope). It answers 403
// saying what is missing, or nil.
func aiGate(ctx context.Context, write bool) *api.Problem {
	p, _ := auth.FromContext(ctx)
	l := p.Licence
	if l.MCPAccess != auth.MCPFull || !l.MCPAIAccess {
		pr := withCode(newProblem(ctx, kindForbidden, "AI course authoring is not included in this tenant's licence: it needs mcpAccess \"full\" and mcpAiAccess (Business or Enterprise); this tenant has mcpAccess \""+
			l.MCPAccess+"\" and mcpAiAccess "+strconv.FormatBool(l.MCPAIAccess)), "ai_not_licensed")
		return &pr
	}
	return needPerm(ctx, auth.PermCourseEdit, write)
}

// aiQuota counts one call of the caller against the daily AI quota. When the key's or the
// tenant's allowance is used up, it returns a 429 problem saying which, and the seconds
// until it renews at the next UTC midnight (the Retry-After header); nothing is counted
// then. Unexpected failures are an error.
func (s *Server) aiQuota(ctx context.Context) (*api.Problem, int, error) {
	err := s.materials.TakeAIQuota(ctx, aiQuota)
	if err == nil {
		return nil, 0, nil
	}
	q, ok := materials.IsQuotaExceeded(err)
	if !ok {
		return nil, 0, err
	}
	secs := max(1, int(math.Ceil(q.RetryAfter.Seconds())))
	who := "this API key's"
	code := "ai_key_quota_exceeded"
	if q.Scope == "tenant" {
		who, code = "this tenant's", "ai_tenant_quota_exceeded"
	} else if p, _ := auth.FromContext(ctx); p.KeyID == "" {
		who = "your"
	}
	resets := time.Now().UTC().Add(time.Duration(secs) * time.Second).Truncate(time.Minute)
	pr := withCode(newProblem(ctx, kindRateLimited, who+" daily AI quota of "+strconv.Itoa(q.Limit)+" calls (course generation, refine and regenerate; "+
		"5 per API key and 50 per tenant per UTC day; uploads do not count) is used up; it resets at midnight UTC ("+resets.Format(time.RFC3339)+"), in "+
		humanDuration(secs)), code)
	return &pr, secs, nil
}

// humanDuration says secs as hours and minutes ("23 h 46 min (85,609 seconds)").
func humanDuration(secs int) string {
	h, m := secs/3600, (secs%3600)/60
	switch {
	case h > 0:
		return fmt.Sprintf("%d h %d min (%d seconds)", h, m, secs)
	case m > 0:
		return fmt.Sprintf("%d min (%d seconds)", m, secs)
	}
	return fmt.Sprintf("%d seconds", secs)
}

// aiTooMany is the typed body of a quota refusal.
func aiTooMany(p *api.Problem, secs int) api.TooManyRequestsApplicationProblemPlusJSONResponse {
	return api.TooManyRequestsApplicationProblemPlusJSONResponse{Body: *p, Headers: api.TooManyRequestsResponseHeaders{RetryAfter: &secs}}
}
