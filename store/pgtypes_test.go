package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/storetest"
)

// TestRegisteredTypes: with the store's type registrations, ids (uuid.UUID, *uuid.UUID,
// nil or not, and lists of them) travel as binary uuid without pgx's driver.Valuer
// detour, and come back equal; times come back in UTC.
func TestRegisteredTypes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, storetest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	store.RegisterTypes(conn)

	u, v := uuid.New(), uuid.New()
	for _, value := range []any{u, &u, (*uuid.UUID)(nil)} {
		plan := conn.TypeMap().PlanEncode(pgtype.UUIDOID, pgtype.BinaryFormatCode, value)
		if plan == nil || strings.Contains(fmt.Sprintf("%T", plan), "DriverValuer") {
			t.Errorf("%T is planned as %T", value, plan)
		}
	}

	var (
		gotU    uuid.UUID
		gotP    *uuid.UUID
		gotNil  *uuid.UUID
		gotList []uuid.UUID
		gotText string
		gotTime time.Time
	)
	at := time.Date(2026, 12, 6, 15, 4, 5, 123456000, time.FixedZone("CET", 3600))
	err = conn.QueryRow(ctx, `SELECT $1::uuid, $2::uuid, $3::uuid, $4::uuid[], $2::uuid::text, $5::timestamptz`,
		u, &v, (*uuid.UUID)(nil), []uuid.UUID{u, v}, at).Scan(&gotU, &gotP, &gotNil, &gotList, &gotText, &gotTime)
	if err != nil {
		t.Fatal(err)
	}
	if gotU != u || gotP == nil || *gotP != v || gotNil != nil || len(gotList) != 2 || gotList[0] != u || gotList[1] != v || gotText != v.String() {
		t.Errorf("round trip: %v %v %v %v %q, want %v %v <nil> [%v %v] %q", gotU, gotP, gotNil, gotList, gotText, u, v, u, v, v.String())
	}
	if !gotTime.Equal(at) || gotTime.Location() != time.UTC {
		t.Errorf("time came back as %v, want %v in UTC", gotTime, at)
	}
}
