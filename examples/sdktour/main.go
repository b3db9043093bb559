// Package main is the README's Go SDK tour, as a program: it creates a cohort, finds it in
// a filtered list and in every page, updates it with its ETag, deletes it, sees the 404,
// restores it, and shows a problem as a typed error. Run it against `make run`:
//
//	source .data/demo.env && go run ./examples/sdktour
//
// It reads LEARND_URL and ADMIN_TOKEN, and exits 1 at the first step that does not do
// what it says.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := tour(ctx, os.Getenv("LEARND_URL"), os.Getenv("ADMIN_TOKEN")); err != nil {
		fmt.Fprintln(os.Stderr, "sdktour:", err)
		os.Exit(1)
	}
}

func tour(ctx context.Context, url, token string) error {
	if url == "" || token == "" {
		return errors.New("set LEARND_URL and ADMIN_TOKEN (source .data/demo.env)")
	}
	c, err := sdk.New(url, sdk.WithToken(token)) // retries 429s honouring Retry-After
	if err != nil {
		return err
	}

	// Create: an Idempotency-Key makes a retried create safe.
	key := rand.Text()
	name, status := "Autumn onboarding (SDK tour)", client.CohortStatusScheduled
	coh, err := c.Learning.Cohorts.Create(ctx, &client.CreateCohortParams{IdempotencyKey: &key},
		client.CohortCreate{Name: name, Status: &status, Tags: &client.Tags{"onboarding", "sdk-tour"}})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	fmt.Println("created", coh.Id, "version", coh.Version)

	// A filtered page, then every page with All.
	tags := client.TagsFilter{"sdk-tour"}
	page, err := c.Learning.Cohorts.List(ctx, &client.ListCohortsParams{Tags: &tags})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	fmt.Println("cohorts tagged sdk-tour on the first page:", len(page.Data))
	n := 0
	for _, err := range c.Learning.Cohorts.All(ctx, nil) {
		if err != nil {
			return fmt.Errorf("all: %w", err)
		}
		n++
	}
	fmt.Println("cohorts in every page:", n)

	// Update with the version read: If-Match carries it as a strong ETag.
	got, err := c.Learning.Cohorts.Get(ctx, coh.Id, nil)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	etag := strconv.Quote(strconv.Itoa(got.Version))
	active := client.CohortStatusActive
	upd, err := c.Learning.Cohorts.Update(ctx, coh.Id, &client.UpdateCohortParams{IfMatch: &etag},
		client.CohortPatch{Status: &active, ProgramId: nullable.NewNullNullable[string]()})
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	fmt.Println("updated to", upd.Status, "version", upd.Version)

	// The stale version is refused: a typed problem.
	_, err = c.Learning.Cohorts.Update(ctx, coh.Id, &client.UpdateCohortParams{IfMatch: &etag}, client.CohortPatch{Status: &active})
	if !sdk.IsPreconditionFailed(err) {
		return fmt.Errorf("update with a stale version: want 412, got %v", err)
	}
	var apiErr *sdk.Error
	if errors.As(err, &apiErr) && apiErr.Problem != nil && apiErr.Problem.Detail != nil {
		fmt.Println("stale update:", apiErr.StatusCode, *apiErr.Problem.Detail)
	}

	// Delete (soft), then a get is 404, then restore.
	etag = strconv.Quote(strconv.Itoa(upd.Version))
	if _, err := c.Learning.Cohorts.Delete(ctx, coh.Id, &client.DeleteCohortParams{IfMatch: &etag}); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	if _, err := c.Learning.Cohorts.Get(ctx, coh.Id, nil); !sdk.IsNotFound(err) {
		return fmt.Errorf("get after delete: want 404, got %v", err)
	}
	res, err := c.Learning.Cohorts.Restore(ctx, coh.Id, nil)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Println("restored", res.Id, "deleted:", res.IsDeleted)
	return nil
}
