package materials_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/store/storetest"
)

// TestGenerationCancel: the requester cancels a queued job: it is cancelled with a
// message, the AI quota call its request took is given back (tenant and person), and it
// is audited; a worker then neither starts it nor stores a course. Another user's cancel
// is ErrNotFound; a second cancel, or one of a completed job, ErrGenerationFinished.
func TestGenerationCancel(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	genTenant(t, conn, "t1")
	ctx := storetest.As("t1", "", auth.RoleManager)
	p, _ := auth.FromContext(ctx)
	if _, err := conn.Exec(context.Background(), `INSERT INTO users (tenant_id, id, name, email, role, status, created_at, updated_at)
VALUES ('t1', $1, 'M', 'm@example.test', 'manager', 'active', now(), now())`, p.PersonID); err != nil {
		t.Fatal(err)
	}
	st.SetJobQueue((&genEnqueued{}).enqueue)
	repo := materials.New(st)
	gens := repo.Generations()
	usage := func() (tenant, person int) {
		t.Helper()
		err := conn.QueryRow(context.Background(), `SELECT coalesce(sum(count) FILTER (WHERE subject = 'tenant'), 0),
  coalesce(sum(count) FILTER (WHERE subject = $1), 0) FROM ai_usage WHERE tenant_id = 't1'`, "person:"+p.PersonID.String()).Scan(&tenant, &person)
		if err != nil {
			t.Fatal(err)
		}
		return tenant, person
	}
	queue := func() materials.GenerationJob { // as the API does: the quota, then the job
		t.Helper()
		if err := repo.TakeAIQuota(ctx, materials.DefaultAIQuota); err != nil {
			t.Fatal(err)
		}
		j, err := gens.Create(ctx, materials.NewGenerationJob{Prompt: "Ladder safety"})
		if err != nil {
			t.Fatal(err)
		}
		return j
	}

	j := queue()
	queue()
	if tn, pn := usage(); tn != 2 || pn != 2 {
		t.Fatalf("usage after two requests: tenant %d person %d", tn, pn)
	}
	if _, err := gens.Cancel(storetest.As("t1", "", auth.RoleAdmin), j.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another user's cancel: %v, want ErrNotFound", err)
	}
	c, err := gens.Cancel(ctx, j.ID)
	if err != nil || c.Status != materials.GenerationCancelled || c.Error == nil || c.FinishedAt == nil {
		t.Fatalf("cancel = %+v, %v", c, err)
	}
	if tn, pn := usage(); tn != 1 || pn != 1 {
		t.Errorf("usage after the cancel: tenant %d person %d, want 1 and 1 (one call given back)", tn, pn)
	}
	got, err := gens.Get(ctx, j.ID)
	if err != nil || got.Status != materials.GenerationCancelled {
		t.Errorf("get after cancel = %+v, %v", got, err)
	}
	if _, err := gens.Cancel(ctx, j.ID); !errors.Is(err, materials.ErrGenerationFinished) {
		t.Errorf("second cancel: %v, want ErrGenerationFinished", err)
	}
	if tn, _ := usage(); tn != 1 {
		t.Errorf("usage after the second cancel: tenant %d, want 1", tn)
	}
	var audits int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'course.generate.cancel' AND actor_id = $1`, p.PersonID).Scan(&audits); err != nil || audits != 1 {
		t.Errorf("course.generate.cancel audits = %d (%v)", audits, err)
	}

	// The worker finds nothing to do.
	wp, _, err := gens.Principal(context.Background(), "t1", j.ID)
	if err != nil {
		t.Fatal(err)
	}
	wctx := auth.WithPrincipal(context.Background(), wp)
	if _, err := gens.Start(wctx, j.ID, 1); !errors.Is(err, materials.ErrGenerationFinished) {
		t.Errorf("start of a cancelled job: %v, want ErrGenerationFinished", err)
	}
	chunk := uuid.New()
	if _, err := gens.Complete(wctx, j.ID, materials.CourseDraftFromAI(genOutline(&chunk), ""), nil); !errors.Is(err, materials.ErrGenerationFinished) {
		t.Errorf("complete of a cancelled job: %v, want ErrGenerationFinished", err)
	}
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM courses WHERE tenant_id = 't1'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("courses after the cancelled job = %d (%v), want 0", n, err)
	}
}
