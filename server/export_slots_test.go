package server

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/learnd/learnd/auth"
)

// Exports run at most exportsPerTenant at once per tenant and exportsPerProcess in all;
// one more is a 429 exports_busy with Retry-After, and a release frees its slot (once).
func TestExportSlots(t *testing.T) {
	t.Parallel()
	as := func(tenant string) context.Context {
		return auth.WithPrincipal(context.Background(), auth.Principal{TenantID: tenant})
	}
	refused := func(err error) bool {
		var pe *problemError
		return errors.As(err, &pe) && pe.problem.Status == http.StatusTooManyRequests &&
			pe.problem.Code != nil && *pe.problem.Code == "exports_busy" && pe.headers["Retry-After"] != ""
	}
	var e exportSlots
	var releases []func()
	for range exportsPerTenant {
		r, err := e.take(as("acme"))
		if err != nil {
			t.Fatalf("acme's export: %v", err)
		}
		releases = append(releases, r)
	}
	if _, err := e.take(as("acme")); !refused(err) {
		t.Fatalf("acme's export over its share: %v", err)
	}
	for range exportsPerProcess - exportsPerTenant {
		r, err := e.take(as("globex-" + string(rune('a'+len(releases)))))
		if err != nil {
			t.Fatalf("another tenant's export: %v", err)
		}
		releases = append(releases, r)
	}
	if _, err := e.take(as("initech")); !refused(err) {
		t.Fatalf("an export over the process's share: %v", err)
	}
	releases[0]()
	releases[0]() // a second release changes nothing
	if _, err := e.take(as("initech")); err != nil {
		t.Fatalf("after a release: %v", err)
	}
	if _, err := e.take(as("initech")); !refused(err) {
		t.Fatalf("a double release freed two slots: %v", err)
	}
}
