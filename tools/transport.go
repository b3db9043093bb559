package tools

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/auth"
)

// ServeStdio serves the MCP server of cfg.Key over stdin and stdout (newline-delimited
// JSON-RPC) until the client closes stdin or ctx ends; nothing else may write to stdout.
// Desktop agents start it as `learnd mcp`, with LocalFiles true: there the server runs
// on the user's machine, so upload_source_material reads the path the user names. A key
// the API refuses, or a licence with mcpAccess none, is an *AccessError before the
// protocol starts. log (nil: none) says when serving starts; it must not write to stdout.
//
// learnd mcp has no database to listen to, so the tool list is fitted to the caller again
// every StdioRefit, and at once when a call is refused by the API (401) or the licence;
// the client gets notifications/tools/list_changed when it changed.
func ServeStdio(ctx context.Context, cfg Config, log *slog.Logger) error {
	cfg.Tasks = true // liftTransport below
	f, err := build(ctx, cfg)
	if err != nil {
		return err
	}
	if log != nil {
		log.Info("mcp: serving over stdio", "url", cfg.APIURL, "version", cfg.Version)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go refitEvery(ctx, f, StdioRefit, log)
	err = f.srv.Run(ctx, liftTransport{&mcp.StdioTransport{}})
	if errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

// StdioRefit is how often learnd mcp asks the API who its caller is now.
var StdioRefit = time.Minute

// refitEvery refits f every d until ctx ends.
func refitEvery(ctx context.Context, f *fitter, d time.Duration, log *slog.Logger) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := f.refit(ctx); err != nil && log != nil && ctx.Err() == nil {
				log.Warn("mcp: refit tool list", "err", err)
			}
		}
	}
}

// inProcessURL is the API's base URL for an inProcessClient: requests never leave the
// process, so the host only has to be well formed.
const inProcessURL = "http://learnd.internal"

// inProcessClient returns an http.Client whose requests api serves in this process, as
// if they had arrived over the network: learnd serve hands its MCP tools' API calls to
// its own Echo application this way, so each call runs the API's whole middleware chain
// (request id, access log, authentication, rate limits, validation, idempotency) and is
// audited like any other request. from is the MCP client's request: its remote address
// and forwarding headers go with every call, so the API's logs and per-address limits
// see the real client.
//
// With resource (an OAuth session), every call is marked as arriving for that resource
// (auth.WithResource), so the API accepts the session's access token, and carries the
// token the MCP request carried (withCredential; the client refreshes it).
func inProcessClient(api http.Handler, from *http.Request, resource *auth.Resource) *http.Client {
	t := &inProcess{api: api, remoteAddr: "127.0.0.1:0", resource: resource}
	if from != nil {
		t.remoteAddr = from.RemoteAddr
		for _, h := range []string{"X-Forwarded-For", "X-Real-Ip"} {
			if v := from.Header.Values(h); len(v) > 0 {
				if t.forwarded == nil {
					t.forwarded = http.Header{}
				}
				t.forwarded[h] = append([]string(nil), v...)
			}
		}
	}
	return &http.Client{Transport: t}
}

// inProcess is an http.RoundTripper serving requests with a handler.
type inProcess struct {
	api        http.Handler
	remoteAddr string
	forwarded  http.Header
	resource   *auth.Resource
}

type credentialKey struct{}

// withCredential makes the API calls of a tool call (ctx) send token: the access token of
// the MCP request that called the tool.
func withCredential(ctx context.Context, token string) context.Context {
	return context.WithValue(ctx, credentialKey{}, token)
}

// withCallCredential makes the API calls of an MCP request send the access token it
// came with (rotated by refresh), if it came with one.
func withCallCredential(ctx context.Context, extra *mcp.RequestExtra) context.Context {
	if extra != nil && extra.TokenInfo != nil {
		if tok, ok := extra.TokenInfo.Extra[extraToken].(string); ok {
			return withCredential(ctx, tok)
		}
	}
	return ctx
}

func (t *inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		defer req.Body.Close()
	}
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	ctx := auth.WithMCPEndpoint(req.Context()) // the API knows the call comes from /mcp
	if t.resource != nil {
		ctx = auth.WithResource(ctx, *t.resource)
	}
	r := req.Clone(ctx)
	if tok, ok := ctx.Value(credentialKey{}).(string); ok && t.resource != nil && tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	r.RemoteAddr = t.remoteAddr
	r.RequestURI = r.URL.RequestURI()
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	r.Proto, r.ProtoMajor, r.ProtoMinor = "HTTP/1.1", 1, 1
	for k, v := range t.forwarded {
		r.Header[k] = append([]string(nil), v...)
	}
	w := &recorder{header: http.Header{}}
	if n, ok := ctx.Value(responseLimitKey{}).(int64); ok {
		w.limit = n
	}
	if err := serveInProcess(t.api, w, r); err != nil {
		return nil, err
	}
	if w.over {
		return nil, errResponseTooLarge
	}
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	return &http.Response{
		Status:     fmt.Sprintf("%d %s", w.status, http.StatusText(w.status)),
		StatusCode: w.status,
		Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        w.sent,
		Body:          io.NopCloser(bytes.NewReader(w.body.Bytes())),
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}, nil
}

// serveInProcess serves r with api into w. A response the API cuts short (an export that
// fails after its first row panics with http.ErrAbortHandler, which net/http turns into a
// broken connection) is an error here too, never a complete-looking body.
func serveInProcess(api http.Handler, w *recorder, r *http.Request) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if p != http.ErrAbortHandler {
				panic(p)
			}
			err = errResponseCut
		}
	}()
	api.ServeHTTP(w, r)
	return nil
}

var (
	// errResponseTooLarge is an in-process response longer than its request's limit
	// (withResponseLimit).
	errResponseTooLarge = errors.New("in-process response: body larger than its limit")
	// errResponseCut is an in-process response the API cut short.
	errResponseCut = errors.New("in-process response: cut short by the API")
)

type responseLimitKey struct{}

// withResponseLimit bounds the body of the in-process API responses of ctx's requests to
// n bytes: the API's writes beyond it fail (a streamed export stops there) and the call
// returns errResponseTooLarge. Requests over the network are not affected.
func withResponseLimit(ctx context.Context, n int64) context.Context {
	return context.WithValue(ctx, responseLimitKey{}, n)
}

// recorder is the http.ResponseWriter of an in-process request: it keeps the status, the
// headers as they were when it was written, and the body (at most limit bytes, when set).
type recorder struct {
	header http.Header
	sent   http.Header
	status int
	body   bytes.Buffer
	limit  int64
	over   bool // a write went beyond limit
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(status int) {
	if w.status != 0 {
		return
	}
	w.status, w.sent = status, w.header.Clone()
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.limit > 0 && int64(w.body.Len()+len(b)) > w.limit {
		w.over = true
		return 0, errResponseTooLarge
	}
	return w.body.Write(b)
}

// Flush lets handlers that flush (streaming responses) write here too.
func (w *recorder) Flush() {}
