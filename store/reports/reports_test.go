package reports_test

import (
	"testing"
	"time"

	"github.com/learnd/learnd/store/reports"
)

func TestPct(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		part, whole int
		want        float64
	}{
		{0, 0, 0}, {3, 0, 0}, {0, 7, 0}, {3, 7, 42.9}, {1, 3, 33.3}, {2, 3, 66.7}, {1, 8, 12.5}, {7, 7, 100}, {1, 2000, 0.1}, {1, 20001, 0},
	} {
		if got := reports.Pct(c.part, c.whole); got != c.want {
			t.Errorf("Pct(%d, %d) = %v, want %v", c.part, c.whole, got, c.want)
		}
	}
}

func TestStatWindowDays(t *testing.T) {
	t.Parallel()
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		from, to string
		want     []string
	}{
		{"2025-03-01T00:00:00Z", "2025-03-03T23:59:59.999999Z", []string{"2025-03-01", "2025-03-02", "2025-03-03"}},
		{"2025-03-01T23:00:00Z", "2025-03-02T01:00:00Z", []string{"2025-03-01", "2025-03-02"}},
		{"2025-03-01T10:00:00Z", "2025-03-01T11:00:00Z", []string{"2025-03-01"}},
		// Days are UTC days whatever the offset of the instants.
		{"2025-03-01T23:30:00-02:00", "2025-03-03T00:30:00+02:00", []string{"2025-03-02"}},
		{"2024-12-31T00:00:00Z", "2025-01-01T00:00:00Z", []string{"2024-12-31", "2025-01-01"}},
	} {
		days := reports.StatWindow{From: at(c.from), To: at(c.to)}.Days()
		got := make([]string, len(days))
		for i, d := range days {
			got[i] = d.Format(time.DateOnly)
		}
		if len(got) != len(c.want) {
			t.Errorf("%s … %s: days %v, want %v", c.from, c.to, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s … %s: days %v, want %v", c.from, c.to, got, c.want)
				break
			}
		}
	}
}
