package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// needPerm allows callers whose role grants perm (and, for writes, who hold the write
// scope; reads need the read scope). It answers 403 naming what is missing.
func needPerm(ctx context.Context, perm auth.Permission, write bool) *api.Problem {
	p, _ := auth.FromContext(ctx)
	if pr := needScope(ctx, write); pr != nil {
		return pr
	}
	if !p.Can(perm) {
		pr := newProblem(ctx, kindForbidden, "this action needs the "+string(perm)+" permission, which the "+string(p.Role)+" role does not grant")
		return &pr
	}
	return nil
}

// needScope allows reads with the read scope and writes with the write scope.
func needScope(ctx context.Context, write bool) *api.Problem {
	p, _ := auth.FromContext(ctx)
	s := auth.ScopeRead
	if write {
		s = auth.ScopeWrite
	}
	if !p.HasScope(s) {
		pr := newProblem(ctx, kindForbidden, "this action needs the "+s+" scope")
		return &pr
	}
	return nil
}

// outranks answers 403 unless the caller's role is above target's (the role hierarchy of
// ban, unban, email and role changes).
func outranks(ctx context.Context, target auth.Role, what string) *api.Problem {
	p, _ := auth.FromContext(ctx)
	if !p.Role.Above(target) {
		pr := newProblem(ctx, kindForbidden, what+" needs a role above the target's ("+string(target)+"); yours is "+string(p.Role))
		return &pr
	}
	return nil
}
