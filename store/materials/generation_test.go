package materials_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/typeid"
)

// genEnqueued records what the job queue was asked to queue; with fail set it
// refuses, which must roll the job's row back.
type genEnqueued struct {
	tenant string
	id     uuid.UUID
	fail   error
}

func (g *genEnqueued) enqueue(ctx context.Context, tx pgx.Tx, job store.Job) error {
	g.tenant, g.id = job.TenantID, job.ID
	return g.fail
}

// genOutline is a small valid generated course.
func genOutline(chunk *uuid.UUID) ai.Course {
	return ai.Course{Title: "  Generated course  ", Annotation: "About it.", Tags: []string{"Safety", "safety", " "}, Sections: []ai.Section{
		{Title: "Module 1", Elements: []ai.Element{
			{Kind: ai.KindLesson, Title: "Lesson 1", Brief: &ai.Brief{Topic: "T", Title: "Lesson 1", Description: "D", KeyPoints: []string{" one ", ""}, TargetAudience: "All"},
				Pages: []ai.Page{{Title: "Page", Body: "Body"}}},
		}},
		{Title: "Final", Elements: []ai.Element{
			{Kind: ai.KindQuiz, Title: "Final quiz", Questions: []ai.Question{
				{Kind: ai.QuestionSingle, Text: "Q?", Options: []ai.Option{{Text: "A", Correct: true}, {Text: "B"}}, SourceChunkID: chunk},
			}},
		}},
	}}
}

// genTenant inserts tenant with a licence that includes AI authoring (mcpAccess full and
// mcpAiAccess), which a generation job needs when it starts and when it completes.
func genTenant(t *testing.T, conn *pgx.Conn, tenant string) {
	t.Helper()
	if _, err := conn.Exec(context.Background(), `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $1, 'business', 'full', true)`, tenant); err != nil {
		t.Fatal(err)
	}
}

// TestGenerationLifecycle: a request is stored with its queue job in one transaction (a
// failing enqueue stores nothing), is visible to its requester only, and runs as the
// requester: start, complete (the course stored once, as a draft owned by the requester,
// audited course.generate), and a second completion or a late failure changes nothing.
func TestGenerationLifecycle(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	genTenant(t, conn, "t1")
	ctx := storetest.As("t1", "", auth.RoleManager)
	gens := materials.New(st).Generations()
	in := materials.NewGenerationJob{Prompt: " Ladder safety ", Options: materials.GenerationOptions{Modules: 2, Language: "en"}}

	bad := &genEnqueued{fail: errors.New("queue down")}
	st.SetJobQueue(bad.enqueue)
	if _, err := gens.Create(ctx, in); err == nil {
		t.Fatal("create with a failing queue succeeded")
	}
	var rows int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM generation_jobs`).Scan(&rows); err != nil || rows != 0 {
		t.Fatalf("rows after a failed enqueue = %d (%v), want 0", rows, err)
	}

	q := &genEnqueued{}
	st.SetJobQueue(q.enqueue)
	j, err := gens.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := auth.FromContext(ctx)
	if j.Status != materials.GenerationQueued || j.Prompt != "Ladder safety" || j.RequestedBy != p.PersonID || j.Role != auth.RoleManager || q.tenant != "t1" || q.id != j.ID {
		t.Fatalf("job = %+v, enqueued %s/%s", j, q.tenant, q.id)
	}
	if _, err := gens.Get(storetest.As("t1", "", auth.RoleAdmin), j.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("another user's get: %v, want ErrNotFound", err)
	}
	got, err := gens.Get(ctx, j.ID)
	if err != nil || got.Options != in.Options {
		t.Fatalf("get = %+v, %v", got, err)
	}

	// The worker: the requester's principal, capped at the role the user now holds.
	if _, err := conn.Exec(context.Background(), `INSERT INTO users (tenant_id, id, name, email, role, status, created_at, updated_at)
VALUES ('t1', $1, 'M', 'm@example.test', 'manager', 'active', now(), now())`, p.PersonID); err != nil {
		t.Fatal(err)
	}
	wp, wj, err := gens.Principal(context.Background(), "t1", j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if wp.PersonID != p.PersonID || wp.Role != auth.RoleManager || !wp.Known || !wp.HasScope(auth.ScopeWrite) || wp.Surface != auth.SurfaceAPI || wj.ID != j.ID {
		t.Errorf("worker principal = %+v", wp)
	}
	wctx := auth.WithPrincipal(context.Background(), wp)
	started, err := gens.Start(wctx, j.ID, 1)
	if err != nil || started.Status != materials.GenerationRunning || started.StartedAt == nil || started.Attempts != 1 {
		t.Fatalf("start = %+v, %v", started, err)
	}
	chunk := uuid.New()
	c, err := gens.Complete(wctx, j.ID, materials.CourseDraftFromAI(genOutline(&chunk), ""), []string{"The final quiz has 1 of the 10 questions asked for."})
	if err != nil {
		t.Fatal(err)
	}
	if c.OwnerID != p.PersonID || c.Status != courses.CourseStatusDraft || c.Name != "Generated course" || len(c.Sections) != 2 {
		t.Errorf("course = %+v", c)
	}
	if q := c.Sections[1].Elements[0].Questions[0]; q.SourceChunkID == nil || *q.SourceChunkID != chunk {
		t.Errorf("question source = %v, want %s", q.SourceChunkID, chunk)
	}
	if len(c.Transitions) != 1 {
		t.Errorf("transitions = %d, want 1 (linked in order)", len(c.Transitions))
	}
	done, err := gens.Get(ctx, j.ID)
	if err != nil || done.Status != materials.GenerationCompleted || done.CourseID == nil || *done.CourseID != c.ID || done.FinishedAt == nil {
		t.Fatalf("completed job = %+v, %v", done, err)
	}
	if len(done.Warnings) != 1 || done.Warnings[0] != "The final quiz has 1 of the 10 questions asked for." {
		t.Errorf("warnings = %q, want the generator's", done.Warnings)
	}
	var audits int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'course.generate' AND target_id = $1 AND actor_id = $2`,
		typeid.Format(typeid.Course, c.ID), p.PersonID).Scan(&audits); err != nil || audits != 1 {
		t.Errorf("course.generate audits = %d (%v)", audits, err)
	}
	if _, err := gens.Complete(wctx, j.ID, materials.CourseDraftFromAI(genOutline(nil), ""), nil); !errors.Is(err, materials.ErrGenerationFinished) {
		t.Errorf("second complete: %v, want ErrGenerationFinished", err)
	}
	if _, err := gens.Start(wctx, j.ID, 2); !errors.Is(err, materials.ErrGenerationFinished) {
		t.Errorf("start after completion: %v, want ErrGenerationFinished", err)
	}
	if err := gens.Fail(wctx, j.ID, "late"); err != nil {
		t.Fatal(err)
	}
	if after, _ := gens.Get(ctx, j.ID); after.Status != materials.GenerationCompleted || after.Error != nil {
		t.Errorf("a late failure changed the completed job: %+v", after)
	}
	var nCourses int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM courses WHERE tenant_id = 't1'`).Scan(&nCourses); err != nil || nCourses != 1 {
		t.Errorf("courses = %d (%v), want 1", nCourses, err)
	}
	if o, err := gens.OriginOf(ctx, c.ID); err != nil || o.Session != nil || o.Language != "en" {
		t.Errorf("origin of a prompt-only course asked in English = %+v, %v, want no session and en", o, err)
	}
}

// TestGenerationFailures: an invalid generated course is a ValidationError and stores
// nothing; a failed job records its message; a banned requester's job cannot run; another
// tenant cannot see or run the job.
func TestGenerationFailures(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	genTenant(t, conn, "t1")
	ctx := storetest.As("t1", "", auth.RoleAdmin)
	gens := materials.New(st).Generations()
	q := &genEnqueued{}
	st.SetJobQueue(q.enqueue)
	// The requester must be a user of the tenant when the job completes (tenant-bound trust).
	j0, err := gens.Create(ctx, materials.NewGenerationJob{Prompt: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gens.Complete(ctx, j0.ID, materials.CourseDraftFromAI(genOutline(nil), ""), nil); err == nil || !strings.Contains(err.Error(), "no longer a user") {
		t.Fatalf("a job of a requester who is not a user completed: %v", err)
	}
	j, err := gens.Create(ctx, materials.NewGenerationJob{Prompt: "x"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ := auth.FromContext(ctx)
	if _, err := conn.Exec(context.Background(), `INSERT INTO users (tenant_id, id, name, email, role, status, created_at, updated_at)
VALUES ('t1', $1, 'A', 'a@example.test', 'admin', 'active', now(), now())`, p.PersonID); err != nil {
		t.Fatal(err)
	}
	bad := genOutline(nil)
	bad.Sections[0].Elements[0].Questions = []ai.Question{{Kind: ai.QuestionSingle, Text: "Q", Options: []ai.Option{{Text: "only"}}}}
	var ve *store.ValidationError
	if _, err := gens.Complete(ctx, j.ID, materials.CourseDraftFromAI(bad, ""), nil); !errors.As(err, &ve) {
		t.Fatalf("invalid draft: %v, want ValidationError", err)
	}
	if err := gens.Fail(ctx, j.ID, "the model is down"); err != nil {
		t.Fatal(err)
	}
	f, err := gens.Get(ctx, j.ID)
	if err != nil || f.Status != materials.GenerationFailed || f.Error == nil || *f.Error != "the model is down" || f.CourseID != nil {
		t.Fatalf("failed job = %+v, %v", f, err)
	}
	var nCourses int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM courses`).Scan(&nCourses); err != nil || nCourses != 0 {
		t.Errorf("courses = %d (%v), want 0", nCourses, err)
	}

	// A job the queue gave up on (its worker died on the last attempt) reads as failed.
	st.SetJobQueue(q.enqueue)
	j3, err := gens.Create(ctx, materials.NewGenerationJob{Prompt: "abandoned"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gens.Start(ctx, j3.ID, 3); err != nil {
		t.Fatal(err)
	}
	if got, _ := gens.Get(ctx, j3.ID); got.Status != materials.GenerationRunning {
		t.Fatalf("running job = %+v", got)
	}
	if _, err := conn.Exec(context.Background(), `INSERT INTO river_job (state, attempt, max_attempts, attempted_at, finalized_at, args, kind, queue)
VALUES ('discarded', 3, 3, now(), now(), $1, 'generate_course', 'ai')`, `{"tenant_id":"t1","id":"`+j3.ID.String()+`"}`); err != nil {
		t.Fatal(err)
	}
	if got, _ := gens.Get(ctx, j3.ID); got.Status != materials.GenerationFailed || got.Error == nil || !strings.Contains(*got.Error, "abandoned") {
		t.Errorf("abandoned job = %+v", got)
	}

	// A banned requester.
	st.SetJobQueue(q.enqueue)
	j2, err := gens.Create(ctx, materials.NewGenerationJob{Prompt: "y"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), `UPDATE users SET status = 'banned', banned_at = now() WHERE tenant_id = 't1' AND id = $1`, p.PersonID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := gens.Principal(context.Background(), "t1", j2.ID); !errors.Is(err, courses.ErrCourseAccess) {
		t.Errorf("banned requester: %v, want ErrCourseAccess", err)
	}
	var status, message string
	if err := conn.QueryRow(context.Background(), `SELECT status, error FROM generation_jobs WHERE id = $1`, j2.ID).Scan(&status, &message); err != nil ||
		status != materials.GenerationFailed || message != "the requesting user is banned" {
		t.Errorf("banned requester's job: %s %q (%v), want failed saying the user is banned", status, message, err)
	}
	// Another tenant.
	if _, _, err := gens.Principal(context.Background(), "t2", j2.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant: %v, want ErrNotFound", err)
	}
	if _, err := gens.Get(storetest.As("t2", "", auth.RoleOwner), j2.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("other tenant's get: %v, want ErrNotFound", err)
	}
	// Learners cannot queue.
	st.SetJobQueue(q.enqueue)
	if _, err := gens.Create(storetest.As("t1", "", auth.RoleLearner), materials.NewGenerationJob{Prompt: "z"}); !errors.Is(err, courses.ErrCourseAccess) {
		t.Errorf("learner create: %v, want ErrCourseAccess", err)
	}
}

// TestGenerationRevoked: the requester's standing is read again when the course is stored,
// in the completing transaction: a user banned or demoted, the request's API key revoked or
// expired, or the licence losing AI authoring while the model ran fails the job saying why
// and creates no course; with nothing changed the course is stored. The same checks refuse
// an attempt that starts after the change.
func TestGenerationRevoked(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	gens := materials.New(st).Generations()
	bg := context.Background()
	cases := []struct {
		name   string
		change string // SQL run between start and complete; $1 tenant, $2 user, $3 key
		reason string // "" means the course is stored
	}{
		{"unchanged", `SELECT $1::text, $2::uuid, $3::uuid`, ""},
		{"banned", `UPDATE users SET status = 'banned', banned_at = now() WHERE tenant_id = $1 AND id = $2 AND $3::uuid IS NOT NULL`,
			"the requesting user is banned"},
		{"key revoked", `UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND user_id = $2 AND id = $3`, "the API key was revoked"},
		{"key expired", `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND user_id = $2 AND id = $3`,
			"the API key has expired"},
		{"licence", `UPDATE tenants SET mcp_ai_access = false WHERE id = $1 AND $2::uuid IS NOT NULL AND $3::uuid IS NOT NULL`,
			"the licence no longer includes AI authoring"},
		{"demoted", `UPDATE users SET role = 'learner' WHERE tenant_id = $1 AND id = $2 AND $3::uuid IS NOT NULL`,
			"the requesting user may no longer create courses (their role is learner)"},
	}
	for i, c := range cases {
		tenant := fmt.Sprintf("revoked-%d", i)
		genTenant(t, conn, tenant)
		user, key := uuid.New(), uuid.New()
		if _, err := conn.Exec(bg, `INSERT INTO users (tenant_id, id, name, email, role, status, created_at, updated_at)
VALUES ($1, $2, 'M', 'm@example.test', 'manager', 'active', now(), now())`, tenant, user); err != nil {
			t.Fatal(err)
		}
		_, hash := store.NewAPIKeySecret()
		if _, err := conn.Exec(bg, `INSERT INTO api_keys (tenant_id, id, user_id, name, hash, hint, scopes, created_at)
VALUES ($1, $2, $3, 'k', $4, 'lk_…abcd', ARRAY['read','write'], now())`, tenant, key, user, hash); err != nil {
			t.Fatal(err)
		}
		ctx := auth.WithPrincipal(bg, auth.Principal{TenantID: tenant, PersonID: user, Subject: typeid.Format(typeid.Person, user), Role: auth.RoleManager,
			Scopes: []string{auth.ScopeRead, auth.ScopeWrite}, KeyID: typeid.Format(typeid.APIKey, key), Known: true})

		// Changed while the model ran: between the attempt's start and the completion.
		st.SetJobQueue((&genEnqueued{}).enqueue)
		j, err := gens.Create(ctx, materials.NewGenerationJob{Prompt: "Ladders"})
		if err != nil {
			t.Fatal(err)
		}
		if j.KeyID == nil || *j.KeyID != key {
			t.Fatalf("%s: job key = %v, want %s", c.name, j.KeyID, key)
		}
		wp, _, err := gens.Principal(bg, tenant, j.ID)
		if err != nil {
			t.Fatalf("%s: principal: %v", c.name, err)
		}
		wctx := auth.WithPrincipal(bg, wp)
		if _, err := gens.Start(wctx, j.ID, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(bg, c.change, tenant, user, key); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		course, err := gens.Complete(wctx, j.ID, materials.CourseDraftFromAI(genOutline(nil), ""), nil)
		var nCourses int
		if err := conn.QueryRow(bg, `SELECT count(*) FROM courses WHERE tenant_id = $1`, tenant).Scan(&nCourses); err != nil {
			t.Fatal(err)
		}
		got, gerr := gens.Get(ctx, j.ID)
		if gerr != nil {
			t.Fatal(gerr)
		}
		if c.reason == "" {
			if err != nil || course == nil || nCourses != 1 || got.Status != materials.GenerationCompleted {
				t.Errorf("%s: complete = %t, %v; %d courses, job %s", c.name, course != nil, err, nCourses, got.Status)
			}
			continue
		}
		var refused *materials.GenerationRefusedError
		if !errors.As(err, &refused) || !errors.Is(err, courses.ErrCourseAccess) || !strings.HasPrefix(refused.Reason, c.reason) {
			t.Errorf("%s: complete err = %v, want a GenerationRefusedError saying %q", c.name, err, c.reason)
		}
		if course != nil || nCourses != 0 {
			t.Errorf("%s: a course was created (%t, %d in the tenant)", c.name, course != nil, nCourses)
		}
		if got.Status != materials.GenerationFailed || got.Error == nil || !strings.HasPrefix(*got.Error, c.reason) || got.CourseID != nil || got.FinishedAt == nil {
			t.Errorf("%s: job = %s %v, want failed saying %q", c.name, got.Status, got.Error, c.reason)
		}

		// Changed before an attempt starts: the worker's principal is refused, and the job
		// fails saying why.
		st.SetJobQueue((&genEnqueued{}).enqueue)
		j2, err := gens.Create(wctx, materials.NewGenerationJob{Prompt: "Scaffolds"})
		if err != nil {
			t.Fatalf("%s: create: %v", c.name, err)
		}
		if _, _, err := gens.Principal(bg, tenant, j2.ID); !errors.As(err, &refused) || !errors.Is(err, courses.ErrCourseAccess) || !strings.HasPrefix(refused.Reason, c.reason) {
			t.Errorf("%s: principal err = %v, want a GenerationRefusedError saying %q", c.name, err, c.reason)
		}
		if got, _ := gens.Get(ctx, j2.ID); got.Status != materials.GenerationFailed || got.Error == nil || !strings.HasPrefix(*got.Error, c.reason) {
			t.Errorf("%s: job refused at start = %s %v", c.name, got.Status, got.Error)
		}
	}
}
