package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// requireReader allows any role holding the read scope.
func requireReader(ctx context.Context) *api.Problem {
	p, _ := auth.FromContext(ctx)
	if !p.HasScope(auth.ScopeRead) {
		pr := newProblem(ctx, kindForbidden, "this action needs the read scope")
		return &pr
	}
	return nil
}

// requireWriter allows managers and above holding the write scope.
func requireWriter(ctx context.Context) *api.Problem {
	p, _ := auth.FromContext(ctx)
	if !p.HasScope(auth.ScopeWrite) {
		pr := newProblem(ctx, kindForbidden, "this action needs the write scope")
		return &pr
	}
	if !p.Role.AtLeast(auth.RoleManager) {
		pr := newProblem(ctx, kindForbidden, "this action needs the manager role or above")
		return &pr
	}
	return nil
}

// requireAdmin allows admins and owners (seeing and restoring deleted records).
func requireAdmin(ctx context.Context, what string) *api.Problem {
	p, _ := auth.FromContext(ctx)
	if !p.Role.AtLeast(auth.RoleAdmin) {
		pr := newProblem(ctx, kindForbidden, what+" needs the admin role or above")
		return &pr
	}
	return nil
}

// requireRestorer allows admins holding the write scope.
func requireRestorer(ctx context.Context) *api.Problem {
	if pr := requireWriter(ctx); pr != nil {
		return pr
	}
	return requireAdmin(ctx, "restoring a deleted record")
}
