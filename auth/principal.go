package auth

import (
	"context"

	"github.com/google/uuid"
)

// Principal is the verified caller of a request.
type Principal struct {
	TenantID string    // tenant slug/id from the tenant_id claim
	Subject  string    // canonical person TypeID ("per_…") from sub
	PersonID uuid.UUID // the UUID behind Subject
	AppID    string    // app_id claim; "" when absent
	Role     Role      // role claim; learner when absent
	Scopes   []string  // from the scope claim; [read write] when absent
	KeyID    string    // API key id; "" for bearer JWTs
	ClientID string    // the OAuth client a resource token was granted to (Resource); "" otherwise
	Surface  string    // SurfaceAPI or SurfaceMCP
	TokenID  string    // jti; "" when absent
	Licence  Licence   // the tenant's licence, set by the server from the database
	Known    bool      // the person is a user of the tenant (role and status come from the database)
	// Pseudonymised: the API key (or the token exchanged for it) has the pseudonymise
	// option; it works only through learnd's MCP endpoint (FromMCPEndpoint), whose tool
	// results show people under aliases.
	Pseudonymised bool
}

type mcpEndpointKey struct{}

// WithMCPEndpoint marks ctx as an API call that learnd's MCP endpoint makes in-process
// for a tool: no request from the network can carry the mark.
func WithMCPEndpoint(ctx context.Context) context.Context {
	return context.WithValue(ctx, mcpEndpointKey{}, true)
}

// FromMCPEndpoint reports whether WithMCPEndpoint marked ctx.
func FromMCPEndpoint(ctx context.Context) bool {
	v, _ := ctx.Value(mcpEndpointKey{}).(bool)
	return v
}

// HasScope reports whether p was granted scope s.
func (p Principal) HasScope(s string) bool { return contains(p.Scopes, s) }

type principalKey struct{}

// WithPrincipal returns a copy of ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the Principal stored by WithPrincipal.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
