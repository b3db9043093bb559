package server_test

import (
	"net/http"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

func TestE2EReportsLeaderboard(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	f := rptNewFix(t, env, "rpt-leaders")
	d := func(s string) rptAsg { return rptAsg{CompletedAt: rptDate(t, s)} }
	pts := func(a rptAsg, p int) rptAsg { a.Points = p; return a }

	manager := f.user("Manager", auth.RoleManager, false)
	uma := f.user("Uma", auth.RoleLearner, false)
	vic := f.user("Vic", auth.RoleLearner, false)
	abe := f.user("abe", auth.RoleLearner, false) // names sort case-insensitively
	wes := f.user("Wes", auth.RoleLearner, false)
	xan := f.user("Xan", auth.RoleLearner, false)
	yul := f.user("Yul", auth.RoleLearner, true) // banned
	zed := f.user("Zed", auth.RoleLearner, false)
	quinn := f.user("Quinn", auth.RoleLearner, false)
	ned := f.user("Ned", auth.RoleLearner, false) // started, never completed

	k1, _ := f.course(rptCourseSpec{Name: "K1", Status: "published"})
	k2, _ := f.course(rptCourseSpec{Name: "K2", Status: "published"})
	k3, _ := f.course(rptCourseSpec{Name: "K3", Status: "published"})
	kd, _ := f.course(rptCourseSpec{Name: "Deleted", Status: "published", Deleted: true})

	f.assign(uma, k1, pts(d("2025-06-01T00:00:00Z"), 100))
	f.assign(uma, k2, pts(d("2025-06-30T23:59:59Z"), 50))
	f.assign(uma, k3, pts(d("2025-05-31T23:59:59Z"), 1000)) // before the window
	f.assign(vic, k1, pts(d("2025-06-10T10:00:00Z"), 150))
	f.assign(abe, k2, pts(d("2025-06-11T10:00:00Z"), 150))
	f.assign(wes, k1, d("2025-06-02T10:00:00Z"))
	f.assign(wes, k2, d("2025-06-03T10:00:00Z"))
	f.assign(wes, k3, d("2025-06-04T10:00:00Z"))
	f.assign(xan, k1, pts(d("2025-07-01T00:00:00Z"), 500)) // after the window
	f.assign(yul, k1, pts(d("2025-06-15T10:00:00Z"), 1000))
	f.assign(zed, kd, pts(d("2025-06-15T10:00:00Z"), 1000))
	f.assign(ned, k1, rptAsg{StartedAt: rptDate(t, "2025-06-15T10:00:00Z")})
	f.assign(quinn, k1, pts(rptAsg{CompletedAt: rptNow().Add(-2 * rptDay)}, 10))

	type entry struct {
		Rank                int
		UserID, Name        string
		Points, Completions int
	}
	e := func(rank int, u rptUser, points, completions int) entry {
		return entry{rank, u.ID, u.Name, points, completions}
	}
	board := func(p *client.GetLeaderboardParams) []entry {
		t.Helper()
		got, err := manager.Client.LMS.Statistics.Leaders(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]entry, len(got.Data))
		for i, l := range got.Data {
			out[i] = entry{l.Rank, l.UserId, l.Name, l.Points, l.Completions}
		}
		return out
	}
	june := func(limit *int, to string) *client.GetLeaderboardParams {
		return &client.GetLeaderboardParams{Limit: limit, From: e2ePtr("2025-06-01"), To: e2ePtr(to)}
	}

	t.Run("order", func(t *testing.T) {
		// Points, then completions, then name.
		rptSame(t, "june", []entry{e(1, uma, 150, 2), e(2, abe, 150, 1), e(3, vic, 150, 1), e(4, wes, 0, 3)},
			board(june(nil, "2025-06-30")))
	})
	t.Run("limit", func(t *testing.T) {
		rptSame(t, "top 2", []entry{e(1, uma, 150, 2), e(2, abe, 150, 1)}, board(june(e2ePtr(2), "2025-06-30")))
		rptSame(t, "top 1", []entry{e(1, uma, 150, 2)}, board(june(e2ePtr(1), "2025-06-30")))
		for _, n := range []int{0, 51} {
			_, err := manager.Client.LMS.Statistics.Leaders(ctx, june(e2ePtr(n), "2025-06-30"))
			e2eSdkErr(t, err, http.StatusBadRequest, "limit out of range")
		}
	})
	t.Run("period", func(t *testing.T) {
		rptSame(t, "june and 1 july", []entry{e(1, xan, 500, 1), e(2, uma, 150, 2), e(3, abe, 150, 1), e(4, vic, 150, 1), e(5, wes, 0, 3)},
			board(june(nil, "2025-07-01")))
		rptSame(t, "instants", []entry{e(1, uma, 1100, 2)},
			board(&client.GetLeaderboardParams{From: e2ePtr("2025-05-31T23:59:59Z"), To: e2ePtr("2025-06-01T00:00:00Z")}))
		rptSame(t, "default: the last 30 days", []entry{e(1, quinn, 10, 1)}, board(nil))
		rptSame(t, "nobody", []entry{}, board(&client.GetLeaderboardParams{From: e2ePtr("2024-01-01"), To: e2ePtr("2024-01-31")}))
		_, err := manager.Client.LMS.Statistics.Leaders(ctx, &client.GetLeaderboardParams{From: e2ePtr("June")})
		e2eSdkErr(t, err, http.StatusBadRequest, "bad from")
	})
	t.Run("window echoed", func(t *testing.T) {
		got, err := manager.Client.LMS.Statistics.Leaders(ctx, june(nil, "2025-06-30"))
		if err != nil {
			t.Fatal(err)
		}
		rptSame(t, "window", client.StatisticsWindow{From: rptDate(t, "2025-06-01T00:00:00Z"), To: rptDate(t, "2025-06-30T23:59:59.999999Z")}, rptUTC(got.Window))
	})
}
