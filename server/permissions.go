package server

import (
	"context"

	"github.com/learnd/learnd/auth"
)

// requireReader allows any role holding the read scope.
func requireReader(ctx context.Context) error {
	p, _ := auth.FromContext(ctx)
	if !p.HasScope(auth.ScopeRead) {
		return fail(newProblem(ctx, kindForbidden, "this action needs the read scope"))
	}
	return nil
}

// requireWriter allows managers and above holding the write scope.
func requireWriter(ctx context.Context) error {
	p, _ := auth.FromContext(ctx)
	if !p.HasScope(auth.ScopeWrite) {
		return fail(newProblem(ctx, kindForbidden, "this action needs the write scope"))
	}
	if !p.Role.AtLeast(auth.RoleManager) {
		return fail(newProblem(ctx, kindForbidden, "this action needs the manager role or above"))
	}
	return nil
}

// requireAdmin allows admins and owners (seeing and restoring deleted records).
func requireAdmin(ctx context.Context, what string) error {
	p, _ := auth.FromContext(ctx)
	if !p.Role.AtLeast(auth.RoleAdmin) {
		return fail(newProblem(ctx, kindForbidden, what+" needs the admin role or above"))
	}
	return nil
}

// requireRestorer allows admins holding the write scope.
func requireRestorer(ctx context.Context) error {
	if err := requireWriter(ctx); err != nil {
		return err
	}
	return requireAdmin(ctx, "restoring a deleted record")
}

// requireOwner allows owners who are users of the tenant.
func requireOwner(ctx context.Context, what string) error {
	p, _ := auth.FromContext(ctx)
	if !p.Known || p.Role != auth.RoleOwner {
		return fail(newProblem(ctx, kindForbidden, what+" needs the owner role"))
	}
	return nil
}
