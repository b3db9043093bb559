package learning

// Helpers of TestExplainListQueriesUseIndexes (explain_test.go): its own migrated and
// seeded database, the GORM callback that EXPLAINs every list query, the list shapes and
// the bounds the test holds them to, and the reading of the plans.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/learnd/learnd/store"
)

// explainSink collects the plans of the list queries run with its context.
type explainSink struct {
	plans []explainPlan
	err   error
}

type explainPlan struct {
	sql   string
	lines []string
}

type explainSinkKey struct{}

// explainAdminURL mirrors storetest.AdminURL.
func explainAdminURL() string {
	for _, k := range []string{"LEARND_TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// explainDatabase creates a fresh database, migrates it with the embedded migrations and
// opens a Store on it; the database is dropped at cleanup.
func explainDatabase(t *testing.T) (*store.Store, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "learnd_t_explain_" + hex.EncodeToString(b[:])
	admin := explainAdminURL()
	adminExec := func(ctx context.Context, sql string) error {
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := adminExec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = adminExec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	dsn := admin + " dbname=" + name
	if u, err := url.Parse(admin); err == nil && u.Scheme != "" {
		u.Path = "/" + name
		dsn = u.String()
	}
	s, err := store.Open(ctx, dsn, store.Options{MaxOpenConns: 4})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return s, dsn
}

// explainSeed fills cohorts and assessments with 4,000 rows per tenant across 5 tenants
// (20,000 per table), with realistic spreads of every filtered column, then ANALYZEs.
func explainSeed(t *testing.T, conn *pgx.Conn) {
	t.Helper()
	stmts := []string{
		`INSERT INTO cohorts (tenant_id, id, created_at, updated_at, created_by, updated_by, source, source_type,
		    is_deleted, deleted_at, schema_version, version, group_id, program_id, name, start_date, end_date,
		    status, session_count, facilitator_ids, assigned_assessment_ids, completion_required_pct, metadata, tags)
		 SELECT 't' || (i % 5), gen_random_uuid(),
		        now() - i * interval '7 minutes', now() - (i % 997) * interval '3 minutes', gen_random_uuid(), gen_random_uuid(),
		        'edm', 'api',
		        (i / 5) % 20 = 0, CASE WHEN (i / 5) % 20 = 0 THEN now() END, 1, 1 + (i / 5) % 3,
		        CASE WHEN (i / 5) % 4 = 0 THEN NULL ELSE gen_random_uuid() END,
		        CASE WHEN (i / 5) % 3 = 0 THEN NULL ELSE 'prg-' || ((i / 5) % 40) END,
		        'Cohort ' || md5(i::text) || ' ' || (ARRAY['leadership','onboarding','safety','sales','compliance'])[1 + (i / 5) % 5],
		        CASE WHEN (i / 5) % 6 = 0 THEN NULL ELSE timestamptz '2026-01-01' + ((i / 5) % 500) * interval '1 day' END,
		        CASE WHEN (i / 5) % 6 = 0 THEN NULL ELSE timestamptz '2026-01-01' + ((i / 5) % 500 + 90) * interval '1 day' END,
		        (ARRAY['draft','scheduled','active','completed','archived'])[1 + (i / 5) % 5], i % 30,
		        '[]', '[]', CASE WHEN (i / 5) % 2 = 0 THEN 80 END, jsonb_build_object('n', i),
		        jsonb_build_array('tag' || ((i / 5) % 25), 'region' || ((i / 5) % 4))
		 FROM generate_series(1, 20000) AS i`,
		`INSERT INTO assessments (tenant_id, id, created_at, updated_at, created_by, updated_by, source, source_type,
		    is_deleted, deleted_at, schema_version, version, kind, name, description, target_cohort_id,
		    framework_ids, control_ids, questions, frequency, due_date, status, tags)
		 SELECT c.tenant_id, gen_random_uuid(),
		        now() - c.rn * interval '5 minutes', now() - (c.rn % 991) * interval '2 minutes', gen_random_uuid(), gen_random_uuid(),
		        'edm', 'api',
		        (c.rn / 5) % 25 = 0, CASE WHEN (c.rn / 5) % 25 = 0 THEN now() END, 1, 1,
		        (ARRAY['learning','grc_self_assessment','compliance_audit','customer_satisfaction','customer_health_check','customer_onboarding','skills','general'])[1 + (c.rn / 5) % 8],
		        'Assessment ' || md5(c.rn::text),
		        CASE WHEN (c.rn / 5) % 2 = 0 THEN 'Checks ' || md5((c.rn * 7)::text) END,
		        CASE WHEN (c.rn / 5) % 8 = 0 THEN c.id END,
		        '[]', '[]', '[]',
		        (ARRAY['once','weekly','monthly','quarterly','semiannual','annual'])[1 + (c.rn / 5) % 6],
		        CASE WHEN (c.rn / 5) % 5 = 0 THEN NULL ELSE timestamptz '2026-01-01' + ((c.rn / 5) % 365) * interval '1 day' END,
		        (ARRAY['draft','scheduled','open','closed','archived'])[1 + (c.rn / 5) % 5],
		        jsonb_build_array('tag' || ((c.rn / 5) % 25))
		 FROM (SELECT tenant_id, id, row_number() OVER (ORDER BY created_at) AS rn FROM cohorts) AS c`,
		`ANALYZE cohorts`,
		`ANALYZE assessments`,
	}
	for _, q := range stmts {
		if _, err := conn.Exec(context.Background(), q); err != nil {
			t.Fatalf("seed: %v\n%s", err, q)
		}
	}
}

// explainHook EXPLAINs every list query (a SELECT … ORDER BY … LIMIT on cohorts or
// assessments) run with a context that carries a sink, on the query's own transaction.
func explainHook(db *gorm.DB) {
	sink, _ := db.Statement.Context.Value(explainSinkKey{}).(*explainSink)
	if sink == nil || db.Error != nil {
		return
	}
	sql := db.Statement.SQL.String()
	if !strings.Contains(sql, "ORDER BY") || !strings.Contains(sql, "LIMIT") {
		return // Get and lock, not a list
	}
	ptx, ok := store.TxOf(db.Statement.Context)
	if !ok {
		sink.err = fmt.Errorf("explain %s: statement has no tenant transaction", sql)
		return
	}
	rows, err := ptx.Query("EXPLAIN (ANALYZE, TIMING OFF, BUFFERS OFF) "+sql, db.Statement.Vars...)
	if err != nil {
		sink.err = fmt.Errorf("explain %s: %w", sql, err)
		return
	}
	defer rows.Close()
	p := explainPlan{sql: db.Dialector.Explain(sql, db.Statement.Vars...)}
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			sink.err = err
			return
		}
		p.lines = append(p.lines, line)
	}
	if err := rows.Err(); err != nil {
		sink.err = err
		return
	}
	sink.plans = append(sink.plans, p)
}

// explainShape is one list call the API can make.
type explainShape struct {
	name    string
	order   string
	deleted bool
	cursor  bool
	filter  string
}

var (
	explainIndexScan = regexp.MustCompile(`(?:Index Scan|Index Only Scan)(?: Backward)? using (\S+) on (?:cohorts|assessments)|Bitmap Index Scan on ((?:cohorts|assessments)_\S+)`)
	explainRemoved   = regexp.MustCompile(`Rows Removed by Filter: (\d+)`)
	explainNodeRows  = regexp.MustCompile(`\(actual rows=(\d+) loops=\d+\)`)
)

// explainMaxRowsRead bounds the rows an unfiltered page of 20 may touch when its order is
// served by an index: the page, the look-ahead row and some soft-deleted rows.
const explainMaxRowsRead = 200

// explainCursorDepth is how deep into a tenant's list (of 4,000) the cursor shapes start:
// a cursor that seeks reads one page from there, one that does not rescans the rows before.
const explainCursorDepth = 2000

// explainStats reads, from an EXPLAIN ANALYZE, the indexes used on the table, whether a
// Sort node orders the result, and how many rows the busiest scan node touched (the rows
// it returned plus those its filter removed).
func explainStats(plan string) (indexes []string, sorted bool, rowsRead int) {
	for _, m := range explainIndexScan.FindAllStringSubmatch(plan, -1) {
		indexes = append(indexes, m[1]+m[2])
	}
	node := -1 // rows of the current scan node; -1 when the current node is not a scan
	flush := func() { rowsRead = max(rowsRead, node) }
	for _, line := range strings.Split(plan, "\n") {
		if m := explainNodeRows.FindStringSubmatch(line); m != nil {
			flush()
			node = -1
			if strings.Contains(line, "Scan") {
				_, _ = fmt.Sscan(m[1], &node)
			}
			continue
		}
		if m := explainRemoved.FindStringSubmatch(line); m != nil && node >= 0 {
			var n int
			_, _ = fmt.Sscan(m[1], &n)
			node += n
		}
	}
	flush()
	return indexes, strings.Contains(plan, "Sort Key:"), rowsRead
}
