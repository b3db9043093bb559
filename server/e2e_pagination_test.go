package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

const e2eSeeded = 1000

// e2eSeedCohorts inserts n live cohorts into tenant acme the way the API writes them
// (UUIDv7 ids, stamps, defaults), with deliberate ties: four rows share each created_at and
// each name, so the id tie-breaker matters. It also adds soft-deleted acme rows and rows
// of another tenant, which no acme list may return. It returns the live acme ids.
func e2eSeedCohorts(t *testing.T, db *pgx.Conn, n int) map[string]bool {
	t.Helper()
	ctx := context.Background()
	_, person := typeid.New(typeid.Person)
	base := time.Now().Add(-time.Hour).UTC().Truncate(time.Microsecond)
	cols := []string{"tenant_id", "id", "created_at", "updated_at", "created_by", "updated_by", "source", "source_type",
		"schema_version", "version", "name", "status", "is_deleted", "deleted_at", "deleted_by"}
	live := make(map[string]bool, n)
	var rows [][]any
	add := func(tenant string, i int, deleted bool) uuid.UUID {
		id := uuid.Must(uuid.NewV7())
		created := base.Add(time.Duration(i/4) * time.Millisecond)
		var delAt, delBy any
		if deleted {
			delAt, delBy = created, person
		}
		rows = append(rows, []any{tenant, id, created, created, person, person, "edm", "api", 1, 1,
			fmt.Sprintf("Cohort %03d", i%(n/4)), "draft", deleted, delAt, delBy})
		return id
	}
	for i := range n {
		live[typeid.Format(typeid.Cohort, add("acme", i, false))] = true
	}
	for i := range 25 {
		add("acme", i*7, true)
		add("globex", i*7, false)
	}
	if _, err := db.CopyFrom(ctx, pgx.Identifier{"cohorts"}, cols, pgx.CopyFromRows(rows)); err != nil {
		t.Fatalf("seed cohorts: %v", err)
	}
	return live
}

// TestE2EPagination seeds 1,000 cohorts, then pages through them 37 at a time via the SDK
// while another goroutine keeps creating cohorts through the API (names sorting into the
// middle of the range). Every pre-existing cohort is seen exactly once, nothing twice, and
// the pages are in order. Tampered and re-scoped page tokens are 400 problems naming
// page_token, and All walks everything.
func TestE2EPagination(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := e2eOpenDB(t, env)
	live := e2eSeedCohorts(t, db, e2eSeeded)
	reader := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleLearner})
	writer := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager})

	var created sync.Map // ids the inserters created, in any subtest
	type item struct {
		id, name string
		created  time.Time
	}
	for _, order := range []client.ListCohortsParamsOrderBy{client.ListCohortsParamsOrderByMinusCreatedAt, client.ListCohortsParamsOrderByName} {
		t.Run(string(order), func(t *testing.T) {
			ctx := e2eCtx(t)
			var (
				inserted atomic.Int64
				stop     = make(chan struct{})
				done     = make(chan struct{})
				insErr   atomic.Value
			)
			go func() {
				defer close(done)
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					name := fmt.Sprintf("Cohort %03d new %s %d", (i*37)%(e2eSeeded/4), order, i)
					c, err := writer.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: name})
					if err != nil {
						insErr.Store(err)
						return
					}
					created.Store(c.Id, true)
					inserted.Add(1)
				}
			}()
			defer func() { close(stop); <-done }()

			seen := map[string]int{}
			var walk []item
			p := client.ListCohortsParams{PageSize: e2ePtr(37), OrderBy: &order}
			pages := 0
			for {
				// Make sure inserts really interleave with the walk.
				for want := inserted.Load() + 1; inserted.Load() < want; {
					if insErr.Load() != nil {
						t.Fatalf("inserter: %v", insErr.Load())
					}
					time.Sleep(time.Millisecond)
				}
				page, err := reader.Client.Learning.Cohorts.List(ctx, &p)
				if err != nil {
					t.Fatalf("page %d: %v", pages, err)
				}
				pages++
				if len(page.Data) > 37 {
					t.Fatalf("page %d has %d items, page_size 37", pages, len(page.Data))
				}
				if page.HasMore != (page.NextPageToken != nil) {
					t.Errorf("page %d: has_more %v but next_page_token %v", pages, page.HasMore, page.NextPageToken)
				}
				for _, c := range page.Data {
					seen[c.Id]++
					walk = append(walk, item{c.Id, c.Name, c.CreatedAt})
				}
				if page.NextPageToken == nil {
					break
				}
				if len(page.Data) == 0 {
					t.Fatalf("page %d is empty but has a next page", pages)
				}
				p.PageToken = page.NextPageToken
				if pages > 200 {
					t.Fatalf("more than 200 pages for ~%d records", e2eSeeded)
				}
			}
			if inserted.Load() < int64(pages) {
				t.Fatalf("only %d inserts during %d pages", inserted.Load(), pages)
			}

			for id, n := range seen {
				if n > 1 {
					t.Errorf("%s seen %d times", id, n)
				}
				if _, ok := created.Load(id); !ok && !live[id] {
					t.Errorf("%s seen but neither seeded live in acme nor created during the walk", id)
				}
			}
			missing := 0
			for id := range live {
				if seen[id] != 1 {
					missing++
				}
			}
			if missing > 0 {
				t.Errorf("%d of %d pre-existing cohorts not seen exactly once (%d pages, %d inserted meanwhile)", missing, len(live), pages, inserted.Load())
			}
			for i := 1; i < len(walk); i++ {
				a, b := walk[i-1], walk[i]
				var ordered bool
				switch order {
				case client.ListCohortsParamsOrderByName:
					ordered = a.name < b.name || a.name == b.name && a.id < b.id
				default:
					ordered = a.created.After(b.created) || a.created.Equal(b.created) && a.id > b.id
				}
				if !ordered {
					t.Errorf("out of order at %d: %+v then %+v", i, a, b)
					break
				}
			}
			t.Logf("%s: %d pages, %d items, %d inserted meanwhile", order, pages, len(walk), inserted.Load())
		})
	}

	t.Run("page tokens", func(t *testing.T) {
		ctx := e2eCtx(t)
		first, err := reader.Client.Learning.Cohorts.List(ctx, &client.ListCohortsParams{PageSize: e2ePtr(37)})
		if err != nil || first.NextPageToken == nil {
			t.Fatalf("first page: %v %+v", err, first)
		}
		tok := *first.NextPageToken
		dot := strings.IndexByte(tok, '.')
		if dot < 0 {
			t.Fatalf("token %q has no signature part", tok)
		}

		// The genuine token continues the walk, also with another page_size.
		for _, size := range []int{37, 5} {
			next, err := reader.Client.Learning.Cohorts.List(ctx, &client.ListCohortsParams{PageSize: e2ePtr(size), PageToken: &tok})
			if err != nil {
				t.Fatalf("genuine token, page_size %d: %v", size, err)
			}
			if len(next.Data) != size || next.Data[0].Id == first.Data[0].Id {
				t.Errorf("genuine token, page_size %d: %d items starting at %s", size, len(next.Data), next.Data[0].Id)
			}
		}

		tampered := map[string]string{
			"flip first char":         e2eFlip(tok, 0),
			"flip payload middle":     e2eFlip(tok, dot/2),
			"flip last payload char":  e2eFlip(tok, dot-1),
			"flip first sig char":     e2eFlip(tok, dot+1),
			"flip sig middle":         e2eFlip(tok, dot+(len(tok)-dot)/2),
			"drop signature":          tok[:dot],
			"truncate":                tok[:len(tok)-3],
			"payload of another page": e2eSwapPayload(tok, reader, t),
		}
		for name, bad := range tampered {
			t.Run(name, func(t *testing.T) {
				_, err := reader.Client.Learning.Cohorts.List(ctx, &client.ListCohortsParams{PageSize: e2ePtr(37), PageToken: &bad})
				e2ePageTokenProblem(t, err)
			})
		}

		status, name, q := client.CohortStatusActive, client.ListCohortsParamsOrderByName, "Cohort"
		rescoped := map[string]client.ListCohortsParams{
			"status added":  {PageToken: &tok, Status: &status},
			"order changed": {PageToken: &tok, OrderBy: &name},
			"q added":       {PageToken: &tok, Q: &q},
			"tags added":    {PageToken: &tok, Tags: &[]string{"x"}},
			"program added": {PageToken: &tok, ProgramId: e2ePtr("prg")},
			"created_at_to": {PageToken: &tok, CreatedAtTo: e2ePtr(time.Now().UTC())},
			"show_deleted":  {PageToken: &tok, ShowDeleted: e2ePtr(true)},
			"start_date_to": {PageToken: &tok, StartDateTo: e2ePtr(time.Now().UTC())},
			"ascending":     {PageToken: &tok, OrderBy: e2ePtr(client.ListCohortsParamsOrderByCreatedAt)},
		}
		adm := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin})
		for label, params := range rescoped {
			t.Run(label, func(t *testing.T) {
				_, err := adm.Client.Learning.Cohorts.List(ctx, &params)
				e2ePageTokenProblem(t, err)
			})
		}
		t.Run("cohort token on assessments", func(t *testing.T) {
			_, err := reader.Client.Learning.Assessments.List(ctx, &client.ListAssessmentsParams{PageToken: &tok})
			e2ePageTokenProblem(t, err)
		})
	})

	t.Run("All", func(t *testing.T) {
		ctx := e2eCtx(t)
		want := e2eCount(t, db, `SELECT count(*) FROM cohorts WHERE tenant_id = 'acme' AND NOT is_deleted`)
		seen := map[string]bool{}
		for c, err := range reader.Client.Learning.Cohorts.All(ctx, &client.ListCohortsParams{PageSize: e2ePtr(100)}) {
			if err != nil {
				t.Fatal(err)
			}
			if seen[c.Id] {
				t.Fatalf("All yielded %s twice", c.Id)
			}
			seen[c.Id] = true
		}
		if len(seen) != want {
			t.Errorf("All yielded %d cohorts, the database has %d live in acme", len(seen), want)
		}
		for id := range live {
			if !seen[id] {
				t.Errorf("All missed seeded %s", id)
				break
			}
		}
		// Stopping early stops the iteration.
		n := 0
		for _, err := range reader.Client.Learning.Cohorts.All(ctx, nil) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 3 {
				break
			}
		}
		if n != 3 {
			t.Errorf("early break after %d items", n)
		}
	})
}

// base64url alphabet, in value order.
const e2eB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// e2eFlip replaces the character at i with the base64url character whose value differs
// in the lowest bit.
func e2eFlip(s string, i int) string {
	b := []byte(s)
	if v := strings.IndexByte(e2eB64, b[i]); v >= 0 {
		b[i] = e2eB64[v^1]
	} else {
		b[i] ^= 1
	}
	return string(b)
}

// e2eSwapPayload pairs the signature of tok with the payload of the next page's token.
func e2eSwapPayload(tok string, who e2eCaller, t *testing.T) string {
	t.Helper()
	page, err := who.Client.Learning.Cohorts.List(e2eCtx(t), &client.ListCohortsParams{PageSize: e2ePtr(37), PageToken: &tok})
	if err != nil || page.NextPageToken == nil {
		t.Fatalf("second page: %v", err)
	}
	other := *page.NextPageToken
	return other[:strings.IndexByte(other, '.')] + tok[strings.IndexByte(tok, '.'):]
}

func e2ePageTokenProblem(t *testing.T, err error) {
	t.Helper()
	e := e2eSdkErr(t, err, http.StatusBadRequest, "list with a bad page_token")
	if e.Problem.Errors == nil || len(*e.Problem.Errors) == 0 {
		t.Fatalf("400 without errors[]: %s", e.Body)
	}
	if p := (*e.Problem.Errors)[0].Parameter; p == nil || *p != "page_token" {
		t.Errorf("errors[0].parameter = %v, want page_token (%s)", p, e.Body)
	}
}

// TestE2EPageTokenEveryCharacter: the contract says a modified page token is a 400. Every
// single-character modification of a real token must be refused — including the last
// character of the base64url signature, whose low bits carry no data.
func TestE2EPageTokenEveryCharacter(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	who := e2eAdmin(t, env, "acme")
	for i := range 3 {
		if _, err := who.Client.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: fmt.Sprintf("c%d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	page, err := who.Client.Learning.Cohorts.List(ctx, &client.ListCohortsParams{PageSize: e2ePtr(1)})
	if err != nil || page.NextPageToken == nil {
		t.Fatalf("list: %v", err)
	}
	tok := *page.NextPageToken
	var accepted []string
	for i := range len(tok) {
		if tok[i] == '.' {
			continue
		}
		bits := []int{1}
		if i == len(tok)-1 { // the last character's low bits are the ones base64 decoding may ignore
			bits = []int{1, 2, 4, 8}
		}
		for _, bit := range bits {
			b := []byte(tok)
			v := strings.IndexByte(e2eB64, b[i])
			if v < 0 {
				t.Fatalf("token %q: %q is not base64url", tok, b[i])
			}
			b[i] = e2eB64[v^bit]
			bad := string(b)
			_, err := who.Client.Learning.Cohorts.List(ctx, &client.ListCohortsParams{PageSize: e2ePtr(1), PageToken: &bad})
			if sdk.StatusCode(err) != http.StatusBadRequest {
				accepted = append(accepted, fmt.Sprintf("position %d %q→%q (status %d)", i, tok[i], b[i], sdk.StatusCode(err)))
			}
		}
	}
	if len(accepted) > 0 {
		t.Errorf("token %s: %d modified tokens were accepted: %v", tok, len(accepted), accepted)
	}
}
