package materials

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/learnd/learnd/store"
)

// AIQuota is the AI-authoring allowance per UTC day (seed 003): PerKey calls for each API
// key — or, for a token caller without a key, each person — and PerTenant calls for the
// whole tenant, shared by upload, both generate calls, refine and both regenerate calls.
type AIQuota struct {
	PerKey    int
	PerTenant int
}

// DefaultAIQuota is the seed's quota: 5 per key per day, 50 per tenant per day.
var DefaultAIQuota = AIQuota{PerKey: 5, PerTenant: 50}

// QuotaExceededError is a refused AI call: which allowance ran out and when it renews
// (the next UTC midnight).
type QuotaExceededError struct {
	Scope      string // "key" or "tenant"
	Limit      int
	RetryAfter time.Duration
}

func (e *QuotaExceededError) Error() string {
	return fmt.Sprintf("the %s's daily AI quota of %d calls is used up", e.Scope, e.Limit)
}

// IsQuotaExceeded reports whether err is a *QuotaExceededError and returns it.
func IsQuotaExceeded(err error) (*QuotaExceededError, bool) {
	var q *QuotaExceededError
	ok := errors.As(err, &q)
	return q, ok
}

var errQuotaRollback = errors.New("quota exceeded")

// TakeAIQuota counts one AI call of the caller against q, or refuses it with a
// *QuotaExceededError and counts nothing. Concurrent calls serialise on the counters' rows.
func (s *Repo) TakeAIQuota(ctx context.Context, q AIQuota) error {
	var exceeded *QuotaExceededError
	err := s.st.InTenant(ctx, func(t *store.Tx) error {
		ts := time.Now().UTC()
		day := ts.Format(time.DateOnly)
		subject := "person:" + t.Caller().PersonID.String()
		if t.Caller().KeyID != "" {
			if id, err := store.ParseKeyID(t.Caller().KeyID); err == nil {
				subject = "key:" + id.String()
			}
		}
		rows, err := t.Query(`INSERT INTO ai_usage (tenant_id, day, subject, count) VALUES ($1, $2, 'tenant', 1), ($1, $2, $3, 1)
ON CONFLICT (tenant_id, day, subject) DO UPDATE SET count = ai_usage.count + 1 RETURNING subject, count`, t.Caller().TenantID, day, subject)
		if err != nil {
			return err
		}
		counts := map[string]int{}
		for rows.Next() {
			var sub string
			var n int
			if err := rows.Scan(&sub, &n); err != nil {
				rows.Close()
				return err
			}
			counts[sub] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		midnight := time.Date(ts.Year(), ts.Month(), ts.Day()+1, 0, 0, 0, 0, time.UTC)
		switch {
		case counts[subject] > q.PerKey:
			exceeded = &QuotaExceededError{Scope: "key", Limit: q.PerKey, RetryAfter: midnight.Sub(ts)}
		case counts["tenant"] > q.PerTenant:
			exceeded = &QuotaExceededError{Scope: "tenant", Limit: q.PerTenant, RetryAfter: midnight.Sub(ts)}
		default:
			return nil
		}
		return errQuotaRollback // roll the increments back
	})
	if exceeded != nil {
		return exceeded
	}
	if err != nil {
		return fmt.Errorf("take ai quota: %w", err)
	}
	return nil
}
