package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

var dbNameRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// dbURL points the admin connection string at database name.
func dbURL(admin, name string) (string, error) {
	if strings.HasPrefix(admin, "postgres://") || strings.HasPrefix(admin, "postgresql://") {
		u, err := url.Parse(admin)
		if err != nil {
			return "", fmt.Errorf("admin URL: %w", err)
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	return admin + " dbname=" + name, nil // key=value form: the last dbname wins
}

// setupCmd drops and recreates the benchmark database and prints its URL.
func setupCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	admin := fs.String("admin", "", "admin connection URL (any database)")
	name := fs.String("db", "learnd_bench", "benchmark database name")
	syncCommit := fs.String("synchronous-commit", "off", "synchronous_commit for the benchmark database (on|off)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !dbNameRE.MatchString(*name) {
		return fmt.Errorf("bad database name %q", *name)
	}
	if *syncCommit != "on" && *syncCommit != "off" {
		return fmt.Errorf("synchronous-commit must be on or off")
	}
	conn, err := pgx.Connect(ctx, *admin)
	if err != nil {
		return fmt.Errorf("connect admin: %w", err)
	}
	defer conn.Close(ctx)
	for _, q := range []string{
		`DROP DATABASE IF EXISTS ` + *name + ` WITH (FORCE)`,
		`CREATE DATABASE ` + *name,
		`ALTER DATABASE ` + *name + ` SET synchronous_commit = ` + *syncCommit,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	u, err := dbURL(*admin, *name)
	if err != nil {
		return err
	}
	fmt.Println(u)
	return nil
}

func dropCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("drop", flag.ContinueOnError)
	admin := fs.String("admin", "", "admin connection URL (any database)")
	name := fs.String("db", "learnd_bench", "benchmark database name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !dbNameRE.MatchString(*name) {
		return fmt.Errorf("bad database name %q", *name)
	}
	conn, err := pgx.Connect(ctx, *admin)
	if err != nil {
		return fmt.Errorf("connect admin: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+*name+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("drop %s: %w", *name, err)
	}
	return nil
}

func tenantName(i int) string { return fmt.Sprintf("t%02d", i+1) }

// seedSQL inserts $3 cohorts for tenant $1 in one statement. created_at runs back about an
// hour per row (so the newest-first list walks an index, not a sort), ids are UUIDv7 built
// from created_at plus random bits, and the other columns cycle through realistic values.
// $2 are UUIDs of the tenant's users (created_by), $4 the same people as per_… ids
// (facilitators) and $5 the tenant's groups (every other cohort's group_id): learnd checks
// that a cohort's references exist in its tenant on every write.
const seedSQL = `
INSERT INTO cohorts (tenant_id, id, app_id, created_at, updated_at, created_by, updated_by, source, source_type,
  is_deleted, deleted_at, deleted_by, schema_version, version, group_id, program_id, name, start_date, end_date,
  status, session_count, facilitator_ids, assigned_assessment_ids, completion_required_pct, current_completion_pct,
  metadata, tags)
SELECT $1,
  encode(set_byte(r.b, 6, (get_byte(r.b, 6) & 15) | 112), 'hex')::uuid,
  NULL,
  g.ts,
  least(now(), g.ts + (g.i % 40) * interval '1 day'),
  ($2::uuid[])[1 + g.i % cardinality($2::uuid[])],
  ($2::uuid[])[1 + (g.i * 7) % cardinality($2::uuid[])],
  'edm',
  CASE g.i % 10 WHEN 0 THEN 'frontend' WHEN 1 THEN 'backend' ELSE 'api' END,
  g.i % 100 = 0,
  CASE WHEN g.i % 100 = 0 THEN g.ts + interval '2 days' END,
  CASE WHEN g.i % 100 = 0 THEN ($2::uuid[])[1] END,
  1,
  1 + g.i % 3,
  CASE WHEN g.i % 2 = 0 THEN ($5::uuid[])[1 + (g.i / 2) % cardinality($5::uuid[])] END,
  'prg-' || (ARRAY['leadership','onboarding','sales','compliance','engineering','management'])[1 + g.i % 6] || '-' || (g.i % 7),
  (ARRAY['Spring','Summer','Autumn','Winter'])[1 + g.i % 4] || ' ' || (2024 + g.i % 3) || ' ' ||
    (ARRAY['Leadership Programme','Onboarding Cohort','Sales Academy','Compliance Bootcamp','Engineering Ramp-up','New Manager Track'])[1 + (g.i / 4) % 6] ||
    ' #' || g.i,
  CASE WHEN g.i % 5 <> 0 THEN g.ts + (g.i % 60) * interval '1 day' END,
  CASE WHEN g.i % 5 <> 0 THEN g.ts + (g.i % 60 + 30 + g.i % 120) * interval '1 day' END,
  (ARRAY['draft','scheduled','active','completed','archived'])[1 + g.i % 5],
  CASE WHEN g.i % 4 <> 0 THEN g.i % 24 END,
  jsonb_build_array(($4::text[])[1 + g.i % cardinality($4::text[])], ($4::text[])[1 + (g.i * 3) % cardinality($4::text[])]),
  '[]'::jsonb,
  CASE WHEN g.i % 3 <> 0 THEN 70 + g.i % 31 END,
  CASE WHEN g.i % 5 IN (2, 3) THEN round((random() * 100)::numeric, 1)::float8 END,
  jsonb_build_object('cost_center', 'CC-' || (1000 + g.i % 200), 'region', (ARRAY['emea','amer','apac'])[1 + g.i % 3]),
  jsonb_build_array((ARRAY['leadership','onboarding','emea','amer','apac','sales','compliance','engineering'])[1 + g.i % 8],
                    (ARRAY['2024','2025','2026','pilot','flagship','remote','onsite','hybrid'])[1 + (g.i / 8) % 8])
FROM (SELECT i, date_trunc('milliseconds', now()) - i * interval '1 hour' - (random() * 3000) * interval '1 second' AS ts
      FROM generate_series(1, $3::int) AS i) AS g,
LATERAL (SELECT overlay(uuid_send(gen_random_uuid())
                 PLACING substring(int8send((extract(epoch FROM g.ts) * 1000)::bigint) FROM 3) FROM 1 FOR 6) AS b) AS r`

// seedCmd loads the cohorts, one INSERT … SELECT generate_series per tenant, and the LMS
// core's dataset (seed_lms.go), then ANALYZE.
func seedCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	dsn := fs.String("db", "", "benchmark database URL")
	tenants := fs.Int("tenants", 10, "tenants (t01, t02, …)")
	cohorts := fs.Int("cohorts", 100000, "cohorts in all")
	admins := fs.String("admins", "", "comma-separated per_… ids, one per tenant: the token subjects, seeded as admin users")
	users := fs.Int("users", 2000, "LMS users per tenant (besides the admins), at least 100")
	courses := fs.Int("courses", 200, "LMS courses per tenant, at least 20")
	groups := fs.Int("groups", 20, "LMS groups per tenant")
	perUser := fs.Int("assignments-per-user", 20, "assignments per LMS user (at most the number of courses)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *tenants < 1 || *cohorts < *tenants {
		return fmt.Errorf("need at least one cohort per tenant")
	}
	if *users < 100 || *courses < 20 || *groups < 1 || *perUser < 0 || *perUser > *courses {
		return fmt.Errorf("need -users ≥ 100, -courses ≥ 20, -groups ≥ 1 and 0 ≤ -assignments-per-user ≤ -courses")
	}
	var adminIDs []uuid.UUID
	for _, s := range strings.Split(*admins, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := typeid.Parse(typeid.Person, s)
		if err != nil {
			return fmt.Errorf("-admins: %w", err)
		}
		adminIDs = append(adminIDs, id)
	}
	for len(adminIDs) < *tenants {
		_, id := typeid.New(typeid.Person)
		adminIDs = append(adminIDs, id)
	}
	start := time.Now()
	conn, err := pgx.Connect(ctx, *dsn)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	// Skip foreign-key and trigger work while loading (consistent by construction); only
	// a superuser may, otherwise the checks simply run.
	fastLoad := ""
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err == nil {
		fastLoad = ", foreign-key checks off while loading"
	}
	for _, f := range lmsSeedFuncs {
		if _, err := conn.Exec(ctx, f); err != nil {
			return fmt.Errorf("seed helpers: %w", err)
		}
	}
	anchor := time.Now().UTC().Truncate(time.Second)
	sz := lmsSizes{users: *users, courses: *courses, groups: *groups, perUser: *perUser}
	per := *cohorts / *tenants
	var cohortTime, lmsTime time.Duration
	for t := range *tenants {
		n := per
		if t == *tenants-1 {
			n = *cohorts - per*(*tenants-1)
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// As superuser row-level security does not apply; as the table owner (FORCE) the
			// tenant setting makes the policy admit the rows.
			if _, err := tx.Exec(ctx, `SELECT set_config('learnd.tenant_id', $1, true)`, tenantName(t)); err != nil {
				return err
			}
			t0 := time.Now()
			if err := seedLMS(ctx, tx, tenantName(t), anchor, adminIDs[t:t+1], sz); err != nil {
				return err
			}
			t1 := time.Now()
			people, peopleIDs, groups, err := cohortRefs(ctx, tx, tenantName(t))
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, seedSQL, tenantName(t), people, n, peopleIDs, groups); err != nil {
				return fmt.Errorf("cohorts: %w", err)
			}
			lmsTime, cohortTime = lmsTime+t1.Sub(t0), cohortTime+time.Since(t1)
			return nil
		})
		if err != nil {
			return fmt.Errorf("seed %s: %w", tenantName(t), err)
		}
	}
	t0 := time.Now()
	if _, err := conn.Exec(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	var size, lmsSize string
	var nAsg, nProg int64
	_ = conn.QueryRow(ctx, `SELECT pg_size_pretty(pg_total_relation_size('cohorts')),
		pg_size_pretty(pg_total_relation_size('users') + pg_total_relation_size('courses') + pg_total_relation_size('course_elements')
		  + pg_total_relation_size('quiz_questions') + pg_total_relation_size('assignments') + pg_total_relation_size('element_progress')
		  + pg_total_relation_size('group_members')),
		(SELECT count(*) FROM assignments), (SELECT count(*) FROM element_progress)`).Scan(&size, &lmsSize, &nAsg, &nProg)
	fmt.Printf("seeded %d cohorts across %d tenants in %s (table with indexes: %s)\n",
		*cohorts, *tenants, cohortTime.Round(100*time.Millisecond), size)
	fmt.Printf("seeded per tenant %d users + 1 admin, %d groups, %d courses (3 sections, 10 elements, 5 questions each), "+
		"%d assignments and %d element progress rows in all, in %s (LMS tables with indexes: %s%s); ANALYZE %s; total %s\n",
		*users, *groups, *courses, nAsg, nProg, lmsTime.Round(100*time.Millisecond), lmsSize, fastLoad,
		time.Since(t0).Round(100*time.Millisecond), time.Since(start).Round(100*time.Millisecond))
	return nil
}

// cohortRefs reads what seeded cohorts and the create bodies may reference in a tenant:
// up to 64 of its users (as UUIDs and per_… ids) and its groups.
func cohortRefs(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
}, tenant string) (people []uuid.UUID, peopleIDs []string, groups []uuid.UUID, err error) {
	rows, err := q.Query(ctx, `SELECT id FROM users WHERE tenant_id = $1 ORDER BY id LIMIT 64`, tenant)
	if err != nil {
		return nil, nil, nil, err
	}
	if people, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID]); err != nil {
		return nil, nil, nil, err
	}
	for _, id := range people {
		peopleIDs = append(peopleIDs, typeid.Format(typeid.Person, id))
	}
	rows, err = q.Query(ctx, `SELECT id FROM groups WHERE tenant_id = $1 ORDER BY id`, tenant)
	if err != nil {
		return nil, nil, nil, err
	}
	if groups, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID]); err != nil {
		return nil, nil, nil, err
	}
	if len(people) == 0 || len(groups) == 0 {
		return nil, nil, nil, fmt.Errorf("tenant %s has no users or no groups to reference", tenant)
	}
	return people, peopleIDs, groups, nil
}
