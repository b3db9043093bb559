package store

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// ClaimOutcome says what a create carrying an Idempotency-Key should do.
type ClaimOutcome int

// Claim outcomes.
const (
	ClaimNew      ClaimOutcome = iota // first use of the key: run the request, then Complete or Release
	ClaimReplay                       // seen with the same request: replay the stored response
	ClaimMismatch                     // seen with a different request: 422
	ClaimInFlight                     // the first request with this key is still running: 409
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

// pendingTimeout is how long a claim may stay pending before another request may take it
// over (the first one crashed).
const pendingTimeout = time.Minute

// Claim records the caller's use of key for a request with the given fingerprint.
func (r *IdempotencyRepo) Claim(ctx context.Context, key string, fingerprint []byte, ttl time.Duration) (ClaimOutcome, *StoredResponse, error) {
	var (
		outcome ClaimOutcome
		stored  *StoredResponse
	)
	err := r.s.inTenant(ctx, func(t *tx) error {
		tenant := t.p.TenantID
		if err := t.db.Exec(`DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ? AND (expires_at < now() OR (state = 'pending' AND created_at < now() - ?::interval))`,
			tenant, key, fmt.Sprintf("%d seconds", int(pendingTimeout.Seconds()))).Error; err != nil {
			return err
		}
		res := t.db.Exec(`INSERT INTO idempotency_keys (tenant_id, key, fingerprint, state, expires_at) VALUES (?, ?, ?, 'pending', now() + ?::interval) ON CONFLICT DO NOTHING`,
			tenant, key, fingerprint, fmt.Sprintf("%d seconds", int(ttl.Seconds())))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
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
		if err := t.db.Raw(`SELECT fingerprint, state, status, headers, body FROM idempotency_keys WHERE tenant_id = ? AND key = ?`, tenant, key).Scan(&row).Error; err != nil {
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

// Complete stores the response of a claimed key.
func (r *IdempotencyRepo) Complete(ctx context.Context, key string, resp StoredResponse) error {
	err := r.s.inTenant(ctx, func(t *tx) error {
		return t.db.Exec(`UPDATE idempotency_keys SET state = 'done', status = ?, headers = ?, body = ? WHERE tenant_id = ? AND key = ?`,
			resp.Status, JSON[map[string]string]{V: resp.Headers}, resp.Body, t.p.TenantID, key).Error
	})
	if err != nil {
		return fmt.Errorf("complete idempotency key: %w", err)
	}
	return nil
}

// Release forgets a claimed key whose request failed, so a retry can run it again.
func (r *IdempotencyRepo) Release(ctx context.Context, key string) error {
	err := r.s.inTenant(ctx, func(t *tx) error {
		return t.db.Exec(`DELETE FROM idempotency_keys WHERE tenant_id = ? AND key = ? AND state = 'pending'`, t.p.TenantID, key).Error
	})
	if err != nil {
		return fmt.Errorf("release idempotency key: %w", err)
	}
	return nil
}

// PurgeExpired deletes every tenant's expired idempotency keys and returns how many.
func (r *IdempotencyRepo) PurgeExpired(ctx context.Context) (int64, error) {
	res := r.s.db.WithContext(ctx).Exec(`DELETE FROM idempotency_keys WHERE expires_at < now()`)
	if res.Error != nil {
		return 0, fmt.Errorf("purge idempotency keys: %w", res.Error)
	}
	return res.RowsAffected, nil
}
