package server_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// e2eSeedRefs writes, straight to the database, the records a v1 cohort may reference —
// a group, users (facilitators) and assessments (of the application appID, "" for none) —
// with the given ids in tenant, so a test can name them (v1 references must exist).
func e2eSeedRefs(t *testing.T, db *pgx.Conn, tenant, appID string, groups, users, assessments []uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	var app *string
	if appID != "" {
		app = &appID
	}
	for _, id := range groups {
		if _, err := db.Exec(ctx, `INSERT INTO groups (tenant_id, id, name, created_at, updated_at) VALUES ($1, $2, 'Seeded group', now(), now())
ON CONFLICT DO NOTHING`, tenant, id); err != nil {
			t.Fatalf("seed group: %v", err)
		}
	}
	for _, id := range users {
		if _, err := db.Exec(ctx, `INSERT INTO users (tenant_id, id, name, email, created_at, updated_at) VALUES ($1, $2, 'Seeded user', $3, now(), now())
ON CONFLICT DO NOTHING`, tenant, id, id.String()+"@seed.example"); err != nil {
			t.Fatalf("seed user: %v", err)
		}
	}
	for _, id := range assessments {
		if _, err := db.Exec(ctx, `INSERT INTO assessments (tenant_id, id, app_id, kind, name, created_at, updated_at) VALUES ($1, $2, $3, 'learning', 'Seeded assessment', now(), now())
ON CONFLICT DO NOTHING`, tenant, id, app); err != nil {
			t.Fatalf("seed assessment: %v", err)
		}
	}
}
