package tools

// Resource subscriptions (resources/subscribe): a watcher per subscribed URI reads the
// resource again every poll interval as the session's key and sends
// notifications/resources/updated when its content changed. A generation's watcher stops
// once the job finished (after telling the client); every watcher stops on unsubscribe and
// when the session ends.

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Subscription settings (variables for tests).
var (
	// resourcePoll is how often a subscribed resource is read again; a generation's
	// watcher reads it every generationPoll.
	resourcePoll = 15 * time.Second
	// maxSubscriptions bounds the watchers of one session.
	maxSubscriptions = 25
)

// subscriptions are one server's (one session's) resource watchers.
type subscriptions struct {
	env *Env

	mu       sync.Mutex
	server   *mcp.Server
	watchers map[string]*watcher // by URI
}

func newSubscriptions(env *Env) *subscriptions {
	return &subscriptions{env: env, watchers: map[string]*watcher{}}
}

// attach names the server whose subscribers the watchers notify.
func (s *subscriptions) attach(srv *mcp.Server) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.server = srv
}

// watcher is one URI's watch.
type watcher struct{ cancel context.CancelFunc }

// subscribe starts watching req's URI (a no-op when it is watched already); a resource
// the session cannot read is refused.
func (s *subscriptions) subscribe(ctx context.Context, req *mcp.SubscribeRequest) error {
	uri := req.Params.URI
	ctx = requestCredential(ctx, req.Extra)
	contents, live, err := readResource(ctx, s.env, uri)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.watchers[uri]; ok {
		return nil
	}
	if len(s.watchers) >= maxSubscriptions {
		return fmt.Errorf("subscribe %s: this session already watches %d resources; unsubscribe from one first", uri, maxSubscriptions)
	}
	if !live {
		// A finished generation does not change any more, but the subscriber may not know
		// it finished (it did between the call that started it and this subscription): the
		// watcher's first poll tells it once, then ends.
		contents = nil
	}
	// The watcher outlives the subscribe request: it keeps the request's credential,
	// not its cancellation.
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	w := &watcher{cancel: cancel}
	s.watchers[uri] = w
	go func() { // the session's end stops it
		_ = req.Session.Wait()
		cancel()
	}()
	go s.watch(wctx, w, uri, contents)
	return nil
}

// unsubscribe stops watching req's URI.
func (s *subscriptions) unsubscribe(_ context.Context, req *mcp.UnsubscribeRequest) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.watchers[req.Params.URI]; ok {
		w.cancel()
		delete(s.watchers, req.Params.URI)
	}
	return nil
}

// watch reads uri every poll interval until ctx ends, notifying the session's
// subscribers when it changed; it ends after a change that leaves the resource final.
func (s *subscriptions) watch(ctx context.Context, w *watcher, uri string, last []*mcp.ResourceContents) {
	defer s.forget(uri, w)
	every := resourcePoll
	if k, _, _ := resourceFor(uri); k.template.URITemplate == uriGeneration {
		every = generationPoll
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		contents, live, err := readResource(ctx, s.env, uri)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			continue // unreadable for now (e.g. the API is unavailable, or the course was deleted)
		}
		if !sameContents(last, contents) {
			last = contents
			s.mu.Lock()
			srv := s.server
			s.mu.Unlock()
			if srv != nil {
				_ = srv.ResourceUpdated(ctx, &mcp.ResourceUpdatedNotificationParams{URI: uri})
			}
		}
		if !live {
			return
		}
	}
}

// forget drops uri's watcher w once it ended (unless another replaced it).
func (s *subscriptions) forget(uri string, w *watcher) {
	w.cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watchers[uri] == w {
		delete(s.watchers, uri)
	}
}

func sameContents(a, b []*mcp.ResourceContents) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].MIMEType != b[i].MIMEType || a[i].Text != b[i].Text || !bytes.Equal(a[i].Blob, b[i].Blob) {
			return false
		}
	}
	return true
}
