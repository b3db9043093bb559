package learning

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/learnd/learnd/store"
)

// Cursor marks the last record of a page: its sort key (as text) and id. It is opaque to
// clients; the API signs it into a page token.
type Cursor struct {
	Order string    `json:"o"`
	Key   string    `json:"k"`
	ID    uuid.UUID `json:"i"`
}

// Page is one page of a list.
type Page[T any] struct {
	Items []T
	Next  *Cursor // nil on the last page
}

// ordering is one whitelisted sort: a SQL expression (matching an index), the type the
// cursor key is cast to, and how to read the key off a record.
type ordering[T any] struct {
	expr string
	cast string
	key  func(*T) string
}

// cond is one filter clause with its arguments.
type cond struct {
	sql  string
	args []any
}

// TimeRange is an optional half-open [From, To) window.
type TimeRange struct {
	From, To *time.Time
}

// ListOptions are the parts of a list query every envelope table shares.
type ListOptions struct {
	PageSize       int
	OrderBy        string // a key of the table's whitelist, optionally prefixed with "-"
	After          *Cursor
	IncludeDeleted bool
	Tags           []string // records carrying all of them
	Query          string   // case-insensitive substring of the searched columns
	CreatedAt      TimeRange
}

func (r repo[T, P]) list(ctx context.Context, o ListOptions, searchCols []string, conds []cond) (Page[T], error) {
	var page Page[T]
	if o.OrderBy == "" {
		o.OrderBy = "-created_at"
	}
	desc := strings.HasPrefix(o.OrderBy, "-")
	ord, ok := r.spec.orders[strings.TrimPrefix(o.OrderBy, "-")]
	if !ok {
		return page, fmt.Errorf("list %s: unknown order %q", r.spec.name, o.OrderBy)
	}
	if o.After != nil && o.After.Order != o.OrderBy {
		return page, fmt.Errorf("list %s: cursor is for order %q, not %q", r.spec.name, o.After.Order, o.OrderBy)
	}
	if o.PageSize <= 0 {
		o.PageSize = 20
	}
	conds = append(conds, commonConds(o, searchCols)...)
	v := store.LiveOnly
	if o.IncludeDeleted {
		v = store.WithDeleted
	}
	var (
		rows []T
		next *Cursor
	)
	err := r.st.Read(ctx, func(t *store.Tx) error {
		q := t.Table(r.spec.name, v)
		for _, c := range conds {
			q = q.Where(c.sql, c.args...)
		}
		dir, cmp := " ASC", ">"
		if desc {
			dir, cmp = " DESC", "<"
		}
		if o.After != nil {
			q = q.Where(fmt.Sprintf("(%s, id) %s (?::%s, ?)", ord.expr, cmp, ord.cast), o.After.Key, o.After.ID)
		}
		sql, args, err := store.Build[T](q.Order(ord.expr + dir + ", id" + dir).Limit(o.PageSize + 1))
		if err != nil {
			return err
		}
		rows, next, err = store.KeysetRecords(t, o.PageSize, sql, args, func(rec *T) Cursor {
			return Cursor{Order: o.OrderBy, Key: ord.key(rec), ID: P(rec).envelope().ID}
		})
		if err != nil {
			return err
		}
		// The fields the store computes on read, for the page, in the same transaction.
		recs := make([]any, len(rows))
		for i := range rows {
			recs[i] = &rows[i]
		}
		return completeRecords(t, recs...)
	})
	if err != nil {
		return page, fmt.Errorf("list %s: %w", r.spec.name, err)
	}
	page.Next = next
	page.Items = rows
	return page, nil
}

func commonConds(o ListOptions, searchCols []string) []cond {
	var cs []cond
	if len(o.Tags) > 0 {
		cs = append(cs, cond{"tags @> ?::jsonb", []any{store.JSON[[]string]{V: o.Tags}}})
	}
	if o.Query != "" && len(searchCols) > 0 {
		pattern := "%" + store.EscapeLike(o.Query) + "%"
		parts := make([]string, len(searchCols))
		args := make([]any, len(searchCols))
		for i, c := range searchCols {
			parts[i] = c + " ILIKE ?"
			args[i] = pattern
		}
		cs = append(cs, cond{"(" + strings.Join(parts, " OR ") + ")", args})
	}
	cs = append(cs, rangeConds("created_at", o.CreatedAt)...)
	return cs
}

func rangeConds(col string, r TimeRange) []cond {
	var cs []cond
	if r.From != nil {
		cs = append(cs, cond{col + " >= ?", []any{*r.From}})
	}
	if r.To != nil {
		cs = append(cs, cond{col + " < ?", []any{*r.To}})
	}
	return cs
}

// Shared orderings.
func timeKey(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func optTimeKey(t *time.Time) string {
	if t == nil {
		return "infinity"
	}
	return timeKey(*t)
}

func envelopeOrders[T any, P recordPtr[T]]() map[string]ordering[T] {
	return map[string]ordering[T]{
		"created_at": {expr: "created_at", cast: "timestamptz", key: func(v *T) string { return timeKey(P(v).envelope().CreatedAt) }},
		"updated_at": {expr: "updated_at", cast: "timestamptz", key: func(v *T) string { return timeKey(P(v).envelope().UpdatedAt) }},
	}
}
