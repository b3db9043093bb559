package learning

// This test lives inside package store (not store_test) so it can hook a GORM callback
// into the repository's own *gorm.DB: every list query the repositories issue is captured
// as it runs — the exact SQL text and bind values — and EXPLAINed on the same transaction,
// i.e. as the row-level-security role with the caller's tenant set, exactly as the API
// runs it. Nothing is replicated by hand, so a change to list.go is covered automatically.
// (storetest cannot be imported from here: it imports store, an import cycle, so the
// test makes its own migrated database the way storetest does.)

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
)

func TestExplainListQueriesUseIndexes(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 40,000 rows")
	}
	s, dsn := explainDatabase(t)
	if err := s.OnBuild("learnd:explain", explainHook); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	explainSeed(t, conn)

	base := auth.WithPrincipal(context.Background(), auth.Principal{
		TenantID: "t2", PersonID: uuid.New(), Subject: "per_explain", Role: auth.RoleAdmin,
		Scopes: []string{auth.ScopeRead, auth.ScopeWrite},
	})

	// Real filter values taken from the caller's tenant, so selectivities are realistic.
	var groupS, cohortS, rareCohort, rareAssessment string
	for q, into := range map[string]*string{
		`SELECT group_id::text FROM cohorts WHERE tenant_id = 't2' AND group_id IS NOT NULL ORDER BY created_at LIMIT 1`:                     &groupS,
		`SELECT target_cohort_id::text FROM assessments WHERE tenant_id = 't2' AND target_cohort_id IS NOT NULL ORDER BY created_at LIMIT 1`: &cohortS,
		`SELECT substr(name, 8, 8) FROM cohorts WHERE tenant_id = 't2' ORDER BY created_at LIMIT 1`:                                          &rareCohort,
		`SELECT substr(name, 12, 8) FROM assessments WHERE tenant_id = 't2' ORDER BY created_at LIMIT 1`:                                     &rareAssessment,
	} {
		if err := conn.QueryRow(context.Background(), q).Scan(into); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	groupID, cohortID := uuid.MustParse(groupS), uuid.MustParse(cohortS)
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	createdFrom := time.Now().Add(-30 * 24 * time.Hour)
	createdTo := time.Now().Add(-20 * 24 * time.Hour)

	// "" is the unfiltered list; every other key is one filter parameter of the API.
	cohortFilters := map[string]func(*CohortQuery){
		"":                 func(*CohortQuery) {},
		"status":           func(q *CohortQuery) { q.Status = "active" },
		"program_id":       func(q *CohortQuery) { q.ProgramID = "prg-7" },
		"group_id":         func(q *CohortQuery) { q.GroupID = &groupID },
		"tags":             func(q *CohortQuery) { q.Tags = []string{"tag3"} },
		"tags x2":          func(q *CohortQuery) { q.Tags = []string{"tag3", "region1"} },
		"q":                func(q *CohortQuery) { q.Query = "safety" },
		"q rare":           func(q *CohortQuery) { q.Query = rareCohort },
		"created_at range": func(q *CohortQuery) { q.CreatedAt = TimeRange{From: &createdFrom, To: &createdTo} },
		"start_date range": func(q *CohortQuery) { q.StartDate = TimeRange{From: &from, To: &to} },
		"start_date from":  func(q *CohortQuery) { q.StartDate = TimeRange{From: &from} },
	}
	assessmentFilters := map[string]func(*AssessmentQuery){
		"":                 func(*AssessmentQuery) {},
		"status":           func(q *AssessmentQuery) { q.Status = "open" },
		"kind":             func(q *AssessmentQuery) { q.Kind = "compliance_audit" },
		"target_cohort_id": func(q *AssessmentQuery) { q.TargetCohortID = &cohortID },
		"tags":             func(q *AssessmentQuery) { q.Tags = []string{"tag3"} },
		"q":                func(q *AssessmentQuery) { q.Query = "checks" },
		"q rare":           func(q *AssessmentQuery) { q.Query = rareAssessment },
		"created_at range": func(q *AssessmentQuery) { q.CreatedAt = TimeRange{From: &createdFrom, To: &createdTo} },
		"due_date range":   func(q *AssessmentQuery) { q.DueDate = TimeRange{From: &from, To: &to} },
		"due_date from":    func(q *AssessmentQuery) { q.DueDate = TimeRange{From: &from} },
	}

	type shapeResult struct {
		table, shape, indexes string
		rowsRead              int
		sorted                bool
	}
	var results []shapeResult
	shapes := 0

	// check runs one list shape with the capture on and judges the plan of its query.
	check := func(t *testing.T, table string, sh explainShape, list func(ctx context.Context) error) {
		t.Helper()
		shapes++
		sink := &explainSink{}
		if err := list(context.WithValue(base, explainSinkKey{}, sink)); err != nil {
			t.Fatalf("list: %v", err)
		}
		if sink.err != nil {
			t.Fatal(sink.err)
		}
		if len(sink.plans) != 1 {
			t.Fatalf("captured %d list queries, want 1", len(sink.plans))
		}
		p := sink.plans[0]
		plan := strings.Join(p.lines, "\n")
		indexes, sorted, rowsRead := explainStats(plan)
		t.Logf("%s | index %s | rows read %d", strings.TrimSpace(p.lines[0]), strings.Join(indexes, "+"), rowsRead)
		results = append(results, shapeResult{table: table, shape: sh.name, indexes: strings.Join(indexes, "+"), rowsRead: rowsRead, sorted: sorted})
		if strings.Contains(plan, "Seq Scan on "+table) {
			t.Errorf("sequential scan on %s\nSQL: %s\n%s", table, p.sql, plan)
		}
		if len(indexes) == 0 {
			t.Errorf("no index scan on %s\nSQL: %s\n%s", table, p.sql, plan)
		}
		// An unfiltered page must come straight off the order_by's index (list.go: "a SQL
		// expression (matching an index)"), not from sorting the whole tenant, and a cursor
		// must seek, not rescan from the start.
		if sh.filter == "" && (sorted || rowsRead > explainMaxRowsRead) {
			t.Errorf("order_by=%s is not served by its index: sorted=%t, %d rows read for a page of 20\nSQL: %s\n%s",
				sh.order, sorted, rowsRead, p.sql, plan)
		}
	}

	// deepCursor returns a real cursor, as the repository makes it, from the middle of the
	// unfiltered list of this order and visibility (cached: the shapes share them).
	cursors := map[string]*Cursor{}
	deepCursor := func(table string, lo ListOptions) (*Cursor, error) {
		key := fmt.Sprintf("%s %s %t", table, lo.OrderBy, lo.IncludeDeleted)
		if c := cursors[key]; c != nil {
			return c, nil
		}
		var next *Cursor
		var err error
		if table == "cohorts" {
			var p Page[Cohort]
			p, err = New(s).Cohorts.List(base, CohortQuery{ListOptions: lo})
			next = p.Next
		} else {
			var p Page[Assessment]
			p, err = New(s).Assessments.List(base, AssessmentQuery{ListOptions: lo})
			next = p.Next
		}
		if err != nil || next == nil {
			return nil, fmt.Errorf("deep page: %v (next %v)", err, next)
		}
		cursors[key] = next
		return next, nil
	}

	names := func(m map[string]bool) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	for _, table := range []string{"cohorts", "assessments"} {
		t.Run(table, func(t *testing.T) {
			extraOrder, filters := "start_date", map[string]bool{}
			if table == "assessments" {
				extraOrder = "due_date"
				for k := range assessmentFilters {
					filters[k] = true
				}
			} else {
				for k := range cohortFilters {
					filters[k] = true
				}
			}
			for _, key := range []string{"created_at", "updated_at", "name", extraOrder} {
				for _, order := range []string{"-" + key, key} {
					for _, f := range names(filters) {
						for _, deleted := range []bool{false, true} {
							for _, cursor := range []bool{false, true} {
								sh := explainShape{order: order, filter: f, deleted: deleted, cursor: cursor}
								sh.name = fmt.Sprintf("order=%s filter=%s show_deleted=%t cursor=%t", order, f, deleted, cursor)
								lo := ListOptions{PageSize: 20, OrderBy: order, IncludeDeleted: deleted}
								deep := lo
								deep.PageSize = explainCursorDepth
								t.Run(sh.name, func(t *testing.T) {
									check(t, table, sh, func(ctx context.Context) error {
										if table == "cohorts" {
											q := CohortQuery{ListOptions: lo}
											if cursor {
												c, err := deepCursor(table, deep)
												if err != nil {
													return err
												}
												q.After = c
											}
											cohortFilters[f](&q)
											_, err := New(s).Cohorts.List(ctx, q)
											return err
										}
										q := AssessmentQuery{ListOptions: lo}
										if cursor {
											c, err := deepCursor(table, deep)
											if err != nil {
												return err
											}
											q.After = c
										}
										assessmentFilters[f](&q)
										_, err := New(s).Assessments.List(ctx, q)
										return err
									})
								})
							}
						}
					}
				}
			}
		})
	}

	// An application's token adds app_id to the scope (a filter and the policy).
	t.Run("app token", func(t *testing.T) {
		p, _ := auth.FromContext(base)
		p.AppID = "app_hr"
		appBase := auth.WithPrincipal(context.Background(), p)
		for _, table := range []string{"cohorts", "assessments"} {
			sink := &explainSink{}
			ctx := context.WithValue(appBase, explainSinkKey{}, sink)
			var err error
			if table == "cohorts" {
				_, err = New(s).Cohorts.List(ctx, CohortQuery{ListOptions: ListOptions{PageSize: 20}})
			} else {
				_, err = New(s).Assessments.List(ctx, AssessmentQuery{ListOptions: ListOptions{PageSize: 20}})
			}
			if err != nil || sink.err != nil || len(sink.plans) != 1 {
				t.Fatalf("%s: %v %v %d", table, err, sink.err, len(sink.plans))
			}
			plan := strings.Join(sink.plans[0].lines, "\n")
			indexes, _, _ := explainStats(plan)
			t.Logf("%s app-scoped: %s | index %s", table, strings.TrimSpace(sink.plans[0].lines[0]), strings.Join(indexes, "+"))
			if strings.Contains(plan, "Seq Scan on "+table) || len(indexes) == 0 {
				t.Errorf("%s app-scoped list does not use an index:\n%s", table, plan)
			}
		}
	})

	// Summary: per table and filter, which indexes serve it and the worst rows read.
	type agg struct {
		shapes, sorted, worst int
		indexes               map[string]bool
	}
	sums := map[string]*agg{}
	var keys []string
	for _, r := range results {
		f := r.shape[strings.Index(r.shape, "filter=")+len("filter=") : strings.Index(r.shape, " show_deleted")]
		k := r.table + " filter=" + f
		a := sums[k]
		if a == nil {
			a = &agg{indexes: map[string]bool{}}
			sums[k] = a
			keys = append(keys, k)
		}
		a.shapes++
		if r.sorted {
			a.sorted++
		}
		a.worst = max(a.worst, r.rowsRead)
		a.indexes[r.indexes] = true
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := sums[k]
		t.Logf("summary %-34s %3d shapes, %3d sorted, worst %4d rows read, indexes %v", k, a.shapes, a.sorted, a.worst, names(a.indexes))
	}
	t.Logf("%d list shapes explained", shapes)
}
