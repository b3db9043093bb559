// Package webhooks keeps a tenant's webhook endpoints (Standard Webhooks: URL, event
// filter, whsec_ secret and its rotation, enabled state), the attempts log of their
// deliveries and manual redelivery; and the delivery side the job queue calls (Deliveries:
// what to send, and the record of each try, which disables an endpoint after repeated
// failure and tells the tenant's owners). Events themselves are written by store.Tx.Emit
// in the transaction that causes them.
package webhooks

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// RotationOverlap is how long a rotated secret keeps signing beside the new one.
const RotationOverlap = 24 * time.Hour

// secretBytes is the size of a new secret's key.
const secretBytes = 32

// Endpoint is a tenant's webhook receiver, without its secrets.
type Endpoint struct {
	ID             uuid.UUID  `gorm:"column:id"`
	URL            string     `gorm:"column:url"`
	Description    string     `gorm:"column:description"`
	Events         []string   `gorm:"column:events"`
	DisabledAt     *time.Time `gorm:"column:disabled_at"`
	DisabledReason *string    `gorm:"column:disabled_reason"`
	PreviousUntil  *time.Time `gorm:"column:previous_until"`
	CreatedAt      time.Time  `gorm:"column:created_at"`
	UpdatedAt      time.Time  `gorm:"column:updated_at"`
}

const endpointCols = "id, url, description, events, disabled_at, disabled_reason, previous_until, created_at, updated_at"

// EndpointPage is one page of endpoints, oldest first.
type EndpointPage struct {
	Items []Endpoint
	Next  *store.TimeCursor // oldest first
}

// Options are the operator's settings for endpoint URLs.
type Options struct {
	// PrivateNetworks admits http:// URLs and loopback, link-local and private addresses
	// (development and tests; LEARND_WEBHOOK_PRIVATE_NETWORKS). Otherwise a URL must be
	// https and a literal address must be public (the delivery's dialer checks names
	// after DNS).
	PrivateNetworks bool
}

// Repo reads and writes a tenant's webhook endpoints.
type Repo struct {
	st  *store.Store
	opt Options
}

// New returns the webhook repository over st.
func New(st *store.Store, opt Options) *Repo { return &Repo{st: st, opt: opt} }

// MaxEndpoints is how many webhook endpoints a tenant may hold: every event of the tenant
// writes a delivery per endpoint that listens to it, in the transaction that causes it.
const MaxEndpoints = 20

// Input is an endpoint's writable fields; nil leaves a field as it is on update.
type Input struct {
	URL         *string
	Description *string
	Events      *[]string
	Enabled     *bool
}

// endpointAudit is an endpoint as the audit log records it: never its secrets.
type endpointAudit struct {
	ID          string     `json:"id"`
	URL         string     `json:"url"`
	Description string     `json:"description"`
	Events      []string   `json:"events"`
	DisabledAt  *time.Time `json:"disabledAt"`
}

func auditEndpoint(e *Endpoint) endpointAudit {
	return endpointAudit{ID: typeid.Format(typeid.Webhook, e.ID), URL: e.URL, Description: e.Description, Events: e.Events, DisabledAt: e.DisabledAt}
}

// NewSecret returns a fresh secret: whsec_ and the base64 of 32 random bytes.
func NewSecret() string {
	b := make([]byte, secretBytes)
	_, _ = rand.Read(b)
	return "whsec_" + base64.StdEncoding.EncodeToString(b)
}

// check validates in (all fields when create) into v and normalises it.
func (r *Repo) check(v *store.ValidationError, in *Input, create bool) {
	if in.URL != nil || create {
		if in.URL == nil {
			v.Add("/url", "is required")
		} else if msg := r.checkURL(*in.URL); msg != "" {
			v.Add("/url", "%s", msg)
		}
	}
	if in.Description != nil {
		if len([]rune(*in.Description)) > 500 {
			v.Add("/description", "must be at most 500 characters")
		}
	}
	if in.Events != nil {
		if len(*in.Events) > len(store.Events) {
			v.Add("/events", "must list each event type at most once")
		}
		seen := map[string]bool{}
		for i, e := range *in.Events {
			if !store.IsEvent(e) {
				v.Add(fmt.Sprintf("/events/%d", i), "must be one of %s", strings.Join(store.Events, ", "))
			} else if seen[e] {
				v.Add(fmt.Sprintf("/events/%d", i), "is listed twice")
			}
			seen[e] = true
		}
	}
}

// checkURL says what is wrong with an endpoint URL ("" for nothing).
func (r *Repo) checkURL(raw string) string {
	if len(raw) > 2000 {
		return "must be at most 2000 characters"
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.User != nil || u.Fragment != "" {
		return "must be an absolute http(s) URL without credentials or fragment"
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && r.opt.PrivateNetworks:
	default:
		return "must be an https URL"
	}
	if r.opt.PrivateNetworks {
		return ""
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return "must not point at a loopback, link-local or private address"
	}
	if ip, err := netip.ParseAddr(host); err == nil && !Public(ip) {
		return "must not point at a loopback, link-local or private address"
	}
	return ""
}

// Public reports whether ip is a public unicast address (what deliveries may reach
// without the private-networks setting).
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !net.IP(ip.AsSlice()).IsLoopback() && !ip.IsLinkLocalUnicast()
}

// Create makes an endpoint and returns it with its secret (shown once; also on Rotate).
func (r *Repo) Create(ctx context.Context, in Input) (*Endpoint, string, error) {
	v := &store.ValidationError{}
	r.check(v, &in, true)
	if err := v.Err(); err != nil {
		return nil, "", fmt.Errorf("create webhook endpoint: %w", err)
	}
	events, desc := []string{}, ""
	if in.Events != nil {
		events = *in.Events
	}
	if in.Description != nil {
		desc = *in.Description
	}
	var disabledAt *time.Time
	var reason *string
	now := store.Now()
	if in.Enabled != nil && !*in.Enabled {
		disabledAt, reason = &now, ptr("disabled by a person")
	}
	secret := NewSecret()
	var e Endpoint
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		// Serialised per tenant (the advisory lock), so concurrent creates cannot pass the cap.
		// The count is its own statement: it must see what was committed while it waited.
		if _, err := t.Exec(`SELECT pg_advisory_xact_lock(hashtextextended('webhook_endpoints:' || learnd_tenant(), 0))`); err != nil {
			return err
		}
		var n int
		if err := t.QueryRow(`SELECT count(*) FROM webhook_endpoints WHERE tenant_id = learnd_tenant()`).Scan(&n); err != nil {
			return err
		}
		if n >= MaxEndpoints {
			v := &store.ValidationError{}
			v.Add("", "a tenant has at most %d webhook endpoints", MaxEndpoints)
			return v
		}
		id := uuid.Must(uuid.NewV7())
		err := store.QueryOne(t, `INSERT INTO webhook_endpoints (tenant_id, id, url, description, events, secret, disabled_at, disabled_reason, created_at, updated_at)
VALUES (learnd_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING `+endpointCols,
			[]any{id, *in.URL, desc, events, secret, disabledAt, reason, now}, &e)
		if err != nil {
			return err
		}
		return t.Audit("webhook.create", "webhook", typeid.Format(typeid.Webhook, id), nil, auditEndpoint(&e))
	})
	if err != nil {
		return nil, "", fmt.Errorf("create webhook endpoint: %w", err)
	}
	return &e, secret, nil
}

// Get returns one endpoint.
func (r *Repo) Get(ctx context.Context, id uuid.UUID) (*Endpoint, error) {
	var e Endpoint
	err := r.st.Read(ctx, func(t *store.Tx) error {
		return store.QueryOne(t, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE tenant_id = learnd_tenant() AND id = $1`, []any{id}, &e)
	})
	if err != nil {
		return nil, fmt.Errorf("get webhook endpoint: %w", err)
	}
	return &e, nil
}

// List returns a page of the tenant's endpoints, oldest first.
func (r *Repo) List(ctx context.Context, limit int, after *store.TimeCursor) (EndpointPage, error) {
	var page EndpointPage
	err := r.st.Read(ctx, func(t *store.Tx) (err error) {
		args := store.Args{}
		sql := `SELECT ` + endpointCols + ` FROM webhook_endpoints WHERE tenant_id = learnd_tenant()`
		if after != nil {
			sql += ` AND (created_at, id) > (` + args.Add(after.At) + `, ` + args.Add(after.ID) + `)`
		}
		sql += ` ORDER BY created_at, id LIMIT ` + args.Add(limit+1)
		page.Items, page.Next, err = store.KeysetRecords(t, limit, sql, args, func(e *Endpoint) store.TimeCursor { return store.TimeCursor{At: e.CreatedAt, ID: e.ID} })
		return err
	})
	if err != nil {
		return EndpointPage{}, fmt.Errorf("list webhook endpoints: %w", err)
	}
	return page, nil
}

// Update changes an endpoint's URL, description, filter or state. Enabling a disabled
// endpoint clears its failure count and reason.
func (r *Repo) Update(ctx context.Context, id uuid.UUID, in Input) (*Endpoint, error) {
	v := &store.ValidationError{}
	r.check(v, &in, false)
	if err := v.Err(); err != nil {
		return nil, fmt.Errorf("update webhook endpoint: %w", err)
	}
	var e Endpoint
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		var cur Endpoint
		err := store.QueryOne(t, `SELECT `+endpointCols+` FROM webhook_endpoints WHERE tenant_id = learnd_tenant() AND id = $1 FOR UPDATE`, []any{id}, &cur)
		if err != nil {
			return err
		}
		next := cur
		if in.URL != nil {
			next.URL = *in.URL
		}
		if in.Description != nil {
			next.Description = *in.Description
		}
		if in.Events != nil {
			next.Events = slices.Clone(*in.Events)
		}
		failures := "failures"
		if in.Enabled != nil {
			switch {
			case *in.Enabled && cur.DisabledAt != nil:
				next.DisabledAt, next.DisabledReason, failures = nil, nil, "0"
			case !*in.Enabled && cur.DisabledAt == nil:
				now := store.Now()
				next.DisabledAt, next.DisabledReason = &now, ptr("disabled by a person")
			}
		}
		err = store.QueryOne(t, `UPDATE webhook_endpoints SET url = $2, description = $3, events = $4, disabled_at = $5, disabled_reason = $6,
failures = `+failures+`, updated_at = $7 WHERE tenant_id = learnd_tenant() AND id = $1 RETURNING `+endpointCols,
			[]any{id, next.URL, next.Description, next.Events, next.DisabledAt, next.DisabledReason, store.Now()}, &e)
		if err != nil {
			return err
		}
		return t.Audit("webhook.update", "webhook", typeid.Format(typeid.Webhook, id), auditEndpoint(&cur), auditEndpoint(&e))
	})
	if err != nil {
		return nil, fmt.Errorf("update webhook endpoint: %w", err)
	}
	return &e, nil
}

// Delete removes an endpoint with its deliveries and attempts log.
func (r *Repo) Delete(ctx context.Context, id uuid.UUID) error {
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		var cur Endpoint
		err := store.QueryOne(t, `DELETE FROM webhook_endpoints WHERE tenant_id = learnd_tenant() AND id = $1 RETURNING `+endpointCols, []any{id}, &cur)
		if err != nil {
			return err
		}
		return t.Audit("webhook.delete", "webhook", typeid.Format(typeid.Webhook, id), auditEndpoint(&cur), nil)
	})
	if err != nil {
		return fmt.Errorf("delete webhook endpoint: %w", err)
	}
	return nil
}

// Rotate gives an endpoint a new secret and returns it (shown once). The old one keeps
// signing beside it for RotationOverlap: each request then carries both signatures.
func (r *Repo) Rotate(ctx context.Context, id uuid.UUID) (*Endpoint, string, error) {
	secret := NewSecret()
	var e Endpoint
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		now := store.Now()
		err := store.QueryOne(t, `UPDATE webhook_endpoints SET previous_secret = secret, previous_until = $2, secret = $3, updated_at = $4
WHERE tenant_id = learnd_tenant() AND id = $1 RETURNING `+endpointCols, []any{id, now.Add(RotationOverlap), secret, now}, &e)
		if err != nil {
			return err
		}
		return t.Audit("webhook.rotate_secret", "webhook", typeid.Format(typeid.Webhook, id), nil, auditEndpoint(&e))
	})
	if err != nil {
		return nil, "", fmt.Errorf("rotate webhook secret: %w", err)
	}
	return &e, secret, nil
}

func ptr[T any](v T) *T { return &v }
