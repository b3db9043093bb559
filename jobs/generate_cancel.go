package jobs

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store/materials"
)

// cancelPoll is how often a running generation checks whether its requester cancelled it.
var cancelPoll = time.Second

// watchCancel returns a context for the generator that ends when the requester cancels
// job id (GenerationRepo.Cancel), so the model stops at once rather than writing a course
// nobody will store. ctx must carry the requester's principal. stop ends the watch and
// reports whether the job was cancelled.
func watchCancel(ctx context.Context, gens *materials.GenerationRepo, id uuid.UUID) (context.Context, func() (cancelled bool)) {
	gctx, cancel := context.WithCancel(ctx)
	var cancelled atomic.Bool
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(cancelPoll)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-gctx.Done():
				return
			case <-tick.C:
			}
			j, err := gens.Get(gctx, id)
			if err == nil && j.Status == materials.GenerationCancelled {
				cancelled.Store(true)
				cancel()
				return
			}
		}
	}()
	return gctx, func() bool {
		close(done)
		cancel()
		return cancelled.Load()
	}
}
