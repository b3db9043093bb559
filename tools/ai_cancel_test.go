package tools

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/offline"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// TestMCPCancelGeneration: a client that cancels a create_course_from_prompt call waiting
// (with a progress token) for its job cancels the job, and the AI quota call it took is
// given back. No workers run here, so the job stays queued until then.
func TestMCPCancelGeneration(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{})
	w := wrNewWorld(t, env, "mcp-cancel")
	cs, notes := featureSession(t, w, w.key(w.admin))
	used := func() int {
		return w.count(`SELECT coalesce(sum(count), 0) FROM ai_usage WHERE tenant_id = $1 AND subject = 'tenant'`, w.tenant)
	}

	ctx, cancel := context.WithCancel(wrCtx(t))
	defer cancel()
	p := &mcp.CallToolParams{Name: "create_course_from_prompt", Arguments: map[string]any{"prompt": "Forklift basics", "modules": 1}}
	p.SetProgressToken("cancel-1")
	done := make(chan error, 1)
	go func() {
		_, err := cs.CallTool(ctx, p)
		done <- err
	}()
	deadline := time.After(30 * time.Second)
	for len(notes.progressOf("cancel-1")) == 0 { // the call is waiting on the queued job
		select {
		case <-notes.signal:
		case <-deadline:
			t.Fatal("no progress while waiting for the job")
		}
	}
	if n := used(); n != 1 {
		t.Fatalf("AI quota used %d before the cancel, want 1", n)
	}
	cancel()
	if err := <-done; err == nil {
		t.Fatal("the cancelled call returned no error")
	}
	var status string
	for end := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if err := w.db.QueryRow(context.Background(), `SELECT status FROM generation_jobs WHERE tenant_id = $1`, w.tenant).Scan(&status); err != nil {
			t.Fatal(err)
		}
		if status != "queued" || time.Now().After(end) {
			break
		}
	}
	if status != "cancelled" {
		t.Fatalf("job status %q after the client cancelled, want cancelled", status)
	}
	if n := used(); n != 0 {
		t.Errorf("AI quota used %d after the cancel, want 0 (given back)", n)
	}
	if n := w.count(`SELECT count(*) FROM audit_log WHERE tenant_id = $1 AND action = 'course.generate.cancel' AND surface = 'mcp'`, w.tenant); n != 1 {
		t.Errorf("course.generate.cancel audits (surface mcp) = %d, want 1", n)
	}
	// The status tool reports it.
	var id uuid.UUID
	if err := w.db.QueryRow(context.Background(), `SELECT id FROM generation_jobs WHERE tenant_id = $1`, w.tenant).Scan(&id); err != nil {
		t.Fatal(err)
	}
	st, _ := wrOK[generationStatusOut](t, cs, "get_course_generation_status", map[string]any{"jobId": typeid.Format(generationJobPrefix, id)})
	if st.Status != "cancelled" || st.Error == nil {
		t.Errorf("get_course_generation_status: %+v", st)
	}
}

// blockingGenerator is the offline generator whose course generation runs until its
// context ends, reporting when it started and why it stopped.
type blockingGenerator struct {
	ai.Generator
	started chan struct{}
	stopped chan error
}

func (g *blockingGenerator) Course(ctx context.Context, _ ai.CourseRequest) (ai.Course, error) {
	close(g.started)
	<-ctx.Done()
	g.stopped <- ctx.Err()
	return ai.Course{}, ctx.Err()
}

// TestMCPCancelRunningGeneration: cancelling the waiting call of a job a worker is
// generating stops the generator (its context ends), leaves the job cancelled with no
// course, and gives the AI quota call back.
func TestMCPCancelRunningGeneration(t *testing.T) {
	t.Parallel()
	gen := &blockingGenerator{Generator: offline.New(), started: make(chan struct{}), stopped: make(chan error, 1)}
	env := servertest.Start(t, servertest.Options{Jobs: true, Generator: gen})
	w := wrNewWorld(t, env, "mcp-cancel-run")
	cs, _ := featureSession(t, w, w.key(w.admin))

	ctx, cancel := context.WithCancel(wrCtx(t))
	defer cancel()
	p := &mcp.CallToolParams{Name: "create_course_from_prompt", Arguments: map[string]any{"prompt": "Forklift basics", "modules": 1}}
	p.SetProgressToken("cancel-2")
	done := make(chan error, 1)
	go func() {
		_, err := cs.CallTool(ctx, p)
		done <- err
	}()
	select {
	case <-gen.started:
	case <-time.After(30 * time.Second):
		t.Fatal("the worker did not start generating")
	}
	cancel()
	<-done
	select {
	case err := <-gen.stopped:
		if err == nil {
			t.Errorf("the generator stopped without its context ending")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the generator still runs 20 s after the cancel")
	}
	var status string
	if err := w.db.QueryRow(context.Background(), `SELECT status FROM generation_jobs WHERE tenant_id = $1`, w.tenant).Scan(&status); err != nil || status != "cancelled" {
		t.Errorf("job status %q (%v), want cancelled", status, err)
	}
	if n := w.count(`SELECT coalesce(sum(count), 0) FROM ai_usage WHERE tenant_id = $1 AND subject = 'tenant'`, w.tenant); n != 0 {
		t.Errorf("AI quota used %d after the cancel, want 0", n)
	}
	time.Sleep(500 * time.Millisecond) // a worker that wrongly went on would store its course now
	if n := w.count(`SELECT count(*) FROM courses WHERE tenant_id = $1`, w.tenant); n != 0 {
		t.Errorf("%d courses after the cancelled generation, want 0", n)
	}
}
