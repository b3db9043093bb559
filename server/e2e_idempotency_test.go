package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
)

// e2eIdemCreate creates a record of res named name with an Idempotency-Key through the
// SDK's low-level client (the facade does not expose response headers).
func e2eIdemCreate(ctx context.Context, t *testing.T, who e2eCaller, res e2eResource, key, name string) e2eRaw {
	t.Helper()
	var (
		hr   *http.Response
		body []byte
		err  error
	)
	switch res.name {
	case "cohorts":
		var r *client.CreateCohortResponse
		r, err = who.Client.Raw().CreateCohortWithResponse(ctx, &client.CreateCohortParams{IdempotencyKey: &key}, client.CohortCreate{Name: name})
		if err == nil {
			hr, body = r.HTTPResponse, r.Body
		}
	default:
		var r *client.CreateAssessmentResponse
		r, err = who.Client.Raw().CreateAssessmentWithResponse(ctx, &client.CreateAssessmentParams{IdempotencyKey: &key},
			client.AssessmentCreate{Kind: client.AssessmentKindGeneral, Name: name})
		if err == nil {
			hr, body = r.HTTPResponse, r.Body
		}
	}
	if err != nil { // Errorf, not Fatalf: this also runs on other goroutines
		t.Errorf("create %s with Idempotency-Key: %v", res.name, err)
		return e2eRaw{}
	}
	return e2eRaw{Status: hr.StatusCode, Header: hr.Header, Body: body}
}

func e2eBodyID(t *testing.T, b []byte) (id string, appID *string) {
	t.Helper()
	var v struct {
		ID    string  `json:"id"`
		AppID *string `json:"app_id"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v.ID, v.AppID
}

// TestE2EIdempotency: the same Idempotency-Key and body twice creates one row and replays
// the first response byte for byte (with Idempotent-Replayed: true); the same key with
// another body is a 422 idempotency_key_reused and creates nothing; another key creates
// another row.
func TestE2EIdempotency(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	for _, res := range e2eResources {
		t.Run(res.name, func(t *testing.T) {
			ctx := e2eCtx(t)
			key := uuid.NewString()
			count := func(name string) int {
				return e2eCount(t, db, `SELECT count(*) FROM `+res.table+` WHERE tenant_id = 'acme' AND name = $1`, name)
			}

			first := e2eIdemCreate(ctx, t, who, res, key, "idem one")
			if first.Status != http.StatusCreated {
				t.Fatalf("first: %d %s", first.Status, first.Body)
			}
			if h := first.Header.Get("Idempotent-Replayed"); h != "" {
				t.Errorf("first response has Idempotent-Replayed: %q", h)
			}
			second := e2eIdemCreate(ctx, t, who, res, key, "idem one")
			if second.Status != http.StatusCreated {
				t.Fatalf("replay: %d %s", second.Status, second.Body)
			}
			if !bytes.Equal(first.Body, second.Body) {
				t.Errorf("replayed body differs:\n first %s\nsecond %s", first.Body, second.Body)
			}
			if h := second.Header.Get("Idempotent-Replayed"); h != "true" {
				t.Errorf("replay Idempotent-Replayed = %q, want true", h)
			}
			for _, h := range []string{"ETag", "Location", "Content-Type"} {
				if first.Header.Get(h) != second.Header.Get(h) {
					t.Errorf("replay %s %q, first %q", h, second.Header.Get(h), first.Header.Get(h))
				}
			}
			if n := count("idem one"); n != 1 {
				t.Errorf("%d rows after a replayed create, want 1", n)
			}

			reused := e2eIdemCreate(ctx, t, who, res, key, "idem two")
			if reused.Status != http.StatusUnprocessableEntity {
				t.Fatalf("same key, other body: %d %s, want 422", reused.Status, reused.Body)
			}
			if p := e2eProblem(t, reused); p.Code == nil || *p.Code != "idempotency_key_reused" {
				t.Errorf("422 code %v, want idempotency_key_reused", p.Code)
			}
			if n1, n2 := count("idem one"), count("idem two"); n1 != 1 || n2 != 0 {
				t.Errorf("rows after a reused key: %d of the first body, %d of the second; want 1 and 0", n1, n2)
			}

			other := e2eIdemCreate(ctx, t, who, res, uuid.NewString(), "idem one")
			if other.Status != http.StatusCreated || other.Header.Get("Idempotent-Replayed") != "" {
				t.Fatalf("another key: %d replayed=%q", other.Status, other.Header.Get("Idempotent-Replayed"))
			}
			if id1, _ := e2eBodyID(t, first.Body); func() bool { id2, _ := e2eBodyID(t, other.Body); return id1 == id2 }() {
				t.Errorf("another key replayed the first record %s", id1)
			}
			if n := count("idem one"); n != 2 {
				t.Errorf("%d rows after a create with another key, want 2", n)
			}
		})
	}
}

// TestE2EIdempotencyConcurrent: retries racing with the original still create one row;
// each answer is the created record (original or replay) or a 409 in-flight problem.
func TestE2EIdempotencyConcurrent(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	who := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})
	ctx := e2eCtx(t)
	key := uuid.NewString()
	const n = 8
	var (
		wg   sync.WaitGroup
		gate = make(chan struct{})
		out  = make([]e2eRaw, n)
	)
	for i := range n {
		wg.Go(func() {
			<-gate
			out[i] = e2eIdemCreate(ctx, t, who, e2eCohorts, key, "raced")
		})
	}
	close(gate)
	wg.Wait()
	var firstBody []byte
	created := 0
	for i, r := range out {
		switch r.Status {
		case http.StatusCreated:
			created++
			if firstBody == nil {
				firstBody = r.Body
			} else if !bytes.Equal(firstBody, r.Body) {
				t.Errorf("response %d differs from another 201:\n%s\n%s", i, r.Body, firstBody)
			}
		case http.StatusConflict:
			if p := e2eProblem(t, r); p.Code == nil || *p.Code != "idempotency_in_flight" {
				t.Errorf("409 code %v, want idempotency_in_flight", p.Code)
			}
		default:
			t.Errorf("response %d: %d %s", i, r.Status, r.Body)
		}
	}
	if created == 0 {
		t.Errorf("no request got 201")
	}
	if rows := e2eCount(t, db, `SELECT count(*) FROM cohorts WHERE name = 'raced'`); rows != 1 {
		t.Errorf("%d rows for %d racing requests with one key, want 1", rows, n)
	}
}

// TestE2EIdempotencyKeyScope: a key belongs to whoever used it. Another tenant's identical
// request with the same key creates its own record (keys are per tenant); an application's
// token of the same tenant must not be handed another application's record, which its
// reads could never see.
func TestE2EIdempotencyKeyScope(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	key := uuid.NewString()
	app1 := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, AppID: "app1"})
	ctx := e2eCtx(t)
	first := e2eIdemCreate(ctx, t, app1, e2eCohorts, key, "scoped")
	if first.Status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.Status, first.Body)
	}
	firstID, _ := e2eBodyID(t, first.Body)

	t.Run("other tenant", func(t *testing.T) {
		globex := e2eNewCaller(t, env, servertest.Caller{Tenant: "globex", Role: auth.RoleAdmin, AppID: "app1"})
		r := e2eIdemCreate(ctx, t, globex, e2eCohorts, key, "scoped")
		if r.Status != http.StatusCreated || r.Header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("other tenant, same key: %d replayed=%q %s", r.Status, r.Header.Get("Idempotent-Replayed"), r.Body)
		}
		if id, _ := e2eBodyID(t, r.Body); id == firstID {
			t.Errorf("tenant globex was handed acme's record %s", id)
		}
		if n := e2eCount(t, db, `SELECT count(*) FROM cohorts WHERE tenant_id = 'globex' AND name = 'scoped'`); n != 1 {
			t.Errorf("%d rows in globex, want 1", n)
		}
	})

	t.Run("other application", func(t *testing.T) {
		app2 := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, AppID: "app2"})
		r := e2eIdemCreate(ctx, t, app2, e2eCohorts, key, "scoped")
		id, appID := e2eBodyID(t, r.Body)
		if r.Status == http.StatusCreated && id == firstID {
			t.Errorf("app2 was replayed app1's record %s (app_id %v, Idempotent-Replayed %q), which app2 cannot even read",
				id, e2eDeref(appID), r.Header.Get("Idempotent-Replayed"))
		}
		if r.Status == http.StatusCreated && (appID == nil || *appID != "app2") {
			t.Errorf("app2's create returned app_id %v, want app2", e2eDeref(appID))
		}
		if _, err := app2.Client.Learning.Cohorts.Get(ctx, firstID, nil); err == nil {
			t.Errorf("app2 can read app1's cohort %s", firstID)
		}
	})
}

func e2eDeref(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}
