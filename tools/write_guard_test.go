package tools

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
)

// wrConfirmed makes a write that needs confirmation as a client without elicitation does:
// a dry run, then the call with its planHash.
func wrConfirmed[T any](t *testing.T, cs *mcp.ClientSession, name string, args map[string]any) (T, string) {
	t.Helper()
	plan, _ := wrOK[Planned](t, cs, name, withArgs(args, "dryRun", true))
	if !plan.DryRun || plan.PlanHash == "" {
		t.Fatalf("%s dry run = %+v", name, plan)
	}
	return wrOK[T](t, cs, name, withArgs(args, "planHash", plan.PlanHash))
}

func withArgs(args map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range args {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// elicitingSession is an MCP session of a client that supports elicitation and answers
// every request with action (confirm true when accepting); asked counts the requests.
func elicitingSession(t *testing.T, w *wrWorld, key, action string, asked *int, message *string) *mcp.ClientSession {
	t.Helper()
	ctx := wrCtx(t)
	srv, err := New(ctx, Config{APIURL: w.env.URL, Key: key, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ss.Close() })
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "eliciting", Version: "1"}, &mcp.ClientOptions{
		ElicitationHandler: func(_ context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
			*asked++
			*message = req.Params.Message
			if action != "accept" {
				return &mcp.ElicitResult{Action: action}, nil
			}
			return &mcp.ElicitResult{Action: "accept", Content: map[string]any{"confirm": true}}, nil
		},
	}).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cs.Close() })
	return cs
}

// TestWriteGuard: dry runs change nothing and answer what the call does; a planHash must
// match a fresh dry run; ban_user and writes reaching more than 25 learners need
// confirmation (elicitation, else a planHash); a past deadline is refused on create.
func TestWriteGuard(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	w := wrNewWorld(t, env, "guard")
	key := w.key(w.admin)
	cs := w.session(key, false)
	course := w.course("Confined Spaces", 1, false)
	sarah := w.user(auth.RoleLearner, "Sarah Connor")
	count := func(sql string) int {
		t.Helper()
		var n int
		if err := w.db.QueryRow(wrCtx(t), sql, w.tenant).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	assignments := func() int { return count(`SELECT count(*) FROM assignments WHERE tenant_id = $1`) }

	// A dry run: the answer of the real call, marked, with a plan hash; nothing stored.
	due := wrUnix(48 * time.Hour)
	args := map[string]any{"courseId": course, "userId": sarah.ID, "dueAt": due}
	dry, text := wrOK[assignmentOut](t, cs, "assign_training", withArgs(args, "dryRun", true))
	if !dry.DryRun || dry.PlanHash == "" || dry.UserID != sarah.ID || dry.Status != "assigned" || dry.AlreadyAssigned {
		t.Errorf("dry run = %+v", dry)
	}
	if !strings.HasPrefix(text, "DRY RUN — nothing changed.") || !strings.HasSuffix(text, "planHash: "+dry.PlanHash) {
		t.Errorf("dry run text = %q", text)
	}
	if n := assignments(); n != 0 {
		t.Fatalf("%d assignments after a dry run", n)
	}
	// Another dry run plans the same; other arguments plan differently.
	again, _ := wrOK[assignmentOut](t, cs, "assign_training", withArgs(args, "dryRun", true))
	other, _ := wrOK[assignmentOut](t, cs, "assign_training", withArgs(args, "dryRun", true, "dueAt", due+3600))
	if again.PlanHash != dry.PlanHash || other.PlanHash == dry.PlanHash {
		t.Errorf("plan hashes %s, again %s, other dueAt %s", dry.PlanHash, again.PlanHash, other.PlanHash)
	}
	if got := wrErr(t, cs, "assign_training", withArgs(args, "planHash", other.PlanHash)); !strings.HasPrefix(got, MsgInvalidArguments+"planHash") {
		t.Errorf("a wrong planHash: %q", got)
	}
	if n := assignments(); n != 0 {
		t.Fatalf("%d assignments after a wrong planHash", n)
	}
	real, _ := wrOK[assignmentOut](t, cs, "assign_training", withArgs(args, "planHash", dry.PlanHash))
	if real.DryRun || real.PlanHash != dry.PlanHash || real.UserID != sarah.ID || assignments() != 1 {
		t.Errorf("confirmed write = %+v (%d assignments)", real, assignments())
	}
	// The plan changed (now already assigned): the old hash no longer fits.
	if got := wrErr(t, cs, "assign_training", withArgs(args, "planHash", dry.PlanHash)); !strings.Contains(got, "changed since") {
		t.Errorf("a stale planHash: %q", got)
	}

	// A past deadline is refused on create, as on extend.
	c2 := w.course("Forklift", 1, false)
	if got := wrErr(t, cs, "assign_training", map[string]any{"courseId": c2, "userId": sarah.ID, "dueAt": wrUnix(-time.Hour)}); !strings.Contains(got, "dueAt: must be in the future") {
		t.Errorf("past dueAt: %q", got)
	}

	// ban_user without elicitation: refused with the plan and its hash; nothing changed.
	got := wrErr(t, cs, "ban_user", map[string]any{"userId": sarah.ID})
	if !strings.HasPrefix(got, "Confirmation required: banning Sarah Connor") || !strings.Contains(got, `planHash: "pl_`) {
		t.Errorf("ban without confirmation: %q", got)
	}
	status := func() string {
		t.Helper()
		u, err := w.api.LMS.Users.Get(wrCtx(t), sarah.ID)
		if err != nil {
			t.Fatal(err)
		}
		return string(u.Status)
	}
	if s := status(); s != "active" {
		t.Fatalf("status after a refused ban: %s", s)
	}
	// With elicitation: the person is asked; declining changes nothing, accepting bans.
	var asked int
	var message string
	declines := elicitingSession(t, w, key, "decline", &asked, &message)
	if got := wrErr(t, declines, "ban_user", map[string]any{"userId": sarah.ID}); !strings.Contains(got, "did not confirm (decline)") || asked != 1 || status() != "active" {
		t.Errorf("declined ban: %q, asked %d, status %s", got, asked, status())
	}
	if !strings.Contains(message, "ban_user: banning Sarah Connor") || !strings.Contains(message, "is banned") {
		t.Errorf("elicitation message = %q", message)
	}
	accepts := elicitingSession(t, w, key, "accept", &asked, &message)
	if out, _ := wrOK[userOut](t, accepts, "ban_user", map[string]any{"userId": sarah.ID}); out.Status != "banned" || asked != 2 || status() != "banned" {
		t.Errorf("accepted ban = %+v, asked %d", out, asked)
	}

	// bulk_assign to more than 25 learners needs confirmation; to 25, not.
	var big, small []string
	for i := range 26 {
		u := w.user(auth.RoleLearner, fmt.Sprintf("Learner %02d", i))
		big = append(big, u.ID)
		if i < 25 {
			small = append(small, u.ID)
		}
	}
	c3, c4 := w.course("Ladders", 1, false), w.course("Gloves", 1, false)
	// (With the banned Sarah, who is skipped and named.)
	out, text := wrOK[bulkAssignOut](t, cs, "bulk_assign", map[string]any{"groupId": w.group("Small", append(small, sarah.ID)...), "courseIds": []string{c3}})
	if out.Assigned != 25 || len(out.Courses) != 1 || len(out.Courses[0].AssignedUsers) != 25 ||
		len(out.Courses[0].SkippedUsers) != 1 || out.Courses[0].SkippedUsers[0] != sarah.ID {
		t.Errorf("bulk to 25 = %+v", out)
	}
	if !strings.Contains(text, "skipped (banned): "+sarah.ID) || !strings.Contains(text, "assigned: "+small[0]) {
		t.Errorf("bulk to 25 text = %q", text)
	}
	bigArgs := map[string]any{"groupId": w.group("Big", big...), "courseIds": []string{c4}}
	if got := wrErr(t, cs, "bulk_assign", bigArgs); !strings.HasPrefix(got, "Confirmation required: this assigns 1 course to 26 learners") {
		t.Errorf("bulk to 26 without confirmation: %q", got)
	}
	if out, _ := wrConfirmed[bulkAssignOut](t, cs, "bulk_assign", bigArgs); out.Assigned != 26 {
		t.Errorf("confirmed bulk to 26 = %+v", out)
	}
}
