package main

// The LMS core's hot paths (/api/v2) in the load, and the response parity check: before
// an operation is measured, the same requests go to every server and the JSON answers
// must match (page tokens only in presence: each server signs its own).

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/typeid"
)

// lmsRef is a seeded course or user: the tenant (index into the tokens) and its typed id.
type lmsRef struct {
	tenant int
	id     string
}

func getReq(l *loader, tenant int, base, path string) *http.Request {
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("Authorization", l.tokens[tenant].auth)
	return req
}

func init() {
	for _, sp := range []opSpec{
		{name: "find_user", expect: http.StatusOK, read: true, build: func(l *loader, ws *workerState, base string) *http.Request {
			t := ws.rng.IntN(len(l.tokens))
			term := findTerms[ws.rng.IntN(len(findTerms))]
			return getReq(l, t, base, "/api/v2/users?query="+url.QueryEscape(term)+"&limit=20")
		}},
		{name: "get_course", expect: http.StatusOK, read: true, build: func(l *loader, ws *workerState, base string) *http.Request {
			c := l.courses[ws.rng.IntN(len(l.courses))]
			return getReq(l, c.tenant, base, "/api/v2/courses/"+c.id)
		}},
		{name: "list_assignments", expect: http.StatusOK, read: true, build: func(l *loader, ws *workerState, base string) *http.Request {
			u := l.users[ws.rng.IntN(len(l.users))]
			return getReq(l, u.tenant, base, "/api/v2/users/"+u.id+"/courses/assignments?limit=20")
		}},
		{name: "compliance", expect: http.StatusOK, read: true, build: func(l *loader, ws *workerState, base string) *http.Request {
			c := l.courses[ws.rng.IntN(len(l.courses))]
			return getReq(l, c.tenant, base, "/api/v2/courses/"+c.id+"/statistics/users")
		}},
	} {
		ops[sp.name] = sp
	}
	for _, name := range []string{"get", "list"} {
		sp := ops[name]
		sp.read = true
		ops[name] = sp
	}
}

// loadLMS reads the live courses and the non-admin users of the tenants we hold tokens for.
func (l *loader) loadLMS(ctx context.Context) error {
	for ti, t := range l.tokens {
		err := pgx.BeginFunc(ctx, l.pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT set_config('learnd.tenant_id', $1, true)`, t.tenant); err != nil {
				return err
			}
			rows, err := tx.Query(ctx, `SELECT id FROM courses WHERE tenant_id = $1 AND NOT is_deleted ORDER BY id`, t.tenant)
			if err != nil {
				return err
			}
			ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
			if err != nil {
				return err
			}
			for _, id := range ids {
				l.courses = append(l.courses, lmsRef{tenant: ti, id: typeid.Format(typeid.Course, id)})
			}
			rows, err = tx.Query(ctx, `SELECT id FROM users WHERE tenant_id = $1 AND role <> 'admin' ORDER BY id`, t.tenant)
			if err != nil {
				return err
			}
			if ids, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID]); err != nil {
				return err
			}
			for _, id := range ids {
				l.users = append(l.users, lmsRef{tenant: ti, id: typeid.Format(typeid.Person, id)})
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("load LMS ids of %s: %w", t.tenant, err)
		}
	}
	if len(l.courses) == 0 || len(l.users) == 0 {
		return fmt.Errorf("no LMS courses or users: seed first")
	}
	return nil
}

// parityResult is the response comparison of one operation.
type parityResult struct {
	compared, differ int
	sample           []string
}

// checkResponses sends the same n requests of a read operation to each server (the same
// random stream per server) and compares every other server's answers with learnd's.
func (l *loader) checkResponses(ctx context.Context, sp opSpec, targets []*target, n int) (map[string]*parityResult, error) {
	bodies := map[string][]answer{}
	for _, t := range targets {
		ws := &workerState{rng: rand.New(rand.NewPCG(99, uint64(len(sp.name))))}
		for range n {
			req := sp.build(l, ws, t.base).WithContext(ctx)
			resp, err := t.client.Do(req)
			if err != nil {
				return nil, fmt.Errorf("parity %s %s: %w", sp.name, t.name, err)
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return nil, fmt.Errorf("parity %s %s: %w", sp.name, t.name, err)
			}
			bodies[t.name] = append(bodies[t.name], answer{path: req.URL.RequestURI(), status: resp.StatusCode, body: b})
		}
	}
	out := map[string]*parityResult{}
	ref := bodies["learnd"]
	for _, t := range targets {
		if t.name == "learnd" {
			continue
		}
		pr := &parityResult{}
		out[t.name] = pr
		for i, a := range bodies[t.name] {
			pr.compared++
			if d := a.diff(ref[i]); d != "" {
				pr.differ++
				if len(pr.sample) < 3 {
					pr.sample = append(pr.sample, fmt.Sprintf("GET %s: %s", a.path, d))
				}
			}
		}
	}
	return out, nil
}

type answer struct {
	path   string
	status int
	body   []byte
}

// diff describes how a differs from learnd's ref ("" when they match).
func (a answer) diff(ref answer) string {
	if a.status != ref.status {
		return fmt.Sprintf("status %d, learnd %d (%.200s | learnd %.200s)", a.status, ref.status, a.body, ref.body)
	}
	var x, y any
	if err := json.Unmarshal(a.body, &x); err != nil {
		return "not JSON: " + err.Error()
	}
	if err := json.Unmarshal(ref.body, &y); err != nil {
		return "learnd's is not JSON: " + err.Error()
	}
	if a.status >= 400 { // problems carry request ids and details: compare the kind only
		x, y = problemKind(x), problemKind(y)
	}
	return jsonDiff("", normalize(x), normalize(y))
}

func problemKind(v any) any {
	m, _ := v.(map[string]any)
	return map[string]any{"type": m["type"], "status": m["status"]}
}

// normalize makes two servers' answers comparable: page tokens only in presence,
// timestamps as UTC instants.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if k == "nextPageToken" || k == "next_page_token" {
				x[k] = "<token>"
				continue
			}
			x[k] = normalize(e)
		}
		return x
	case []any:
		for i := range x {
			x[i] = normalize(x[i])
		}
		return x
	case string:
		if len(x) >= 20 && x[4] == '-' && x[10] == 'T' {
			if ts, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return ts.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	return v
}

// jsonDiff names the first difference between a (the server's) and b (learnd's).
func jsonDiff(path string, a, b any) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return fmt.Sprintf("%s: object, learnd %s", orRoot(path), short(b))
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			xv, xok := x[k]
			yv, yok := y[k]
			switch {
			case !xok:
				return fmt.Sprintf("%s/%s: missing, learnd %s", path, k, short(yv))
			case !yok:
				return fmt.Sprintf("%s/%s: %s, learnd has no such member", path, k, short(xv))
			}
			if d := jsonDiff(path+"/"+k, xv, yv); d != "" {
				return d
			}
		}
		return ""
	case []any:
		y, ok := b.([]any)
		if !ok {
			return fmt.Sprintf("%s: array, learnd %s", orRoot(path), short(b))
		}
		if len(x) != len(y) {
			return fmt.Sprintf("%s: %d items, learnd %d", orRoot(path), len(x), len(y))
		}
		for i := range x {
			if d := jsonDiff(fmt.Sprintf("%s/%d", path, i), x[i], y[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if fmt.Sprint(a) != fmt.Sprint(b) || fmt.Sprintf("%T", a) != fmt.Sprintf("%T", b) {
		return fmt.Sprintf("%s: %s, learnd %s", orRoot(path), short(a), short(b))
	}
	return ""
}

func orRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

// reportParity prints the response comparison of every read operation.
func reportParity(specs []opSpec, parity map[string]map[string]*parityResult) int {
	bad := 0
	var names []string
	for _, sp := range specs {
		if parity[sp.name] != nil {
			names = append(names, sp.name)
		}
	}
	if len(names) == 0 {
		return 0
	}
	var ok []string
	for _, name := range names {
		servers := make([]string, 0, len(parity[name]))
		for s := range parity[name] {
			servers = append(servers, s)
		}
		slices.Sort(servers)
		for _, s := range servers {
			pr := parity[name][s]
			if pr.differ == 0 {
				label := name
				if s != "baseline" {
					label += " (" + s + ")"
				}
				ok = append(ok, fmt.Sprintf("%s %d/%d", label, pr.compared, pr.compared))
				continue
			}
			bad += pr.differ
			fmt.Printf("response parity WARNING (%s, %s): %d of %d answers differ from learnd's\n", name, s, pr.differ, pr.compared)
			for _, d := range pr.sample {
				fmt.Printf("  %s\n", d)
			}
		}
	}
	if len(ok) > 0 {
		fmt.Printf("response parity: identical JSON answers to the same requests (page tokens by presence): %s\n", strings.Join(ok, ", "))
	}
	return bad
}
