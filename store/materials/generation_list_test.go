package materials_test

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/store/storetest"
)

// TestGenerationList: a person lists their own generation jobs only, newest first, page
// by page; a job the queue gave up on is listed failed, as Get reads it.
func TestGenerationList(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	genTenant(t, conn, "tl")
	q := &genEnqueued{}
	st.SetJobQueue(q.enqueue)
	gens := materials.New(st).Generations()
	mine, other := storetest.As("tl", "", auth.RoleManager), storetest.As("tl", "", auth.RoleManager)
	var ids []uuid.UUID
	for _, prompt := range []string{"one", "two", "three"} {
		j, err := gens.Create(mine, materials.NewGenerationJob{Prompt: prompt})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	if _, err := gens.Create(other, materials.NewGenerationJob{Prompt: "theirs"}); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(context.Background(), `INSERT INTO river_job (state, attempt, max_attempts, attempted_at, finalized_at, args, kind, queue)
VALUES ('discarded', 3, 3, now(), now(), $1, 'generate_course', 'ai')`, `{"tenant_id":"tl","id":"`+ids[0].String()+`"}`); err != nil {
		t.Fatal(err)
	}

	first, err := gens.List(mine, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.Items) != 2 || first.Items[0].ID != ids[2] || first.Items[1].ID != ids[1] || first.Next == nil {
		t.Fatalf("first page = %+v", first)
	}
	rest, err := gens.List(mine, 2, first.Next)
	if err != nil {
		t.Fatal(err)
	}
	if len(rest.Items) != 1 || rest.Items[0].ID != ids[0] || rest.Next != nil {
		t.Fatalf("second page = %+v", rest)
	}
	if j := rest.Items[0]; j.Status != materials.GenerationFailed || j.Error == nil {
		t.Errorf("abandoned job listed as %s (%v), want failed", j.Status, j.Error)
	}
	theirs, err := gens.List(other, 10, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(theirs.Items) != 1 || theirs.Items[0].Prompt != "theirs" {
		t.Errorf("the other person's list = %+v", theirs.Items)
	}
}
