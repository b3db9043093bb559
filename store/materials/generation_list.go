package materials

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
)

// GenerationPage is a page of the caller's generation jobs.
type GenerationPage struct {
	Items []GenerationJob
	Next  *store.TimeCursor // newest first
}

// List returns the caller's own generation jobs, newest first, limit at a time after the
// cursor (nil: from the newest). An abandoned job is reported failed, as Get does.
func (r *GenerationRepo) List(ctx context.Context, limit int, after *store.TimeCursor) (GenerationPage, error) {
	var page GenerationPage
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		args := store.Args{}
		sql := `SELECT ` + generationCols + `, ` + generationAbandoned + ` FROM generation_jobs g
WHERE tenant_id = learnd_tenant() AND requested_by = ` + args.Add(t.Caller().PersonID)
		if after != nil {
			sql += ` AND (created_at, id) < (` + args.Add(after.At) + `, ` + args.Add(after.ID) + `)`
		}
		sql += ` ORDER BY created_at DESC, id DESC LIMIT ` + args.Add(limit+1)
		page.Items, page.Next, err = store.KeysetPage(t, limit, sql, args, func(rows pgx.Rows, j *GenerationJob) (store.TimeCursor, error) {
			var err error
			*j, err = scanGenerationRead(rows)
			return store.TimeCursor{At: j.CreatedAt, ID: j.ID}, err
		})
		return err
	})
	if err != nil {
		return GenerationPage{}, fmt.Errorf("list generation jobs: %w", err)
	}
	return page, nil
}
