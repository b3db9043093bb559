package learning_test

import (
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/store/storetest"
)

// Responses are isolated by row-level security too: an unfiltered count under the RLS
// role sees only the caller's tenant's responses.
func TestResponsesRowLevelSecurity(t *testing.T) {
	t.Parallel()
	st := storetest.New(t)
	a, b := storetest.As("rsp-a", "", auth.RoleLearner), storetest.As("rsp-b", "", auth.RoleLearner)
	asm := &learning.Assessment{Kind: "general", Name: "rls", Status: "open",
		Questions: store.JSON[[]learning.Question]{V: []learning.Question{{ID: "q1", Type: "boolean", Text: "ok?"}}}}
	if err := learning.New(st).Assessments.Create(a, asm); err != nil {
		t.Fatal(err)
	}
	r, replaced, err := learning.New(st).Assessments.SubmitResponse(a, asm.ID, []learning.AnswerInput{{QuestionID: "q1", Value: true}})
	if err != nil || replaced || r.Score != 1 || r.MaxScore != 1 {
		t.Fatalf("submit = %+v, replaced %v, %v", r, replaced, err)
	}
	if _, _, err := learning.New(st).Assessments.SubmitResponse(b, asm.ID, []learning.AnswerInput{{QuestionID: "q1", Value: true}}); !learning.IsNotFound(err) {
		t.Fatalf("submit from another tenant: %v, want not found", err)
	}
	if n, err := storetest.CountUnscoped(a, st, "assessment_responses"); err != nil || n != 1 {
		t.Errorf("own tenant sees %d responses (%v), want 1", n, err)
	}
	if n, err := storetest.CountUnscoped(b, st, "assessment_responses"); err != nil || n != 0 {
		t.Errorf("other tenant sees %d responses (%v), want 0", n, err)
	}
}
