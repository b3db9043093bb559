package tools

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/modelcontextprotocol/go-sdk/mcp"

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
