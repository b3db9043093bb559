package server

import (
	"context"

	"github.com/learnd/learnd/auth"
)

// needPerm allows callers whose role grants perm (and, for writes, who hold the write
// scope; reads need the read scope). It answers 403 naming what is missing.
func needPerm(ctx context.Context, perm auth.Permission, write bool) error {
	p, _ := auth.FromContext(ctx)
	if err := needScope(ctx, write); err != nil {
		return err
	}
	if !p.Can(perm) {
		return fail(newProblem(ctx, kindForbidden, "this action needs the "+string(perm)+" permission, which the "+string(p.Role)+" role does not grant"))
	}
	return nil
}

// needScope allows reads with the read scope and writes with the write scope.
func needScope(ctx context.Context, write bool) error {
	p, _ := auth.FromContext(ctx)
	s := auth.ScopeRead
	if write {
		s = auth.ScopeWrite
	}
	if !p.HasScope(s) {
		return fail(newProblem(ctx, kindForbidden, "this action needs the "+s+" scope"))
	}
	return nil
}

// outranks answers 403 unless the caller's role is above target's (the role hierarchy of
// ban, unban, email and role changes).
func outranks(ctx context.Context, target auth.Role, what string) error {
	p, _ := auth.FromContext(ctx)
	if !p.Role.Above(target) {
		return fail(newProblem(ctx, kindForbidden, what+" needs a role above the target's ("+string(target)+"); yours is "+string(p.Role)))
	}
	return nil
}
