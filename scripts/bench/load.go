package main

// The load generator: fixed concurrency over keep-alive connections, one operation at a
// time, learnd and the baseline alternating (ABBA…) on the same database, each server's CPU
// read from /proc before and after every measured segment.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/learnd/learnd/typeid"
)

const (
	cohortsPath   = "/api/v1/learning/cohorts"
	loaderAppName = "learnd-bench-loader"
	// baselineAppName tags the baseline's connections, so the SQL sampler tells its
	// statements from learnd's (whose job queue keeps running while the baseline is driven).
	baselineAppName = "learnd-bench-baseline"
)

type target struct {
	name   string
	base   string
	pid    int
	client *http.Client
	pprof  string // net/http/pprof base URL, if the server has one
}

type tenantToken struct {
	tenant string
	auth   string // "Bearer …"
}

// item is one live seeded cohort. version is tracked by the worker that owns the item in
// the patch phase (each worker patches only its own items, so If-Match never races).
type item struct {
	tenant  int
	id      uuid.UUID
	path    string
	version int
}

type loader struct {
	conc      int
	segDur    time.Duration
	warmup    time.Duration
	segments  int
	pageSize  int
	tokens    []tenantToken
	items     []item   // cohorts (v1 ops)
	courses   []lmsRef // live LMS courses (v2 ops)
	users     []lmsRef // LMS users but the admins (v2 ops)
	pool      *pgxpool.Pool
	genPID    int
	checkSQL  bool
	createBod [][]byte
	patchBod  [][]byte
	sqlSeen   map[string]map[string]map[string]int // op → server → statement → samples that saw it
	sqlMu     sync.Mutex
	profDir   string
	rewarm    time.Duration
}

// opSpec describes one benchmarked operation.
type opSpec struct {
	name   string
	expect int
	read   bool // no side effects: answers are compared across servers before measuring
	build  func(l *loader, ws *workerState, base string) *http.Request
	after  func(l *loader, ws *workerState, resp *http.Response, body []byte) // on any response
}

type workerState struct {
	rng   *rand.Rand
	owned []int // item indexes this worker patches
	cur   int   // item index of the request in flight
}

// phaseResult is what one measured segment (or their sum) produced.
type phaseResult struct {
	ok, errs  int
	lat       []time.Duration
	wall      time.Duration
	serverCPU time.Duration
	genCPU    time.Duration
	pgCPU     time.Duration
	hostBusy  time.Duration
	hostTotal time.Duration
	errSample []string
	segRPS    []float64 // req/s of each measured segment, in order
}

func (r *phaseResult) add(o phaseResult) {
	r.segRPS = append(r.segRPS, o.rps())
	r.ok += o.ok
	r.errs += o.errs
	r.lat = append(r.lat, o.lat...)
	r.wall += o.wall
	r.serverCPU += o.serverCPU
	r.genCPU += o.genCPU
	r.pgCPU += o.pgCPU
	r.hostBusy += o.hostBusy
	r.hostTotal += o.hostTotal
	for _, s := range o.errSample {
		if len(r.errSample) < 5 {
			r.errSample = append(r.errSample, s)
		}
	}
}

func (r *phaseResult) rps() float64 { return float64(r.ok) / r.wall.Seconds() }

func (r *phaseResult) perReq(d time.Duration) float64 {
	n := r.ok + r.errs
	if n == 0 {
		return 0
	}
	return float64(d.Microseconds()) / float64(n)
}

func (r *phaseResult) pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(p * float64(len(r.lat)-1))
	return r.lat[i]
}

var ops = map[string]opSpec{
	"get": {name: "get", expect: http.StatusOK, build: func(l *loader, ws *workerState, base string) *http.Request {
		it := &l.items[ws.rng.IntN(len(l.items))]
		req, _ := http.NewRequest(http.MethodGet, base+it.path, nil)
		req.Header.Set("Authorization", l.tokens[it.tenant].auth)
		return req
	}},
	"list": {name: "list", expect: http.StatusOK, build: func(l *loader, ws *workerState, base string) *http.Request {
		t := ws.rng.IntN(len(l.tokens))
		req, _ := http.NewRequest(http.MethodGet, base+cohortsPath+"?page_size="+strconv.Itoa(l.pageSize), nil)
		req.Header.Set("Authorization", l.tokens[t].auth)
		return req
	}},
	"create": {name: "create", expect: http.StatusCreated, build: func(l *loader, ws *workerState, base string) *http.Request {
		t := ws.rng.IntN(len(l.tokens))
		body := l.createBod[ws.rng.IntN(len(l.createBod))]
		req, _ := http.NewRequest(http.MethodPost, base+cohortsPath, bytes.NewReader(body))
		req.Header.Set("Authorization", l.tokens[t].auth)
		req.Header.Set("Content-Type", "application/json")
		return req
	}},
	"patch": {name: "patch", expect: http.StatusOK, build: func(l *loader, ws *workerState, base string) *http.Request {
		ws.cur = ws.owned[ws.rng.IntN(len(ws.owned))]
		it := &l.items[ws.cur]
		body := l.patchBod[ws.rng.IntN(len(l.patchBod))]
		req, _ := http.NewRequest(http.MethodPatch, base+it.path, bytes.NewReader(body))
		req.Header.Set("Authorization", l.tokens[it.tenant].auth)
		req.Header.Set("Content-Type", "application/merge-patch+json")
		req.Header.Set("If-Match", `"`+strconv.Itoa(it.version)+`"`)
		return req
	}, after: func(l *loader, ws *workerState, resp *http.Response, body []byte) {
		it := &l.items[ws.cur]
		switch resp.StatusCode {
		case http.StatusOK:
			if v, err := strconv.Atoi(strings.Trim(resp.Header.Get("ETag"), `"`)); err == nil {
				it.version = v
			} else {
				it.version++
			}
		case http.StatusPreconditionFailed: // resynchronise from the problem's current_version
			var p struct {
				CurrentVersion int `json:"current_version"`
			}
			if json.Unmarshal(body, &p) == nil && p.CurrentVersion > 0 {
				it.version = p.CurrentVersion
			}
		}
	}},
}

func loadCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	learndURL := fs.String("learnd", "", "learnd base URL")
	learndPID := fs.Int("learnd-pid", 0, "learnd's pid (CPU accounting)")
	baseURL := fs.String("baseline", "", "baseline base URL")
	basePID := fs.Int("baseline-pid", 0, "baseline's pid (CPU accounting)")
	candURL := fs.String("candidate", "", "optional third server, e.g. a patched learnd build (A/B in the same run)")
	candPID := fs.Int("candidate-pid", 0, "the candidate's pid")
	candName := fs.String("candidate-name", "candidate", "the candidate's name in the table")
	dsn := fs.String("db", "", "benchmark database URL (ids, PostgreSQL backend CPU, SQL parity)")
	tokensFile := fs.String("tokens", "", `file of "tenant token" lines`)
	conc := fs.Int("c", 16, "concurrent connections per server")
	dur := fs.Duration("d", 10*time.Second, "measured time per operation per server (split over -segments)")
	warmup := fs.Duration("warmup", time.Second, "unmeasured warm-up before each server's first segment of an op")
	rewarm := fs.Duration("rewarm", 250*time.Millisecond, "unmeasured warm-up before later segments (connections are already open)")
	segments := fs.Int("segments", 8, "alternating segments per operation (learnd, baseline, baseline, learnd, learnd, baseline, …)")
	opList := fs.String("ops", "get,list,create,patch,find_user,get_course,list_assignments,compliance", "operations, in order")
	parityN := fs.Int("parity-requests", 20, "requests per read operation sent to every server and compared before measuring (0: no check)")
	pageSize := fs.Int("page-size", 50, "list page_size")
	hz := fs.Int("hz", 100, "clock ticks per second (getconf CLK_TCK)")
	maxErr := fs.Float64("max-error-rate", 0.01, "fail when a phase's error rate exceeds this")
	checkSQL := fs.Bool("check-sql", true, "sample pg_stat_activity and compare the statements each server sends")
	profDir := fs.String("profile-dir", "", "save a CPU profile of each server's first measured segment of every op here")
	learndPprof := fs.String("learnd-pprof", "", "learnd's net/http/pprof base URL (a build that serves one)")
	basePprof := fs.String("baseline-pprof", "", "the baseline's net/http/pprof base URL (bench baseline -pprof)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	clockTicks = *hz
	if *segments < 1 || *conc < 1 {
		return errors.New("need -segments ≥ 1 and -c ≥ 1")
	}
	var specs []opSpec
	needCohorts, needLMS := false, false
	for _, name := range strings.Split(*opList, ",") {
		sp, ok := ops[strings.TrimSpace(name)]
		if !ok {
			known := make([]string, 0, len(ops))
			for n := range ops {
				known = append(known, n)
			}
			slices.Sort(known)
			return fmt.Errorf("unknown op %q (%s)", name, strings.Join(known, ", "))
		}
		specs = append(specs, sp)
		switch sp.name {
		case "get", "list", "create", "patch":
			needCohorts = true
		default:
			needLMS = true
		}
	}
	tokens, err := readTokens(*tokensFile)
	if err != nil {
		return err
	}
	pcfg, err := pgxpool.ParseConfig(*dsn)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	// Tagged so that its own backends stay out of the CPU accounting and the SQL sampling.
	pcfg.ConnConfig.RuntimeParams["application_name"] = loaderAppName
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return fmt.Errorf("database: %w", err)
	}
	defer pool.Close()
	l := &loader{
		conc: *conc, segDur: *dur / time.Duration(*segments), warmup: *warmup, segments: *segments,
		pageSize: *pageSize, tokens: tokens, pool: pool, genPID: os.Getpid(), checkSQL: *checkSQL,
		sqlSeen: map[string]map[string]map[string]int{},
	}
	if needCohorts {
		if err := l.loadItems(ctx); err != nil {
			return err
		}
	}
	if needLMS {
		if err := l.loadLMS(ctx); err != nil {
			return err
		}
	}
	l.buildBodies()
	targets := []*target{
		{name: "learnd", base: *learndURL, pid: *learndPID, client: newClient(*conc), pprof: *learndPprof},
		{name: "baseline", base: *baseURL, pid: *basePID, client: newClient(*conc), pprof: *basePprof},
	}
	if *candURL != "" {
		if *candName == "learnd" || *candName == "baseline" {
			return errors.New("-candidate-name must differ from learnd and baseline")
		}
		targets = append(targets, &target{name: *candName, base: *candURL, pid: *candPID, client: newClient(*conc)})
	}
	l.profDir, l.rewarm = *profDir, *rewarm
	for _, t := range targets {
		if _, err := procCPU(t.pid); err != nil {
			return fmt.Errorf("%s pid %d: %w", t.name, t.pid, err)
		}
	}
	l.printSetup(ctx)

	results := map[string]map[string]*phaseResult{}
	parity := map[string]map[string]*parityResult{}
	var failed []string
	for _, sp := range specs {
		if sp.read && *parityN > 0 {
			pr, err := l.checkResponses(ctx, sp, targets, *parityN)
			if err != nil {
				return err
			}
			parity[sp.name] = pr
		}
		results[sp.name] = map[string]*phaseResult{}
		for _, t := range targets {
			results[sp.name][t.name] = &phaseResult{}
		}
		states := l.workerStates(sp.name)
		for seg := range l.segments {
			order := slices.Clone(targets)
			if seg%2 == 1 {
				slices.Reverse(order) // ABBA…, or ABCCBA… with a candidate
			}
			for _, t := range order {
				warm := l.warmup
				if seg > 0 {
					warm = min(warm, l.rewarm)
				}
				if warm > 0 {
					if _, err := l.run(ctx, sp, t, states, warm, false, ""); err != nil {
						return err
					}
				}
				prof := ""
				if seg == 0 && l.profDir != "" && t.pprof != "" {
					prof = fmt.Sprintf("%s/%s-%s.pprof", l.profDir, sp.name, t.name)
				}
				res, err := l.run(ctx, sp, t, states, l.segDur, true, prof)
				if err != nil {
					return err
				}
				fmt.Fprintf(os.Stderr, "  %-16s %-8s segment %d: %7.0f req/s, %d errors\n", sp.name, t.name, seg+1, res.rps(), res.errs)
				results[sp.name][t.name].add(res)
			}
		}
		for _, t := range targets {
			r := results[sp.name][t.name]
			if n := r.ok + r.errs; n == 0 || float64(r.errs)/float64(n) > *maxErr {
				failed = append(failed, fmt.Sprintf("%s/%s: %d errors of %d requests %v", sp.name, t.name, r.errs, n, r.errSample))
			}
		}
	}
	l.report(specs, targets, results)
	fmt.Println()
	if bad := reportParity(specs, parity); bad > 0 {
		failed = append(failed, fmt.Sprintf("%d answers differ between learnd and another server (response parity above)", bad))
	}
	if len(failed) > 0 {
		return fmt.Errorf("the run is not valid:\n  %s", strings.Join(failed, "\n  "))
	}
	return nil
}

func newClient(conc int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: conc * 2, MaxIdleConnsPerHost: conc, MaxConnsPerHost: conc,
			IdleConnTimeout: 5 * time.Minute, DisableCompression: true,
		},
	}
}

func readTokens(path string) ([]tenantToken, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	defer f.Close()
	var out []tenantToken
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		tenant, tok, ok := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		if !ok {
			continue
		}
		out = append(out, tenantToken{tenant: tenant, auth: "Bearer " + strings.TrimSpace(tok)})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("tokens: no \"tenant token\" lines in %s", path)
	}
	return out, sc.Err()
}

// loadItems reads every live cohort of the tenants we hold tokens for (tenant by tenant,
// scoped, so it works whether or not row-level security applies to the connecting user).
func (l *loader) loadItems(ctx context.Context) error {
	for ti, t := range l.tokens {
		err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('learnd.tenant_id', $1, true)`, t.tenant); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `SELECT id, version FROM cohorts WHERE tenant_id = $1 AND NOT is_deleted`, t.tenant)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var it item
				if err := rows.Scan(&it.id, &it.version); err != nil {
					return err
				}
				it.tenant = ti
				it.path = cohortsPath + "/" + typeid.Format(typeid.Cohort, it.id)
				l.items = append(l.items, it)
			}
			return rows.Err()
		})
		if err != nil {
			return fmt.Errorf("load ids of %s: %w", t.tenant, err)
		}
	}
	if len(l.items) < l.conc {
		return fmt.Errorf("only %d live cohorts: seed first", len(l.items))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(l.items), func(i, j int) { l.items[i], l.items[j] = l.items[j], l.items[i] })
	return nil
}

// buildBodies prepares realistic create and patch bodies.
func (l *loader) buildBodies() {
	rng := rand.New(rand.NewPCG(3, 4))
	programs := []string{"prg-leadership", "prg-onboarding", "prg-sales", "prg-compliance"}
	tags := []string{"leadership", "onboarding", "emea", "amer", "apac", "sales", "pilot", "remote"}
	statuses := []string{"draft", "scheduled", "active"}
	for i := range 256 {
		per1, _ := typeid.New(typeid.Person)
		per2, _ := typeid.New(typeid.Person)
		grp, _ := typeid.New(typeid.Group)
		start := time.Date(2026, time.Month(1+i%12), 1+i%28, 9, 0, 0, 0, time.UTC)
		create := map[string]any{
			"name":                    fmt.Sprintf("Bench %s cohort %d", tags[i%len(tags)], i),
			"program_id":              programs[i%len(programs)],
			"group_id":                grp,
			"start_date":              start,
			"end_date":                start.AddDate(0, 3, 0),
			"status":                  statuses[i%len(statuses)],
			"session_count":           6 + i%12,
			"facilitator_ids":         []string{per1, per2},
			"completion_required_pct": 70 + i%31,
			"tags":                    []string{tags[i%len(tags)], tags[(i+1+(i/8)%7)%len(tags)]}, // distinct: uniqueItems
			"metadata":                map[string]any{"cost_center": fmt.Sprintf("CC-%d", 1000+i), "region": "emea"},
		}
		b, _ := json.Marshal(create)
		l.createBod = append(l.createBod, b)
		patch := map[string]any{
			"name":          fmt.Sprintf("Renamed cohort %d", rng.IntN(100000)),
			"session_count": 1 + rng.IntN(30),
			"tags":          []string{tags[rng.IntN(len(tags))], "patched"},
		}
		b, _ = json.Marshal(patch)
		l.patchBod = append(l.patchBod, b)
	}
}

// workerStates gives each worker its own random stream and, for patches, its own items.
func (l *loader) workerStates(op string) []*workerState {
	states := make([]*workerState, l.conc)
	for w := range l.conc {
		ws := &workerState{rng: rand.New(rand.NewPCG(uint64(w+1), uint64(len(op))))}
		for i := w; i < len(l.items); i += l.conc {
			ws.owned = append(ws.owned, i)
		}
		states[w] = ws
	}
	return states
}

type snapshot struct {
	server, gen    time.Duration
	pg             map[int]time.Duration
	hostBusy, host time.Duration
}

func (l *loader) snap(ctx context.Context, t *target) (snapshot, error) {
	var s snapshot
	var err error
	if s.server, err = procCPU(t.pid); err != nil {
		return s, fmt.Errorf("%s (pid %d) is gone: %w", t.name, t.pid, err)
	}
	s.gen, _ = procCPU(l.genPID)
	s.hostBusy, s.host, _ = hostCPU()
	s.pg = map[int]time.Duration{}
	rows, err := l.pool.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name <> $1`, loaderAppName)
	if err != nil {
		return s, err
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return s, err
	}
	for _, pid := range pids {
		if d, err := procCPU(int(pid)); err == nil {
			s.pg[int(pid)] = d
		}
	}
	return s, nil
}

// run drives op against t for d with l.conc workers. With record it measures: requests
// that complete by the deadline count, and CPU is read at the deadline.
func (l *loader) run(ctx context.Context, sp opSpec, t *target, states []*workerState, d time.Duration, record bool, profile string) (phaseResult, error) {
	var res phaseResult
	var before snapshot
	var err error
	if record {
		if before, err = l.snap(ctx, t); err != nil {
			return res, err
		}
	}
	start := time.Now()
	deadline := start.Add(d)
	type out struct {
		lat       []time.Duration
		errs      int
		errSample []string
	}
	outs := make([]out, l.conc)
	var wg sync.WaitGroup
	stopSQL := make(chan struct{})
	var sqlDone sync.WaitGroup
	if record && l.checkSQL {
		sqlDone.Add(1)
		go func() { defer sqlDone.Done(); l.sampleSQL(ctx, sp.name, t.name, stopSQL) }()
	}
	var profErr error
	if profile != "" {
		sqlDone.Add(1)
		go func() { defer sqlDone.Done(); profErr = fetchProfile(t.pprof, d, profile) }()
	}
	for w := range l.conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ws := states[w]
			o := &outs[w]
			if record {
				o.lat = make([]time.Duration, 0, 1<<14)
			}
			buf := make([]byte, 0, 64<<10)
			for {
				req := sp.build(l, ws, t.base)
				t0 := time.Now()
				if !t0.Before(deadline) {
					return
				}
				resp, err := t.client.Do(req)
				if err != nil {
					o.errs++
					if len(o.errSample) < 3 {
						o.errSample = append(o.errSample, err.Error())
					}
					time.Sleep(10 * time.Millisecond)
					continue
				}
				buf = buf[:0]
				bb := bytes.NewBuffer(buf)
				_, _ = io.Copy(bb, resp.Body)
				resp.Body.Close()
				buf = bb.Bytes()
				t1 := time.Now()
				if sp.after != nil {
					sp.after(l, ws, resp, buf)
				}
				if t1.After(deadline) {
					return // finished after the deadline: not counted
				}
				if resp.StatusCode != sp.expect {
					o.errs++
					if len(o.errSample) < 3 {
						o.errSample = append(o.errSample, fmt.Sprintf("%d %.200s", resp.StatusCode, buf))
					}
					continue
				}
				if record {
					o.lat = append(o.lat, t1.Sub(t0))
				}
			}
		}()
	}
	var after snapshot
	var snapErr error
	if record {
		time.Sleep(time.Until(deadline))
		after, snapErr = l.snap(ctx, t)
	}
	wg.Wait()
	close(stopSQL)
	sqlDone.Wait()
	if snapErr != nil {
		return res, snapErr
	}
	if profErr != nil {
		fmt.Fprintf(os.Stderr, "  profile %s: %v\n", profile, profErr)
	}
	for _, o := range outs {
		res.lat = append(res.lat, o.lat...)
		res.ok += len(o.lat)
		res.errs += o.errs
		for _, s := range o.errSample {
			if len(res.errSample) < 5 {
				res.errSample = append(res.errSample, s)
			}
		}
	}
	if !record {
		return res, nil
	}
	res.wall = d
	res.serverCPU = after.server - before.server
	res.genCPU = after.gen - before.gen
	res.hostBusy = after.hostBusy - before.hostBusy
	res.hostTotal = after.host - before.host
	for pid, c := range after.pg {
		res.pgCPU += c - before.pg[pid] // a backend born in the segment counts from zero
	}
	return res, nil
}

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
		rows, err := l.pool.Query(ctx, `SELECT DISTINCT query FROM pg_stat_activity
			WHERE datname = current_database() AND application_name <> $1 AND (application_name = $2) = $3
			  AND state IN ('active', 'idle in transaction')`, loaderAppName, baselineAppName, server == "baseline")
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

func (l *loader) printSetup(ctx context.Context) {
	var pgVersion, sharedBuffers, syncCommit, maxConns string
	_ = l.pool.QueryRow(ctx, `SELECT version(), current_setting('shared_buffers'), current_setting('synchronous_commit'), current_setting('max_connections')`).
		Scan(&pgVersion, &sharedBuffers, &syncCommit, &maxConns)
	fmt.Printf("load generator: %s, in-process net/http client, GOMAXPROCS=%d on %d CPUs, %d keep-alive connections per server\n",
		runtime.Version(), runtime.GOMAXPROCS(0), runtime.NumCPU(), l.conc)
	fmt.Printf("phases: per operation and server %d measured segments of %s, alternating learnd/baseline (ABBA…); unmeasured warm-up %s before the first, %s before later ones\n",
		l.segments, l.segDur, l.warmup, min(l.warmup, l.rewarm))
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
		if t.name == "baseline" {
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
			if t.name != "baseline" {
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
}

// reportSQL compares the statement texts each server was seen running, per operation.
// The sampler (pg_stat_activity every 25 ms) sees a statement only while it runs, so a
// short one (a pipelined batch's middle statements) may be missed now and then: a
// statement seen from one server but never from the other is a difference when it was
// seen at least sqlSure times, or when the other server was never seen sending it during
// any operation; otherwise it is counted as a sampling miss. learnd's background work
// (the job queue's statements, seen whichever server is being driven) is not request work
// and is left out.
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
			case n < sqlSure && allB[q]:
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
			case n < sqlSure && allL[q]:
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
