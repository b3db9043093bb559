package learning

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
)

// responseOrders are the orders a response list takes (optionally prefixed with "-").
var responseOrders = map[string]ordering[AssessmentResponse]{
	"created_at": {expr: "created_at", cast: "timestamptz", key: func(r *AssessmentResponse) string { return timeKey(r.CreatedAt) }},
	"score":      {expr: "score", cast: "float8", key: func(r *AssessmentResponse) string { return strconv.FormatFloat(r.Score, 'g', -1, 64) }},
}

// ResponseQuery selects a page of an assessment's responses.
type ResponseQuery struct {
	PageSize     int
	OrderBy      string // created_at, score; "-" for descending (default -created_at)
	After        *Cursor
	RespondentID *uuid.UUID
}

// ListResponses returns one page of the responses to an assessment the caller can see
// (live, same tenant and application); ErrNotFound otherwise.
func (r *AssessmentRepo) ListResponses(ctx context.Context, assessmentID uuid.UUID, q ResponseQuery) (Page[AssessmentResponse], error) {
	var page Page[AssessmentResponse]
	if q.OrderBy == "" {
		q.OrderBy = "-created_at"
	}
	desc := strings.HasPrefix(q.OrderBy, "-")
	ord, ok := responseOrders[strings.TrimPrefix(q.OrderBy, "-")]
	if !ok {
		return page, fmt.Errorf("list assessment responses: unknown order %q", q.OrderBy)
	}
	if q.After != nil && q.After.Order != q.OrderBy {
		return page, fmt.Errorf("list assessment responses: cursor is for order %q, not %q", q.After.Order, q.OrderBy)
	}
	if q.PageSize <= 0 {
		q.PageSize = 20
	}
	err := r.st.Read(ctx, func(t *store.Tx) error {
		if ok, err := visible(t, assessmentTable.name, assessmentID); err != nil || !ok {
			if err == nil {
				err = store.ErrNotFound
			}
			return err
		}
		sq := t.TenantTable(responsesTable).Where("assessment_id = ?", assessmentID)
		if q.RespondentID != nil {
			sq = sq.Where("respondent_id = ?", *q.RespondentID)
		}
		dir, cmp := " ASC", ">"
		if desc {
			dir, cmp = " DESC", "<"
		}
		if q.After != nil {
			sq = sq.Where(fmt.Sprintf("(%s, id) %s (?::%s, ?)", ord.expr, cmp, ord.cast), q.After.Key, q.After.ID)
		}
		sql, args, err := store.Build[AssessmentResponse](sq.Order(ord.expr + dir + ", id" + dir).Limit(q.PageSize + 1))
		if err != nil {
			return err
		}
		page.Items, page.Next, err = store.KeysetRecords(t, q.PageSize, sql, args, func(rec *AssessmentResponse) Cursor {
			return Cursor{Order: q.OrderBy, Key: ord.key(rec), ID: rec.ID}
		})
		return err
	})
	if err != nil {
		return page, fmt.Errorf("list assessment responses: %w", err)
	}
	return page, nil
}

// GetResponse returns one response to an assessment the caller can see. With
// onlyRespondent, another person's response is ErrNotFound.
func (r *AssessmentRepo) GetResponse(ctx context.Context, assessmentID, responseID uuid.UUID, onlyRespondent *uuid.UUID) (*AssessmentResponse, error) {
	var out *AssessmentResponse
	err := r.st.Read(ctx, func(t *store.Tx) error {
		if ok, err := visible(t, assessmentTable.name, assessmentID); err != nil || !ok {
			if err == nil {
				err = store.ErrNotFound
			}
			return err
		}
		sq := t.TenantTable(responsesTable).Where("assessment_id = ? AND id = ?", assessmentID, responseID)
		if onlyRespondent != nil {
			sq = sq.Where("respondent_id = ?", *onlyRespondent)
		}
		rows, err := store.QueryRows[AssessmentResponse](t, sq.Limit(1), 1)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return store.ErrNotFound
		}
		out = &rows[0]
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("get assessment response: %w", err)
	}
	return out, nil
}
