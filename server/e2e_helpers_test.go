package server_test

// Shared helpers of the end-to-end tests (e2e_*_test.go): SDK clients for minted callers,
// a resource adapter so envelope behaviour can be tested table-driven over cohorts and
// assessments, raw HTTP for what the SDK cannot express, and direct database access
// (as the connecting superuser, bypassing row-level security) for "nothing changed"
// checks.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// e2eCtx bounds every test's calls; nothing here should take long.
func e2eCtx(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// e2eCaller is a minted identity with its SDK client.
type e2eCaller struct {
	servertest.Caller
	Token  string
	Client *sdk.Client
}

// e2eNewCaller mints a token for c (a fresh person when c.Subject is empty) and builds an SDK
// client with it. Retries on 429 are off so a rate limit shows up as what it is.
func e2eNewCaller(t *testing.T, env *servertest.Env, c servertest.Caller) e2eCaller {
	t.Helper()
	if c.Subject == "" {
		c.Subject, _ = typeid.New(typeid.Person)
	}
	tok := env.Token(t, c)
	cl, err := sdk.New(env.URL, sdk.WithToken(tok), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatalf("sdk.New: %v", err)
	}
	return e2eCaller{Caller: c, Token: tok, Client: cl}
}

func e2eAdmin(t *testing.T, env *servertest.Env, tenant string) e2eCaller {
	t.Helper()
	return e2eNewCaller(t, env, servertest.Caller{Tenant: tenant, Role: auth.RoleAdmin})
}

func e2ePtr[T any](v T) *T { return &v }

func e2eIfMatch(v int) *string { return e2ePtr(`"` + strconv.Itoa(v) + `"`) }

// e2eSdkErr asserts err is an *sdk.Error with the given status carrying a problem document,
// and returns it.
func e2eSdkErr(t *testing.T, err error, status int, what string) *sdk.Error {
	t.Helper()
	var e *sdk.Error
	if !errors.As(err, &e) {
		t.Fatalf("%s: err = %v (%T), want *sdk.Error %d", what, err, err, status)
	}
	if e.StatusCode != status {
		t.Fatalf("%s: status %d, want %d (%s)", what, e.StatusCode, status, e.Body)
	}
	if e.Problem == nil {
		t.Fatalf("%s: %d response without an application/problem+json body: %q", what, status, e.Body)
	}
	if e.Problem.Status != status {
		t.Errorf("%s: problem status %d, want %d", what, e.Problem.Status, status)
	}
	return e
}

// e2eOpenDB connects to the test database as the superuser (row-level security does not
// apply), for seeding and for checking what is really stored.
func e2eOpenDB(t *testing.T, env *servertest.Env) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, env.DBURL)
	if err != nil {
		t.Fatalf("connect %s: %v", env.DBURL, err)
	}
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// e2eRow is what the database holds for a record's envelope.
type e2eRow struct {
	TenantID  string
	Version   int
	IsDeleted bool
	Name      string
	UpdatedAt time.Time
}

// e2eReadRow reads a record by its TypeID, whatever its tenant.
func e2eReadRow(t *testing.T, db *pgx.Conn, table, prefix, id string) e2eRow {
	t.Helper()
	u, err := typeid.Parse(prefix, id)
	if err != nil {
		t.Fatalf("parse %s: %v", id, err)
	}
	var r e2eRow
	err = db.QueryRow(context.Background(), `SELECT tenant_id, version, is_deleted, name, updated_at FROM `+pgx.Identifier{table}.Sanitize()+` WHERE id = $1`, u).
		Scan(&r.TenantID, &r.Version, &r.IsDeleted, &r.Name, &r.UpdatedAt)
	if err != nil {
		t.Fatalf("read %s %s: %v", table, id, err)
	}
	return r
}

func e2eCount(t *testing.T, db *pgx.Conn, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// e2eRaw is one raw HTTP exchange.
type e2eRaw struct {
	Status int
	Header http.Header
	Body   []byte
}

// e2eDo sends one request with net/http: for what the SDK cannot express.
func e2eDo(t *testing.T, method, url, token string, body any, headers map[string]string) e2eRaw {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		js, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("marshal body: %v", err)
		}
		rd = bytes.NewReader(js)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return e2eRaw{Status: res.StatusCode, Header: res.Header, Body: b}
}

// e2eProblem decodes a problem body, checking the media type.
func e2eProblem(t *testing.T, r e2eRaw) client.Problem {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q, want application/problem+json (body %s)", ct, r.Body)
	}
	var p client.Problem
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("decode problem %q: %v", r.Body, err)
	}
	return p
}

// e2eNear reports whether ts is within d of now.
func e2eNear(ts time.Time, d time.Duration) bool {
	diff := time.Since(ts)
	return diff > -d && diff < d
}

// e2eDiff compares want and got by their JSON members (instants compared in UTC) and
// reports every member that differs.
func e2eDiff(t *testing.T, what string, want, got any) {
	t.Helper()
	w, g := e2eMembers(t, want), e2eMembers(t, got)
	for k := range e2eUnion(w, g) {
		wv, wok := w[k]
		gv, gok := g[k]
		switch {
		case wok && !gok:
			t.Errorf("%s: member %q missing, want %s", what, k, e2eJSON(wv))
		case !wok && gok:
			t.Errorf("%s: unexpected member %q = %s", what, k, e2eJSON(gv))
		case !reflect.DeepEqual(wv, gv):
			t.Errorf("%s: member %q = %s, want %s", what, k, e2eJSON(gv), e2eJSON(wv))
		}
	}
}

func e2eMembers(t *testing.T, v any) map[string]any {
	t.Helper()
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatalf("marshal: %v", err)
		}
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("unmarshal %s: %v", b, err)
	}
	for k, v := range m {
		if s, ok := v.(string); ok {
			if ts, err := time.Parse(time.RFC3339Nano, s); err == nil {
				m[k] = ts.UTC().Format(time.RFC3339Nano)
			}
		}
	}
	return m
}

func e2eUnion(a, b map[string]any) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func e2eJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
