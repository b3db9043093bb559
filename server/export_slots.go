package server

import (
	"context"
	"strconv"
	"sync"

	"github.com/learnd/learnd/auth"
)

// Exports hold a pooled database connection for as long as their client reads (up to the
// long time budget), so how many run at once is bounded: in this process, and per tenant,
// so one tenant's slow downloads cannot take the pool from every other tenant.
const (
	exportsPerProcess = 4
	exportsPerTenant  = 2
	// exportsRetryAfter is the Retry-After (seconds) of an export refused for want of a slot.
	exportsRetryAfter = 5
)

// exportSlots counts the exports running in this process, in all and per tenant.
type exportSlots struct {
	mu       sync.Mutex
	running  int
	byTenant map[string]int
}

// take claims a slot for ctx's tenant and returns its release, or refuses with 429
// exports_busy and Retry-After.
func (e *exportSlots) take(ctx context.Context) (func(), error) {
	p, _ := auth.FromContext(ctx)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.byTenant == nil {
		e.byTenant = map[string]int{}
	}
	if e.running >= exportsPerProcess || e.byTenant[p.TenantID] >= exportsPerTenant {
		detail := "too many CSV exports are running (at most " + strconv.Itoa(exportsPerTenant) + " per tenant at once); retry in " +
			strconv.Itoa(exportsRetryAfter) + " seconds"
		return nil, failWith(withCode(newProblem(ctx, kindRateLimited, detail), "exports_busy"),
			map[string]string{"Retry-After": strconv.Itoa(exportsRetryAfter)})
	}
	e.running++
	e.byTenant[p.TenantID]++
	var once sync.Once
	return func() {
		once.Do(func() {
			e.mu.Lock()
			defer e.mu.Unlock()
			e.running--
			if e.byTenant[p.TenantID]--; e.byTenant[p.TenantID] <= 0 {
				delete(e.byTenant, p.TenantID)
			}
		})
	}, nil
}
