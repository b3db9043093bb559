package materials

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// GenerationCancelled is the status of a job its requester cancelled.
const GenerationCancelled = "cancelled"

// generationCancelledMessage is a cancelled job's error.message.
const generationCancelledMessage = "cancelled by the requester; nothing was created and the AI quota call was given back"

// Cancel stops one of the caller's own generation jobs that is queued or running: the job
// is marked cancelled (a worker then neither starts it nor stores its course) and the AI
// quota call its request took is given back, in one transaction audited as
// course.generate.cancel. ErrNotFound for anyone else's job; ErrGenerationFinished when
// it already completed, failed or was cancelled.
func (r *GenerationRepo) Cancel(ctx context.Context, id uuid.UUID) (GenerationJob, error) {
	var out GenerationJob
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		j, err := scanGeneration(t.QueryRow(`SELECT `+generationCols+` FROM generation_jobs
WHERE tenant_id = learnd_tenant() AND id = $1 AND requested_by = $2 FOR UPDATE`, id, t.Caller().PersonID))
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if j.Status != GenerationQueued && j.Status != GenerationRunning {
			return ErrGenerationFinished
		}
		now := store.Now()
		msg := generationCancelledMessage
		if _, err := t.Exec(`UPDATE generation_jobs SET status = 'cancelled', error = $2, finished_at = $3
WHERE tenant_id = learnd_tenant() AND id = $1`, id, msg, now); err != nil {
			return err
		}
		// Give back what TakeAIQuota counted for the request: on the day it was made, for
		// the tenant and for the key (or the person without one).
		subject := "person:" + j.RequestedBy.String()
		if j.KeyID != nil {
			subject = "key:" + j.KeyID.String()
		}
		if _, err := t.Exec(`UPDATE ai_usage SET count = count - 1
WHERE tenant_id = learnd_tenant() AND day = $1 AND subject IN ('tenant', $2) AND count > 0`,
			j.CreatedAt.UTC().Format("2006-01-02"), subject); err != nil {
			return err
		}
		before := generationAudit(j)
		j.Status, j.Error, j.FinishedAt = GenerationCancelled, &msg, &now
		out = j
		return t.Audit("course.generate.cancel", "generation_job", typeid.Format(GenerationJobPrefix, j.ID), before, generationAudit(j))
	})
	if err != nil {
		return GenerationJob{}, fmt.Errorf("cancel generation job: %w", err)
	}
	return out, nil
}
