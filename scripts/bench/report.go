package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// sampleSQL records the statements the server's PostgreSQL backends are running (or have
// open in a transaction) while op runs against it, every 25 ms: often enough to catch the
// short statements of a pipelined batch (get_course's six, the caller lookup's two) in a
// short run; a sample costs PostgreSQL ~0.2 ms, off the servers' accounts.
func (l *loader) sampleSQL(ctx context.Context, op, server string, stop <-chan struct{}) {
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		app := "" // learnd or a candidate: any connection but the loader's and the baselines'
		switch server {
		case "baseline":
			app = baselineAppName
		case "bare":
			app = bareAppName
		}
		rows, err := l.pool.Query(ctx, `SELECT DISTINCT query FROM pg_stat_activity
			WHERE datname = current_database()
			  AND CASE WHEN $1 = '' THEN application_name NOT IN ($2, $3, $4) ELSE application_name = $1 END
			  AND state IN ('active', 'idle in transaction')`, app, loaderAppName, baselineAppName, bareAppName)
		if err != nil {
			continue
		}
		qs, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			continue
		}
		l.sqlMu.Lock()
		if l.sqlSeen[op] == nil {
			l.sqlSeen[op] = map[string]map[string]int{}
		}
		if l.sqlSeen[op][server] == nil {
			l.sqlSeen[op][server] = map[string]int{}
		}
		for _, q := range qs {
			l.sqlSeen[op][server][q]++
		}
		l.sqlMu.Unlock()
	}
}

func (l *loader) printSetup(ctx context.Context, targets []*target) {
	var pgVersion, sharedBuffers, syncCommit, maxConns string
	_ = l.pool.QueryRow(ctx, `SELECT version(), current_setting('shared_buffers'), current_setting('synchronous_commit'), current_setting('max_connections')`).
		Scan(&pgVersion, &sharedBuffers, &syncCommit, &maxConns)
	fmt.Printf("load generator: %s, in-process net/http client, GOMAXPROCS=%d on %d CPUs, %d keep-alive connections per server\n",
		runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), l.conc)
	fmt.Printf("phases: per operation and server %d measured segments of %s, alternating learnd/baseline (ABBA…); unmeasured warm-up %s before the first, %s before later ones\n",
		l.segments, l.segDur, l.warmup, min(l.warmup, l.rewarm))
	for _, t := range targets {
		if t.name == "bare" {
			fmt.Println("        the bare baseline takes its turn in the same alternation (learnd/baseline/bare, then reversed: ABCCBA…)")
		}
	}
	if len(l.items) > 0 {
		fmt.Printf("data: %d live cohorts across %d tenants; list page_size=%d; patch items partitioned per worker (If-Match, no conflicts)\n",
			len(l.items), len(l.tokens), l.pageSize)
	}
	if len(l.courses) > 0 {
		fmt.Printf("data: LMS: %d live courses and %d users (admins aside) across the tenants; find_user query from %d name/email fragments, limit=20;\n"+
			"      list_assignments limit=20; compliance default page; each tenant's token names one of its admin users\n",
			len(l.courses), len(l.users), len(findTerms))
	}
	fmt.Printf("postgres: %s\n          shared_buffers=%s synchronous_commit=%s max_connections=%s\n", pgVersion, sharedBuffers, syncCommit, maxConns)
	fmt.Println()
}

func (l *loader) report(specs []opSpec, targets []*target, results map[string]map[string]*phaseResult) {
	fmt.Println()
	fmt.Printf("%-16s %-9s %9s %8s %8s %12s %10s %10s %7s %13s\n",
		"op", "server", "req/s", "p50(ms)", "p99(ms)", "cpu µs/req", "pg µs/req", "gen µs/req", "errors", "ratio(req/s)")
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, sp := range specs {
		base := results[sp.name]["baseline"]
		for _, t := range targets {
			r := results[sp.name][t.name]
			sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
			ratio := r.rps() / base.rps()
			fmt.Printf("%-16s %-9s %9.0f %8.2f %8.2f %12.0f %10.0f %10.0f %7d %13.2f\n",
				sp.name, t.name, r.rps(), ms(r.pct(0.50)), ms(r.pct(0.99)),
				r.perReq(r.serverCPU), r.perReq(r.pgCPU), r.perReq(r.genCPU), r.errs, ratio)
		}
	}
	fmt.Println()
	for _, t := range targets {
		if t.name == "baseline" || t.name == "bare" {
			continue
		}
		for _, sp := range specs {
			ld, base := results[sp.name][t.name], results[sp.name]["baseline"]
			ratio := ld.rps() / base.rps()
			verdict := "meets target"
			if ratio < 0.80 {
				verdict = "BELOW target"
			}
			// On a saturated machine throughput follows CPU per request (server + its PostgreSQL
			// backends + load generator); this estimate is far less sensitive to other load.
			cpuRatio := base.perReq(base.serverCPU+base.pgCPU+base.genCPU) / ld.perReq(ld.serverCPU+ld.pgCPU+ld.genCPU)
			// The spread of the per-segment ratios shows how steady the machine was.
			var segs []float64
			for i := range min(len(ld.segRPS), len(base.segRPS)) {
				segs = append(segs, ld.segRPS[i]/base.segRPS[i])
			}
			slices.Sort(segs)
			spread := ""
			if len(segs) > 1 {
				spread = fmt.Sprintf(" [segments %.2f–%.2f]", segs[0], segs[len(segs)-1])
			}
			fmt.Printf("%-16s %s/baseline = %.2f%s — target ≥ 0.80 (%s); server CPU per request: %.0f µs = %.2f× baseline %.0f µs; CPU-bound estimate %.2f\n",
				sp.name, t.name, ratio, spread, verdict, ld.perReq(ld.serverCPU), ld.perReq(ld.serverCPU)/base.perReq(base.serverCPU), base.perReq(base.serverCPU), cpuRatio)
		}
	}
	l.reportBare(specs, targets, results)
	fmt.Println()
	fmt.Println("host CPU during the measured segments (2 cores = 200%): busy / of which neither server, their PostgreSQL backends nor the load generator")
	for _, sp := range specs {
		for _, t := range targets {
			r := results[sp.name][t.name]
			if r.hostTotal == 0 {
				continue
			}
			ncpu := float64(runtime.NumCPU())
			busy := 100 * ncpu * float64(r.hostBusy) / float64(r.hostTotal)
			other := busy - 100*float64(r.serverCPU+r.pgCPU+r.genCPU)/float64(r.wall)
			fmt.Printf("  %-16s %-9s busy %4.0f%%  other %4.0f%%\n", sp.name, t.name, busy, other)
		}
	}
	if l.checkSQL {
		fmt.Println()
		for _, t := range targets {
			switch t.name {
			case "baseline":
			case "bare":
				l.reportBareSQL(specs)
			default:
				l.reportSQL(specs, t.name)
			}
		}
	}
	fmt.Println()
	fmt.Println("notes: learnd also validates every request against the OpenAPI contract (kin-openapi), runs its full")
	fmt.Println("       middleware chain (request id, access log at LEARND_LOG_LEVEL=warn so no per-request line is")
	fmt.Println("       written, recovery, Prometheus metrics, body limit, auth, idempotency) and the strict handler;")
	fmt.Println("       the baseline decodes bodies with encoding/json and checks them minimally. CPU is utime+stime")
	fmt.Println("       from /proc/<pid>/stat over the measured window ÷ requests served; pg µs/req is the same for")
	fmt.Println("       the benchmark database's PostgreSQL backends; gen is the load generator.")
	fmt.Println("       bare (bench baseline -mode bare): one statement per request; its cohort writes carry their")
	fmt.Println("       reference checks in the WHERE and their audit entry in a CTE (before/after as to_jsonb of the rows).")
}

// reportSQL compares the statement texts each server was seen running, per operation.
// The sampler (pg_stat_activity every 25 ms) sees a statement only while it runs, so a
// short one (a pipelined batch's middle statements) may be missed now and then: a
// statement seen from one server but never from the other is a difference when it was
// seen at least sqlSure times, or when the other server was never seen sending it during
// any operation; otherwise it is counted as a sampling miss. learnd's background work
// (the job queue's statements, seen whichever server is being driven) is not request work
// and is left out. The caller lookup runs only on a cache miss (about once a minute per
// tenant on either server), so a few samples of it from one server alone are misses too.
func (l *loader) reportSQL(specs []opSpec, server string) {
	const sqlSure = 10
	l.sqlMu.Lock()
	defer l.sqlMu.Unlock()
	allL, allB := map[string]bool{}, map[string]bool{}
	background := map[string]bool{}
	for _, sp := range specs {
		for q := range l.sqlSeen[sp.name][server] {
			allL[q] = true
		}
		for q := range l.sqlSeen[sp.name]["baseline"] {
			allB[q] = true
		}
	}
	same, missed := true, 0
	for _, sp := range specs {
		ld, base := l.sqlSeen[sp.name][server], l.sqlSeen[sp.name]["baseline"]
		var onlyL, onlyB []string
		for q, n := range ld {
			switch {
			case base[q] > 0 || trivialSQL(q):
			case backgroundSQL(q):
				background[q] = true
			case n < sqlSure && (allB[q] || cachedSQL(q)):
				missed++
			default:
				onlyL = append(onlyL, fmt.Sprintf("(%d samples) %s", n, q))
			}
		}
		for q, n := range base {
			switch {
			case ld[q] > 0 || trivialSQL(q):
			case backgroundSQL(q): // learnd's, sampled while the baseline ran
				background[q] = true
			case n < sqlSure && (allL[q] || cachedSQL(q)):
				missed++
			default:
				onlyB = append(onlyB, fmt.Sprintf("(%d samples) %s", n, q))
			}
		}
		slices.Sort(onlyL)
		slices.Sort(onlyB)
		if len(onlyL)+len(onlyB) == 0 {
			continue
		}
		same = false
		fmt.Printf("SQL parity WARNING (%s, %s): the baseline no longer mirrors learnd's store — update scripts/bench/sql.go or lms_sql.go\n", sp.name, server)
		for _, q := range onlyL {
			fmt.Printf("  %s only: %s\n", server, q)
		}
		for _, q := range onlyB {
			fmt.Printf("  baseline only: %s\n", q)
		}
	}
	if same {
		n := 0
		for _, sp := range specs {
			n += len(l.sqlSeen[sp.name][server])
		}
		note := ""
		if missed > 0 {
			note = fmt.Sprintf("; %d short statements seen from one server only in some operations, sampling misses", missed)
		}
		fmt.Printf("SQL parity: %s and the baseline were seen sending the same statement texts for every operation (%d sampled%s)\n", server, n, note)
	}
	if len(background) > 0 {
		fmt.Printf("          (besides %d statements of %s's job queue — River, mail sweep — running in the background)\n", len(background), server)
	}
}

// backgroundSQL recognises learnd's job queue (River and the mail sweep), which polls the
// database whatever the load.
func backgroundSQL(q string) bool {
	return strings.Contains(q, "river_") || strings.HasPrefix(q, "-- name: ") || strings.Contains(q, "pg_notify") ||
		strings.HasPrefix(strings.ToUpper(q), "LISTEN ") || strings.Contains(q, "FROM mail_outbox")
}

func trivialSQL(q string) bool {
	switch strings.ToLower(strings.TrimSpace(q)) {
	case "begin", "commit", "rollback", "":
		return true
	}
	return false
}

// fetchProfile saves a CPU profile of about d (whole seconds, at least one) from a
// net/http/pprof endpoint.
func fetchProfile(base string, d time.Duration, path string) error {
	secs := max(1, int(d/time.Second))
	resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", strings.TrimSuffix(base, "/"), secs))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// cachedSQL recognises the caller lookup's statements, which both servers send only when
// their caller cache misses.
func cachedSQL(q string) bool { return q == sqlCaller || q == sqlCallerScope }
