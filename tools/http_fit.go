package tools

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// fitters are the servers of an HTTPHandler's open sessions, refitted by Refresh.
type fitters struct {
	mu  sync.Mutex
	all map[*fitter]string // → the grant's name for OAuth sessions, "" for API keys
}

// add keeps f (of grant, "" for an API key) and forgets the servers whose sessions ended.
func (fs *fitters) add(f *fitter, grant string) {
	now := time.Now()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.all == nil {
		fs.all = map[*fitter]string{}
	}
	for g := range fs.all {
		if !g.live(now) {
			delete(fs.all, g)
		}
	}
	fs.all[f] = grant
}

// of is the servers of tenant ("" for all), forgetting those whose sessions ended.
func (fs *fitters) of(tenant string) []*fitter {
	now := time.Now()
	fs.mu.Lock()
	defer fs.mu.Unlock()
	var out []*fitter
	for f := range fs.all {
		switch {
		case !f.live(now):
			delete(fs.all, f)
		case tenant == "" || f.tenant == tenant:
			out = append(out, f)
		}
	}
	return out
}

// touch hands the servers of an OAuth grant the grant's newest access token.
func (fs *fitters) touch(grant, token string) {
	fs.mu.Lock()
	var of []*fitter
	for f, g := range fs.all {
		if g == grant {
			of = append(of, f)
		}
	}
	fs.mu.Unlock()
	for _, f := range of {
		f.touch(token)
	}
}

// Refresh fits the tool lists of the open sessions of tenant ("" for every tenant) to
// their callers again: each asks the API who its caller is now, and a session whose
// list changed gets notifications/tools/list_changed. learnd serve registers it with
// store.OnForget, which calls it on every replica when the tenant's users, keys or
// licence change (PostgreSQL LISTEN learnd_callers). It returns at once; after Close it
// does nothing.
func (h *HTTPHandler) Refresh(tenant string) {
	if h.closing.Err() != nil { // shutting down (the store's listener stops too)
		return
	}
	for _, f := range h.fitters.of(tenant) {
		go func() {
			if err := f.refit(h.closing); err != nil && h.closing.Err() == nil {
				h.cfg.Logger.Warn("mcp: refit tool list", "tenant", f.tenant, "err", err)
			}
		}()
	}
}

// originAllowed reports whether a request may reach /mcp from its Origin (MCP's
// streamable HTTP transport: servers must validate it against DNS rebinding): no Origin
// (not a browser), or one of allowed ("*": any); without a list, the request's own host
// (behind a proxy, X-Forwarded-Host).
func originAllowed(r *http.Request, allowed []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || slices.Contains(allowed, "*") {
		return true
	}
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimSuffix(a, "/"), origin) {
			return true
		}
	}
	if len(allowed) > 0 {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	host := r.Host
	if fwd := r.Header.Get("X-Forwarded-Host"); fwd != "" {
		host = strings.TrimSpace(strings.Split(fwd, ",")[0])
	}
	return strings.EqualFold(u.Host, host)
}
