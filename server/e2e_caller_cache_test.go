package server_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2ECallerCacheReplicas: two replicas on one database, each caching its callers.
// A learner's requests on replica A are answered from A's cache; an admin bans her on
// replica B, and A refuses her from then on (B's commit notifies A through PostgreSQL;
// the test allows the notification's delivery, and logs how many requests A answered in
// that window — none is expected); unbanned on B, she is let in again on A.
func TestE2ECallerCacheReplicas(t *testing.T) {
	t.Parallel()
	a := servertest.Start(t)
	b := servertest.Start(t, servertest.Options{DatabaseURL: a.DBURL})
	ctx := e2eCtx(t)
	victim := a.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleLearner})
	admin := b.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	onA := peopleSDK(t, a, sdk.WithToken(victim.Token))
	onB := peopleSDK(t, b, sdk.WithToken(admin.Token))
	me := func() error { _, err := onA.LMS.Me.Get(ctx); return err }
	for i := range 3 { // warm A's cache
		if err := me(); err != nil {
			t.Fatalf("request %d on A before the ban: %v", i, err)
		}
	}
	until := func(what string, want int) {
		t.Helper()
		stale := 0
		for end := time.Now().Add(2 * time.Second); ; stale++ {
			err := me()
			var e *sdk.Error
			switch {
			case want == http.StatusOK && err == nil, want != http.StatusOK && errors.As(err, &e) && e.StatusCode == want:
				t.Logf("%s: replica A answered %d stale request(s) before it took effect", what, stale)
				return
			case time.Now().After(end):
				t.Fatalf("%s on replica B never took effect on replica A (last: %v)", what, err)
			}
			time.Sleep(time.Millisecond)
		}
	}
	if _, err := onB.LMS.Users.Ban(ctx, nil, client.UserBan{UserId: victim.ID}); err != nil {
		t.Fatal(err)
	}
	until("the ban", http.StatusUnauthorized)
	if _, err := onB.LMS.Users.Unban(ctx, victim.ID, nil); err != nil {
		t.Fatal(err)
	}
	until("the unban", http.StatusOK)
}
