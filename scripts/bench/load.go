package main

// The load generator: fixed concurrency over keep-alive connections, one operation at a
// time, learnd and the baseline (and the bare baseline, when given) alternating (ABBA…, or
// ABCCBA…) on the same database, each server's CPU read from /proc before and after every
// measured segment.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
)

const (
	cohortsPath   = "/api/v1/learning/cohorts"
	loaderAppName = "learnd-bench-loader"
	// baselineAppName tags the baseline's connections, so the SQL sampler tells its
	// statements from learnd's (whose job queue keeps running while the baseline is driven);
	// bareAppName (bare.go) tags the bare baseline's.
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
	createBod [][][]byte // per tenant
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
		body := l.createBod[t][ws.rng.IntN(len(l.createBod[t]))]
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
	bareURL := fs.String("bare", "", "optional bare baseline (bench baseline -mode bare): one statement per request, no caller lookup, no RLS")
	barePID := fs.Int("bare-pid", 0, "the bare baseline's pid")
	barePprof := fs.String("bare-pprof", "", "the bare baseline's net/http/pprof base URL")
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
	if needCohorts {
		if err := l.buildBodies(ctx); err != nil {
			return err
		}
	}
	targets := []*target{
		{name: "learnd", base: *learndURL, pid: *learndPID, client: newClient(*conc), pprof: *learndPprof},
		{name: "baseline", base: *baseURL, pid: *basePID, client: newClient(*conc), pprof: *basePprof},
	}
	if *bareURL != "" {
		targets = append(targets, &target{name: "bare", base: *bareURL, pid: *barePID, client: newClient(*conc), pprof: *barePprof})
	}
	if *candURL != "" {
		if *candName == "learnd" || *candName == "baseline" || *candName == "bare" {
			return errors.New("-candidate-name must differ from learnd, baseline and bare")
		}
		targets = append(targets, &target{name: *candName, base: *candURL, pid: *candPID, client: newClient(*conc)})
	}
	l.profDir, l.rewarm = *profDir, *rewarm
	for _, t := range targets {
		if _, err := procCPU(t.pid); err != nil {
			return fmt.Errorf("%s pid %d: %w", t.name, t.pid, err)
		}
	}
	l.printSetup(ctx, targets)

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
