package server

import (
	"context"

	"github.com/learnd/learnd/store"
)

// dryRun marks ctx for the dryRun query parameter of a write: the store runs the
// operation and rolls it back (store.DryRun), so the answer is what the call would do.
func dryRun(ctx context.Context, on *bool) context.Context {
	if on != nil && *on {
		return store.DryRun(ctx)
	}
	return ctx
}
