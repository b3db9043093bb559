package main

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
)

// demoKeyName names the API key `learnd serve` makes for the demo admin in dev mode.
const demoKeyName = "make run (demo)"

// demoAPIKey makes a fresh read-and-write API key for the demo tenant's admin (for MCP
// clients and the tours) and revokes the ones earlier runs made, whose secrets are gone
// with their process. It fails when the demo tenant has not been seeded.
func demoAPIKey(ctx context.Context, st *store.Store) (string, error) {
	admin := demoUsers[1]
	ctx = auth.WithPrincipal(ctx, admin.principal())
	keys := people.New(st).Keys()
	var after *store.TimeCursor
	for {
		page, err := keys.List(ctx, admin.id, 100, after)
		if err != nil {
			return "", fmt.Errorf("demo api key: %w", err)
		}
		for _, k := range page.Items {
			if k.Name == demoKeyName && k.RevokedAt == nil {
				if _, _, err := keys.Revoke(ctx, k.ID, nil); err != nil {
					return "", fmt.Errorf("demo api key: %w", err)
				}
			}
		}
		if page.Next == nil {
			break
		}
		after = page.Next
	}
	_, secret, err := keys.Create(ctx, admin.id, people.NewAPIKey{Name: demoKeyName, Scopes: []string{auth.ScopeRead, auth.ScopeWrite}})
	if err != nil {
		return "", fmt.Errorf("demo api key: %w", err)
	}
	return secret, nil
}
