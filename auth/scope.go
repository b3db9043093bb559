package auth

import (
	"fmt"
	"strings"
)

// OAuth scopes carried in the space-separated "scope" claim.
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
	// ScopeAI is granted to OAuth clients (MCP) only: a delegated token needs it, besides
	// write, for AI course authoring. API keys and learnd's other tokens predate it and
	// are governed by write and the licence alone.
	ScopeAI = "ai"
)

// Surfaces a request can arrive through; recorded in the audit log.
const (
	SurfaceAPI  = "api"
	SurfaceMCP  = "mcp"
	SurfaceSCIM = "scim" // an identity provider provisioning users and groups at /scim/v2
)

// defaultScopes is what a token without a scope claim grants.
func defaultScopes() []string { return []string{ScopeRead, ScopeWrite} }

func validScope(s string) bool { return s == ScopeRead || s == ScopeWrite || s == ScopeAI }

// parseScopes splits a space-separated scope claim, keeping the first
// occurrence of each scope. Every scope must be read or write.
func parseScopes(claim string) ([]string, error) {
	out := make([]string, 0, 2)
	for s := range strings.FieldsSeq(claim) {
		if !validScope(s) {
			return nil, fmt.Errorf("unknown scope %q", s)
		}
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
