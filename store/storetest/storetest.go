// Package storetest gives each test package a fresh, migrated PostgreSQL database, cloned
// from a template database that is migrated once per migration set (fast, isolated).
//
// The server to use comes from LEARND_TEST_DATABASE_URL (scripts/test.sh sets it to a
// throwaway cluster or the local server), else DATABASE_URL, else the local default.
package storetest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// AdminURL is the URL of the server's maintenance database used to create test databases.
func AdminURL() string {
	for _, k := range []string{"LEARND_TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// NewDatabase creates a fresh migrated database for the test (dropped at cleanup) and
// returns its URL.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx) })
	if templateErr != nil {
		t.Fatalf("storetest: template database: %v", templateErr)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "learnd_t_" + hex.EncodeToString(b[:])
	if err := adminExec(ctx, fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, templateName)); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = adminExec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s WITH (FORCE)`, name))
	})
	return withDatabase(AdminURL(), name)
}

// New opens a store on a fresh migrated database.
func New(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), NewDatabase(t), store.Options{MaxOpenConns: 30})
	if err != nil {
		t.Fatalf("storetest: open: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// ensureTemplate creates and migrates learnd_tpl_<hash of the migrations> once per
// migration set; concurrent test packages race safely on an advisory lock.
func ensureTemplate(ctx context.Context) (string, error) {
	h := sha256.New()
	err := fs.WalkDir(store.Migrations(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(store.Migrations(), p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	name := "learnd_tpl_" + hex.EncodeToString(h.Sum(nil)[:6])
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(724611)`); err != nil {
		return "", err
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock(724611)`) //nolint:errcheck
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf(`DROP DATABASE IF EXISTS %s`, name)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE DATABASE %s`, name)); err != nil {
		return "", err
	}
	st, err := store.Open(ctx, withDatabase(AdminURL(), name), store.Options{MaxOpenConns: 2, NoCallerCache: true}) // it becomes a template: no connection may stay
	if err != nil {
		return "", err
	}
	_, err = st.Migrate(ctx)
	_ = st.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf(`ALTER DATABASE %s WITH IS_TEMPLATE true`, name)); err != nil {
		return "", err
	}
	return name, nil
}

func adminExec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func withDatabase(raw, name string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return raw + " dbname=" + name
	}
	u.Path = "/" + name
	return u.String()
}

// As is a context whose caller is a new person of tenant (and app) with role, granted read
// and write.
func As(tenant, app string, role auth.Role) context.Context {
	_, u := typeid.New(typeid.Person)
	return auth.WithPrincipal(context.Background(), auth.Principal{
		TenantID: tenant, AppID: app, Role: role, PersonID: u, Subject: typeid.Format(typeid.Person, u),
		Scopes: []string{auth.ScopeRead, auth.ScopeWrite},
	})
}

// OpenWithConn opens a store on a fresh database plus a superuser connection to it (which
// bypasses row-level security, for arranging and inspecting rows).
func OpenWithConn(t *testing.T) (*store.Store, *pgx.Conn) {
	t.Helper()
	url := NewDatabase(t)
	st, err := store.Open(context.Background(), url, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return st, conn
}

// CountUnscoped counts a table's rows inside a tenant transaction WITHOUT the tenant
// filter, so only row-level security stands between the caller and other tenants.
func CountUnscoped(ctx context.Context, s *store.Store, table string) (int64, error) {
	var n int64
	err := s.InTenant(ctx, func(t *store.Tx) error {
		return t.QueryRow("SELECT count(*) FROM " + table).Scan(&n)
	})
	return n, err
}

// InsertForeignTenant tries to write a cohort stamped with another tenant.
func InsertForeignTenant(ctx context.Context, s *store.Store, tenant string) error {
	return s.InTenant(ctx, func(t *store.Tx) error {
		_, err := t.Exec(`INSERT INTO cohorts (tenant_id, id, created_at, updated_at, name) VALUES ($1, gen_random_uuid(), now(), now(), 'intruder')`, tenant)
		return err
	})
}

// ScopeSettings returns the role, tenant and application a tenant transaction runs with.
func ScopeSettings(ctx context.Context, s *store.Store) (role, tenant, app string, err error) {
	err = s.InTenant(ctx, func(t *store.Tx) error {
		return t.QueryRow(`SELECT current_user, current_setting('learnd.tenant_id'), current_setting('learnd.app_id')`).Scan(&role, &tenant, &app)
	})
	return role, tenant, app, err
}

// NonSuperuserOwner creates a role that is not a superuser (superusers bypass row-level
// security, so they would hide policy mistakes) and a database it owns, as production
// runs, and drops both when the test ends. It returns the owner's URL and the
// superuser's URL for the same database (for arranging and inspecting rows).
func NonSuperuserOwner(t *testing.T, prefix string) (owner, super string) {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	// Closed after the drop below (cleanups run last-registered first).
	t.Cleanup(func() { _ = admin.Close(context.Background()) })
	var b [5]byte
	_, _ = rand.Read(b[:])
	name := prefix + hex.EncodeToString(b[:])
	for _, q := range []string{
		`CREATE ROLE ` + name + ` LOGIN NOSUPERUSER CREATEROLE`,
		`CREATE DATABASE ` + name + ` OWNER ` + name,
	} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		ctx := context.Background()
		if _, err := admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop the test database %s: %v", name, err)
		}
		if _, err := admin.Exec(ctx, `DROP ROLE IF EXISTS `+name); err != nil {
			t.Errorf("drop the test role %s: %v", name, err)
		}
	})
	u, err := url.Parse(AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	super = u.String()
	u.User = url.User(name)
	return u.String(), super
}
