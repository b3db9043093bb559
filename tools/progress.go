package tools

// Progress notifications (MCP notifications/progress) for the long tools: a tool reports
// its steps through the Progress of its context, which sends them only when the client
// asked for them (the call carried a progressToken) and is a no-op otherwise.

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/internal/stages"
)

// Progress reports a tool call's progress to the client that asked for it. The zero
// value and nil report nothing.
type Progress struct {
	mu      sync.Mutex
	session *mcp.ServerSession
	token   any
	last    float64
	total   float64
	sent    bool
}

type progressKey struct{}

// withProgress puts the call's Progress in ctx: one that sends when the request carries
// a progress token.
func withProgress(ctx context.Context, req *mcp.CallToolRequest) context.Context {
	p := &Progress{}
	if req != nil && req.Params != nil && req.Session != nil {
		if tok := req.Params.GetProgressToken(); tok != nil {
			p.session, p.token = req.Session, tok
		}
	}
	return context.WithValue(ctx, progressKey{}, p)
}

// ProgressFrom returns the Progress of a tool call's context (one that reports nothing
// outside a call).
func ProgressFrom(ctx context.Context) *Progress {
	if p, ok := ctx.Value(progressKey{}).(*Progress); ok {
		return p
	}
	return &Progress{}
}

// Enabled reports whether the client asked for progress.
func (p *Progress) Enabled() bool { return p != nil && p.session != nil }

// Report sends progress of total (0: unknown) with a message. Progress only increases:
// a value not above the last one sent is raised just above it, as the protocol wants.
// A failed send is ignored (progress is advisory; the result still comes).
func (p *Progress) Report(ctx context.Context, progress, total float64, format string, args ...any) {
	if !p.Enabled() {
		return
	}
	p.mu.Lock()
	if p.sent && progress <= p.last {
		progress = p.last + 0.01
	}
	if total > 0 && progress > total {
		progress = total
	}
	if p.sent && progress <= p.last { // already at the total
		p.mu.Unlock()
		return
	}
	p.last, p.total, p.sent = progress, total, true
	p.mu.Unlock()
	_ = p.session.NotifyProgress(ctx, &mcp.ProgressNotificationParams{
		ProgressToken: p.token, Progress: progress, Total: total, Message: fmt.Sprintf(format, args...),
	})
}

// While runs f and, as long as it runs, reports progress every interval: from `from`
// towards (never reaching) `to`, with message() and the seconds elapsed. Without a
// progress token it only runs f.
func (p *Progress) While(ctx context.Context, from, to, total float64, interval time.Duration, message func() string, f func() error) error {
	if !p.Enabled() {
		return f()
	}
	p.Report(ctx, from, total, "%s", message())
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case now := <-tick.C:
				el := now.Sub(start)
				// Approaches `to` (half the way in 10 s): moving, never claiming to be done.
				frac := el.Seconds() / (el.Seconds() + 10)
				p.Report(ctx, from+(to-from)*frac, total, "%s (%d s)", message(), int(el.Round(time.Second).Seconds()))
			}
		}
	}()
	err := f()
	close(done)
	wg.Wait()
	return err
}

// uploadStep is the step an upload is on, as the API names it (stages) while it runs.
type uploadStep struct {
	name string
	mu   sync.Mutex
	step string
	n    int // steps the API reported
}

// message is the heartbeat's message: the file and the current step.
func (u *uploadStep) message() string {
	u.mu.Lock()
	defer u.mu.Unlock()
	return "uploading " + u.name + ": " + u.step
}

// reporter records the API's steps and reports each at once, between 1 and 3 of the
// upload's progress.
func (u *uploadStep) reporter(ctx context.Context, p *Progress) stages.Reporter {
	return func(step string) {
		u.mu.Lock()
		u.step, u.n = step, u.n+1
		n := u.n
		u.mu.Unlock()
		p.Report(ctx, 1+0.5*float64(n), uploadSteps, "%s", u.message())
	}
}
