package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

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

// buildBodies prepares realistic create and patch bodies; a tenant's create bodies
// reference its own groups and users (learnd refuses references it cannot find there).
func (l *loader) buildBodies(ctx context.Context) error {
	rng := rand.New(rand.NewPCG(3, 4))
	programs := []string{"prg-leadership", "prg-onboarding", "prg-sales", "prg-compliance"}
	tags := []string{"leadership", "onboarding", "emea", "amer", "apac", "sales", "pilot", "remote"}
	statuses := []string{"draft", "scheduled", "active"}
	l.createBod = make([][][]byte, len(l.tokens))
	for t, tok := range l.tokens {
		var people []string
		var groups []uuid.UUID
		err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('learnd.tenant_id', $1, true)`, tok.tenant); err != nil {
				return err
			}
			var err error
			_, people, groups, err = cohortRefs(ctx, tx, tok.tenant)
			return err
		})
		if err != nil {
			return fmt.Errorf("create bodies of %s: %w", tok.tenant, err)
		}
		for i := range 256 {
			start := time.Date(2026, time.Month(1+i%12), 1+i%28, 9, 0, 0, 0, time.UTC)
			create := map[string]any{
				"name":                    fmt.Sprintf("Bench %s cohort %d", tags[i%len(tags)], i),
				"program_id":              programs[i%len(programs)],
				"group_id":                typeid.Format(typeid.Group, groups[rng.IntN(len(groups))]),
				"start_date":              start,
				"end_date":                start.AddDate(0, 3, 0),
				"status":                  statuses[i%len(statuses)],
				"session_count":           6 + i%12,
				"facilitator_ids":         []string{people[i%len(people)], people[(i+1+rng.IntN(max(1, len(people)-1)))%len(people)]},
				"completion_required_pct": 70 + i%31,
				"tags":                    []string{tags[i%len(tags)], tags[(i+1+(i/8)%7)%len(tags)]}, // distinct: uniqueItems
				"metadata":                map[string]any{"cost_center": fmt.Sprintf("CC-%d", 1000+i), "region": "emea"},
			}
			b, _ := json.Marshal(create)
			l.createBod[t] = append(l.createBod[t], b)
		}
	}
	for range 256 {
		patch := map[string]any{
			"name":          fmt.Sprintf("Renamed cohort %d", rng.IntN(100000)),
			"session_count": 1 + rng.IntN(30),
			"tags":          []string{tags[rng.IntN(len(tags))], "patched"},
		}
		b, _ := json.Marshal(patch)
		l.patchBod = append(l.patchBod, b)
	}
	return nil
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
