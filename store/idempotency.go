package store

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ClaimOutcome says what a create carrying an Idempotency-Key should do.
type ClaimOutcome int

// Claim outcomes.
const (
	ClaimNew      ClaimOutcome = iota // first use of the key: run the request, then Complete or Release
	ClaimReplay                       // seen with the same request: replay the stored response
	ClaimMismatch                     // seen with a different request: 422
	ClaimInFlight                     // the first request with this key is still running: 409, retry shortly
)

// StoredResponse is a response kept for replay.
type StoredResponse struct {
	Status  int
	Headers map[string]string
	Body    []byte
}

// IdempotencyRepo keeps the responses of creates made with an Idempotency-Key.
type IdempotencyRepo struct {
	s *Store
}

// idemInterval is d in PostgreSQL's interval notation (to the millisecond).
func idemInterval(d time.Duration) string {
	return fmt.Sprintf("%d milliseconds", d.Milliseconds())
}

// Claim records the caller's use of key for a request with the given fingerprint. A new
// claim stays pending for pendingFor at most (the request's remaining time and a little
// more): a later request that finds it pending past then takes it over, since the request
// that claimed it is over, whether it finished, failed without releasing the claim (the
// database was unreachable) or died with its process.
func (r *IdempotencyRepo) Claim(ctx context.Context, key string, fingerprint []byte, pendingFor time.Duration) (ClaimOutcome, *StoredResponse, error) {
	var (
		outcome ClaimOutcome
		stored  *StoredResponse
	)
	err := r.s.InTenant(ctx, func(t *Tx) error {
		tenant := t.p.TenantID
		if _, err := t.Exec(idemDeleteStale, tenant, key); err != nil {
			return err
		}
		tag, err := t.Exec(idemInsert, tenant, key, fingerprint, idemInterval(pendingFor))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			outcome = ClaimNew
			return nil
		}
		var row struct {
			Fingerprint []byte
			State       string
			Status      *int
			Headers     JSON[map[string]string]
			Body        []byte
		}
		if err := t.QueryRow(idemSelect, tenant, key).Scan(&row.Fingerprint, &row.State, &row.Status, &row.Headers, &row.Body); err != nil {
			return err
		}
		switch {
		case !bytes.Equal(row.Fingerprint, fingerprint):
			outcome = ClaimMismatch
		case row.State == "pending":
			outcome = ClaimInFlight
		default:
			outcome = ClaimReplay
			stored = &StoredResponse{Headers: row.Headers.V, Body: row.Body}
			if row.Status != nil {
				stored.Status = *row.Status
			}
		}
		return nil
	})
	if err != nil {
		return 0, nil, fmt.Errorf("claim idempotency key: %w", err)
	}
	return outcome, stored, nil
}

// Complete stores the response of a claimed key, to be replayed for ttl.
func (r *IdempotencyRepo) Complete(ctx context.Context, key string, resp StoredResponse, ttl time.Duration) error {
	if resp.Headers == nil {
		resp.Headers = map[string]string{} // an object, never JSON null
	}
	err := r.s.InTenant(ctx, func(t *Tx) error {
		_, err := t.Exec(idemComplete, resp.Status, JSON[map[string]string]{V: resp.Headers}, resp.Body, t.p.TenantID, key, idemInterval(ttl))
		return err
	})
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// Release forgets a claimed key whose request failed, so a retry can run it again.
func (r *IdempotencyRepo) Release(ctx context.Context, key string) error {
	err := r.s.InTenant(ctx, func(t *Tx) error {
		_, err := t.Exec(idemRelease, t.p.TenantID, key)
		return err
	})
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// PurgeExpired deletes every tenant's expired idempotency keys and returns how many. It
// runs as the connecting role in a transaction that switches on the purge policies.
func (r *IdempotencyRepo) PurgeExpired(ctx context.Context) (int64, error) {
	var n int64
	err := pgx.BeginFunc(ctx, r.s.pool, func(t pgx.Tx) error {
		if _, err := t.Exec(ctx, idemPurgeOn); err != nil {
			return err
		}
		tag, err := t.Exec(ctx, idemPurge)
		n = tag.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", err)
	}
	return n, nil
}
