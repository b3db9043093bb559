package jobs

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"time"

	"code.dny.dev/ssrf"
	"github.com/google/uuid"
	"github.com/riverqueue/river"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/webhooks"
	"github.com/learnd/learnd/typeid"
)

// QueueWebhook is the queue of webhook deliveries.
const QueueWebhook = "webhook"

// Webhook delivery defaults.
const (
	// DefaultWebhookTimeout bounds one try: connect, send and the receiver's answer.
	DefaultWebhookTimeout = 10 * time.Second
	// DefaultWebhookDisableAfter is how many deliveries in a row may fail every try before
	// their endpoint is disabled.
	DefaultWebhookDisableAfter = 5
	// webhookMaxAttempts is the queue's bound; the worker ends a delivery sooner, after
	// one try more than it has retry delays.
	webhookMaxAttempts = 25
	// webhookMaxResponse is how much of a receiver's answer is read.
	webhookMaxResponse = 64 << 10
)

// DefaultWebhookRetryDelays is the wait before each retry of a failed delivery (the
// Standard Webhooks suggestion): eight tries over about 28 hours.
var DefaultWebhookRetryDelays = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// WebhookArgs is the delivery job of one webhook message to one endpoint.
type WebhookArgs struct {
	TenantID string    `json:"tenant_id"`
	ID       uuid.UUID `json:"id"` // the webhook_deliveries row
}

// Kind implements river.JobArgs.
func (WebhookArgs) Kind() string { return "webhook" }

// InsertOpts implements river.JobArgsWithInsertOpts: one live job per delivery.
func (WebhookArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueWebhook, MaxAttempts: webhookMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// webhookWorker tries one delivery: it signs the message (Standard Webhooks) with the
// endpoint's secrets, posts it, and records the try.
type webhookWorker struct {
	river.WorkerDefaults[WebhookArgs]
	d            *webhooks.Deliveries
	client       *http.Client
	timeout      time.Duration
	delays       []time.Duration
	disableAfter int
	log          *slog.Logger
}

// newWebhookWorker builds the worker from cfg; its client reaches only public addresses
// unless cfg.WebhookPrivateNetworks, and never follows redirects.
func newWebhookWorker(st *store.Store, cfg Config) *webhookWorker {
	w := &webhookWorker{d: webhooks.NewDeliveries(st), timeout: cfg.WebhookTimeout, delays: cfg.WebhookRetryDelays,
		disableAfter: cfg.WebhookDisableAfter, log: cfg.Logger}
	dialer := &net.Dialer{Timeout: w.timeout}
	if !cfg.WebhookPrivateNetworks {
		// The dialer checks the address it connects to, after DNS, so a name cannot lead to
		// an internal host (the identity providers' client does the same, auth/provider.go).
		dialer.Control = ssrf.New(ssrf.WithAnyPort()).Safe
	}
	w.client = &http.Client{
		Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: w.timeout,
			ResponseHeaderTimeout: w.timeout, MaxIdleConnsPerHost: 2, Proxy: nil},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return w
}

// Timeout bounds the job: the try and the records around it.
func (w *webhookWorker) Timeout(*river.Job[WebhookArgs]) time.Duration {
	return w.timeout + 30*time.Second
}

// NextRetry is the configured delay after the job's try.
func (w *webhookWorker) NextRetry(job *river.Job[WebhookArgs]) time.Time {
	i := min(max(job.Attempt-1, 0), len(w.delays)-1)
	return time.Now().Add(w.delays[i])
}

// Work tries the delivery once. A failed try is retried by the queue after the next
// delay; the try after the last delay is final.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[WebhookArgs]) error {
	a := job.Args
	s, err := w.d.Load(ctx, a.TenantID, a.ID)
	switch {
	case errors.Is(err, webhooks.ErrDone):
		return nil
	case errors.Is(err, store.ErrNotFound):
		return river.JobCancel(err)
	case err != nil:
		return err
	}
	res := w.send(ctx, s)
	final := job.Attempt > len(w.delays)
	disabled, err := w.d.Record(ctx, s, res, final, w.disableAfter)
	if err != nil {
		return err
	}
	if disabled {
		w.log.Warn("webhook endpoint disabled after repeated failure", "tenant", a.TenantID, "endpoint", typeid.Format(typeid.Webhook, s.EndpointID))
	}
	switch {
	case res.Err == "":
		return nil
	case final:
		return river.JobCancel(errors.New(res.Err))
	}
	w.log.Info("webhook delivery failed; will retry", "tenant", a.TenantID, "delivery", a.ID, "attempt", job.Attempt, "err", res.Err)
	return errors.New(res.Err)
}

// deliveryError says why a request to an endpoint failed in words the tenant may read in
// its attempts log: never the addresses its host resolved to (the SSRF guard's refusal
// would otherwise tell which internal address a name has) nor the resolver's details.
func deliveryError(err error, timeout time.Duration) error {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var netErr net.Error
	switch {
	case errors.Is(err, ssrf.ErrProhibitedIP), errors.Is(err, ssrf.ErrProhibitedNetwork), errors.Is(err, ssrf.ErrProhibitedPort):
		return errors.New("the endpoint's host is not a public address")
	case errors.As(err, &dns):
		return errors.New("the endpoint's host name does not resolve")
	case errors.As(err, &cert):
		return errors.New("the endpoint's TLS certificate is not valid")
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("the endpoint did not answer within %s", timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return errors.New("the endpoint refused the connection")
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the endpoint closed the connection")
	}
	return errors.New("the request to the endpoint failed")
}

// send posts s once, signed with each of its secrets.
func (w *webhookWorker) send(ctx context.Context, s *webhooks.Send) webhooks.Result {
	start := time.Now()
	res := webhooks.Result{At: store.Now()}
	fail := func(err error) webhooks.Result {
		res.Latency, res.Err = time.Since(start), err.Error()
		return res
	}
	id := typeid.Format(typeid.Event, s.MessageID)
	sigs := make([]string, 0, len(s.Secrets))
	for _, secret := range s.Secrets {
		wh, err := standardwebhooks.NewWebhook(secret)
		if err != nil {
			return fail(fmt.Errorf("secret: %w", err))
		}
		sig, err := wh.Sign(id, start, s.Body)
		if err != nil {
			return fail(fmt.Errorf("sign: %w", err))
		}
		sigs = append(sigs, sig)
	}
	ctx, cancel := context.WithTimeout(ctx, w.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, strings.NewReader(string(s.Body)))
	if err != nil {
		return fail(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "learnd-webhooks/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(start.Unix(), 10))
	req.Header.Set("webhook-signature", strings.Join(sigs, " "))
	resp, err := w.client.Do(req)
	if err != nil {
		return fail(deliveryError(err, w.timeout))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, webhookMaxResponse))
	_ = resp.Body.Close()
	res.StatusCode, res.Latency = resp.StatusCode, time.Since(start)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		res.Err = fmt.Sprintf("the receiver answered %d", resp.StatusCode)
	}
	return res
}
