package server

import (
	"context"
	"time"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/reports"
)

// Report windows: an RFC 3339 instant or a YYYY-MM-DD date (UTC) at each end, both ends
// inclusive; a date as the end of a window includes that whole day.
const (
	rptDefaultWindow = 30 * 24 * time.Hour
	rptMaxWindow     = 366 * 24 * time.Hour
)

// rptParseTime parses one end of a window; with end, a bare date means the last
// microsecond of that day.
func rptParseTime(s string, end bool) (time.Time, bool) {
	if len(s) == len(time.DateOnly) {
		d, err := time.ParseInLocation(time.DateOnly, s, time.UTC)
		if err != nil {
			return time.Time{}, false
		}
		if end {
			d = d.AddDate(0, 0, 1).Add(-time.Microsecond)
		}
		return d, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// rptBadParam is the 400 for a malformed or out-of-range query parameter.
func rptBadParam(ctx context.Context, name, detail string) error {
	return fail(withFields(newProblem(ctx, kindBadRequest, "the request is malformed: "+name+" "+detail),
		[]api.FieldError{{Parameter: ptr(name), Detail: detail}}))
}

// rptTimeParam parses an optional window end named name.
func rptTimeParam(ctx context.Context, name string, raw *string, end bool) (*time.Time, error) {
	if raw == nil {
		return nil, nil
	}
	t, ok := rptParseTime(*raw, end)
	if !ok {
		return nil, rptBadParam(ctx, name, "must be an RFC 3339 instant (2026-03-02T09:00:00Z) or a YYYY-MM-DD date")
	}
	return &t, nil
}

// rptWindow resolves a statistics window from its optional ends: by default the 30 days up
// to now; at most 366 days; from not after to.
func rptWindow(ctx context.Context, from, to *string) (reports.StatWindow, error) {
	f, err := rptTimeParam(ctx, "from", from, false)
	if err != nil {
		return reports.StatWindow{}, err
	}
	t, err := rptTimeParam(ctx, "to", to, true)
	if err != nil {
		return reports.StatWindow{}, err
	}
	w := reports.StatWindow{}
	if t != nil {
		w.To = *t
	} else {
		w.To = time.Now().UTC().Truncate(time.Microsecond)
	}
	if f != nil {
		w.From = *f
	} else {
		w.From = w.To.Add(-rptDefaultWindow)
	}
	if w.From.After(w.To) {
		return w, rptBadParam(ctx, "from", "must not be after to")
	}
	if w.To.Sub(w.From) > rptMaxWindow {
		return w, rptBadParam(ctx, "from", "must be at most 366 days before to")
	}
	return w, nil
}
