package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/oauth"
	"github.com/learnd/learnd/store/storetest"
)

// oauthFixture is a store with a tenant, a registered client and a grant of a person.
func oauthFixture(t *testing.T) (*oauth.Repo, oauth.Grant, context.Context) {
	t.Helper()
	st, conn := storetest.OpenWithConn(t)
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `INSERT INTO tenants (id, name) VALUES ('acme', 'Acme')`); err != nil {
		t.Fatal(err)
	}
	r := oauth.New(st)
	if err := r.RegisterClient(ctx, oauth.Client{ID: "mcp_test", Name: "Test", RedirectURIs: []string{"http://127.0.0.1/cb"}}); err != nil {
		t.Fatal(err)
	}
	g := oauth.Grant{Family: uuid.New(), ClientID: "mcp_test", TenantID: "acme", PersonID: uuid.New(),
		Scopes: []string{"read"}, Resource: "https://learnd.example/mcp", AuthTime: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
	return r, g, ctx
}

// TestRefreshRotation: each token is good once; a rotated one presented again revokes
// the family, the newest token included; an expired one is unknown.
func TestRefreshRotation(t *testing.T) {
	t.Parallel()
	r, g, ctx := oauthFixture(t)
	if err := r.IssueRefresh(ctx, "lr_1", g); err != nil {
		t.Fatal(err)
	}
	if got, err := r.Refresh(ctx, "lr_1"); err != nil || got.Family != g.Family || got.TenantID != "acme" {
		t.Fatalf("refresh lr_1: %+v %v", got, err)
	}
	if err := r.Rotate(ctx, "lr_1", "lr_2", []string{"read"}, time.Now().Add(time.Hour)); err != nil {
		t.Fatalf("rotate: %v", err)
	}
	if _, err := r.Refresh(ctx, "lr_2"); err != nil {
		t.Fatalf("refresh lr_2: %v", err)
	}
	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"the rotated token", func() error { _, err := r.Refresh(ctx, "lr_1"); return err }, oauth.ErrRefreshReused},
		{"the newest token after the replay", func() error { _, err := r.Refresh(ctx, "lr_2"); return err }, oauth.ErrRefreshReused},
		{"rotating the newest", func() error { return r.Rotate(ctx, "lr_2", "lr_3", nil, time.Now().Add(time.Hour)) }, oauth.ErrRefreshReused},
		{"an unknown token", func() error { _, err := r.Refresh(ctx, "lr_nope"); return err }, store.ErrNotFound},
	}
	for _, s := range steps {
		if err := s.do(); !errors.Is(err, s.want) {
			t.Errorf("%s: %v, want %v", s.name, err, s.want)
		}
	}

	expired := g
	expired.Family, expired.ExpiresAt = uuid.New(), time.Now().Add(-time.Second)
	if err := r.IssueRefresh(ctx, "lr_old", expired); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Refresh(ctx, "lr_old"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an expired token: %v, want not found", err)
	}
}

// TestRefreshRotateRace: of concurrent rotations of one token exactly one wins; the
// others are replays, which revoke the family (the winner's token too).
func TestRefreshRotateRace(t *testing.T) {
	t.Parallel()
	r, g, ctx := oauthFixture(t)
	if err := r.IssueRefresh(ctx, "lr_0", g); err != nil {
		t.Fatal(err)
	}
	const n = 6
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = r.Rotate(ctx, "lr_0", fmt.Sprintf("lr_next%d", i), nil, time.Now().Add(time.Hour)) })
	}
	wg.Wait()
	won := -1
	for i, err := range errs {
		switch {
		case err == nil && won < 0:
			won = i
		case err == nil:
			t.Errorf("rotations %d and %d both won", won, i)
		case !errors.Is(err, oauth.ErrRefreshReused):
			t.Errorf("rotation %d: %v", i, err)
		}
	}
	if won < 0 {
		t.Fatal("no rotation won")
	}
	if _, err := r.Refresh(ctx, fmt.Sprintf("lr_next%d", won)); !errors.Is(err, oauth.ErrRefreshReused) {
		t.Errorf("the winner's token after the replays: %v, want revoked", err)
	}
}

// TestCodeOnce: a request approved by a person yields one code, good once; its replay
// revokes the refresh tokens the first use brought.
func TestCodeOnce(t *testing.T) {
	t.Parallel()
	r, g, ctx := oauthFixture(t)
	q := oauth.Request{ID: "req1", Grant: g.Family, ClientID: "mcp_test", RedirectURI: "http://127.0.0.1/cb", Scopes: []string{"read"},
		CodeChallenge: "c", CodeChallengeMethod: "S256", Resource: g.Resource, ExpiresAt: time.Now().Add(time.Minute)}
	if err := r.CreateRequest(ctx, q); err != nil {
		t.Fatal(err)
	}
	if err := r.SaveCode(ctx, "req1", "code1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a code for a request nobody approved: %v, want not found", err)
	}
	p := auth.Principal{TenantID: "acme", PersonID: g.PersonID}
	if err := r.Approve(ctx, "req1", oauth.Approval{Person: p, Scopes: []string{"read"}, ClientName: "Test"}); err != nil {
		t.Fatalf("approve: %v", err)
	}
	if err := r.Approve(ctx, "req1", oauth.Approval{Person: p, Scopes: []string{"read"}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("approving twice: %v, want not found", err)
	}
	if err := r.SaveCode(ctx, "req1", "code1"); err != nil {
		t.Fatal(err)
	}
	got, err := r.UseCode(ctx, "code1")
	if err != nil || !got.Approved() || got.PersonID != g.PersonID || got.TenantID != "acme" {
		t.Fatalf("use code: %+v %v", got, err)
	}
	if err := r.IssueRefresh(ctx, "lr_c", g); err != nil {
		t.Fatal(err)
	}
	if _, err := r.UseCode(ctx, "code1"); !errors.Is(err, oauth.ErrCodeReused) {
		t.Errorf("the code again: %v, want reused", err)
	}
	if _, err := r.Refresh(ctx, "lr_c"); !errors.Is(err, oauth.ErrRefreshReused) {
		t.Errorf("the refresh token of a replayed code: %v, want revoked", err)
	}
	if _, err := r.UseCode(ctx, "code2"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown code: %v, want not found", err)
	}
}
