package auth

import (
	"context"
	"slices"
	"testing"
)

func TestPrincipalHasScope(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		scopes []string
		scope  string
		want   bool
	}{
		{"read granted", []string{ScopeRead}, ScopeRead, true},
		{"write not granted", []string{ScopeRead}, ScopeWrite, false},
		{"both", []string{ScopeRead, ScopeWrite}, ScopeWrite, true},
		{"none", nil, ScopeRead, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := (Principal{Scopes: tt.scopes}).HasScope(tt.scope); got != tt.want {
				t.Fatalf("HasScope(%q) = %v, want %v", tt.scope, got, tt.want)
			}
		})
	}
}

func TestPrincipalContext(t *testing.T) {
	t.Parallel()
	if _, ok := FromContext(context.Background()); ok {
		t.Fatal("FromContext on empty context: ok = true")
	}
	p := Principal{TenantID: "acme", Role: RoleAdmin, Scopes: []string{ScopeRead}}
	got, ok := FromContext(WithPrincipal(context.Background(), p))
	if !ok || got.TenantID != "acme" || got.Role != RoleAdmin || !slices.Equal(got.Scopes, p.Scopes) {
		t.Fatalf("FromContext = %+v, %v; want %+v, true", got, ok, p)
	}
}

func TestParseScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"read", []string{"read"}, false},
		{"write", []string{"write"}, false},
		{"read write", []string{"read", "write"}, false},
		{"  write   read read ", []string{"write", "read"}, false},
		{"", []string{}, false},
		{"read admin", nil, true},
		{"READ", nil, true},
		{"read,write", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseScopes(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseScopes(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if !tt.wantErr && !slices.Equal(got, tt.want) {
				t.Fatalf("parseScopes(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestValidTenantID(t *testing.T) {
	t.Parallel()
	long := make([]byte, 65)
	for i := range long {
		long[i] = 'a'
	}
	tests := []struct {
		in   string
		want bool
	}{
		{"acme", true},
		{"Acme_Corp-2", true},
		{string(long[:64]), true},
		{string(long), false},
		{"", false},
		{"acme corp", false},
		{"acme.corp", false},
		{"acmé", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := validTenantID(tt.in); got != tt.want {
				t.Fatalf("validTenantID(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}
