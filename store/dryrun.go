package store

import "context"

// dryRunKey marks a context whose write transactions roll back (DryRun).
type dryRunKey struct{}

// DryRun returns ctx marked so that a write transaction InTenant opens in it runs exactly
// as it would (every statement, rule and lock, the audit rows, the mail and the jobs it
// queues) and then rolls back instead of committing: the operation's result is what it
// would have done, and nothing of it stays. This is the API's dryRun.
func DryRun(ctx context.Context) context.Context {
	return context.WithValue(ctx, dryRunKey{}, true)
}

// IsDryRun reports whether ctx is marked by DryRun.
func IsDryRun(ctx context.Context) bool {
	v, _ := ctx.Value(dryRunKey{}).(bool)
	return v
}
