package store

import (
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// NameCursor is the keyset position of a list ordered by lower(name), then id: users,
// groups, group members, courses, course chains and compliance rows. Page tokens carry
// it as {"n": name, "i": id}.
type NameCursor struct {
	Name string    `json:"n"`
	ID   uuid.UUID `json:"i"`
}

// TimeCursor is the keyset position of a list ordered by an instant, then id (keys and
// SCIM tokens, generation jobs and webhook endpoints by creation, delivery attempts, certificates
// by expiry). Page tokens carry it as {"t": instant, "i": id}.
type TimeCursor struct {
	At time.Time `json:"t"`
	ID uuid.UUID `json:"i"`
}

// KeysetPage runs a page query that asks for limit+1 rows in keyset order and scans each
// row with scan, which fills the item and returns the row's position (its sort key and
// id). It returns at most limit items (never nil) and, when the query found more, the
// position of the last item returned: the next page starts after it.
func KeysetPage[T, C any](t *Tx, limit int, sql string, args []any, scan func(pgx.Rows, *T) (C, error)) ([]T, *C, error) {
	rows, err := t.Query(sql, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	items := make([]T, 0, limit)
	var last C
	for rows.Next() {
		if len(items) == limit {
			rows.Close()
			return items, &last, rows.Err()
		}
		items = append(items, *new(T))
		if last, err = scan(rows, &items[len(items)-1]); err != nil {
			return nil, nil, fmt.Errorf("scan: %w", err)
		}
	}
	return items, nil, rows.Err()
}

// KeysetRecords is KeysetPage where each row fills a record by its gorm column tags and
// pos gives the record's position.
func KeysetRecords[T, C any](t *Tx, limit int, sql string, args []any, pos func(*T) C) ([]T, *C, error) {
	scan := recordScanner[T]()
	return KeysetPage(t, limit, sql, args, func(rows pgx.Rows, rec *T) (C, error) {
		if err := scan(rows, rec); err != nil {
			return *new(C), err
		}
		return pos(rec), nil
	})
}

// Args collects a statement's arguments while its SQL text is written: Add appends v and
// returns its placeholder ($1, $2, …).
type Args []any

// Add appends v and returns its placeholder.
func (a *Args) Add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// Limit is literalLimit for SQL written by hand: "LIMIT n" for the usual LIMITs (which
// PostgreSQL plans once), else "LIMIT " and a parameter for n.
func (a *Args) Limit(n int) string {
	if literalLimits[n] {
		return "LIMIT " + strconv.Itoa(n)
	}
	return "LIMIT " + a.Add(n)
}

// ByName ends a page query of a list ordered by lower(name), then id (table is the
// qualifier of its name and id columns, "" for none): the rows after the cursor, in that
// order, limit+1 of them for KeysetPage.
func (a *Args) ByName(table string, after *NameCursor, limit int) string {
	name, id := "lower(name)", "id"
	if table != "" {
		name, id = "lower("+table+".name)", table+".id"
	}
	sql := ""
	if after != nil {
		sql = ` AND (` + name + `, ` + id + `) > (` + a.Add(after.Name) + `, ` + a.Add(after.ID) + `)`
	}
	return sql + ` ORDER BY ` + name + `, ` + id + ` ` + a.Limit(limit+1)
}
