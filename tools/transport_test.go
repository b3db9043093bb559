package tools

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestTransportInProcess: a request through inProcessClient reaches the handler as a
// server request (body, method, path and query, the MCP client's address and forwarding
// headers) and comes back with the status, the headers as written (not those set after)
// and the body; a request whose context is done never reaches the handler.
func TestTransportInProcess(t *testing.T) {
	t.Parallel()
	calls := 0
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls++
		b, _ := io.ReadAll(r.Body)
		if r.RemoteAddr != "203.0.113.7:5555" || r.Header.Get("X-Forwarded-For") != "198.51.100.1" ||
			r.RequestURI != "/api/v2/users?query=a" || r.Host != "learnd.internal" || r.ProtoMajor != 1 {
			t.Errorf("request as served: %q %q %q %q %d", r.RemoteAddr, r.Header.Get("X-Forwarded-For"), r.RequestURI, r.Host, r.ProtoMajor)
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Header().Set("X-Late", "ignored")
		_, _ = w.Write([]byte(`{"method":"` + r.Method + `","body":"` + string(b) + `"}`))
	})
	from, _ := http.NewRequest(http.MethodPost, "http://learnd.example/mcp", nil)
	from.RemoteAddr = "203.0.113.7:5555"
	from.Header.Set("X-Forwarded-For", "198.51.100.1")
	c := inProcessClient(api, from, nil)

	res, err := c.Post(inProcessURL+"/api/v2/users?query=a", "text/plain", strings.NewReader("hello"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "7" || res.Header.Get("X-Late") != "" ||
		string(body) != `{"method":"POST","body":"hello"}` || res.ContentLength != int64(len(body)) {
		t.Errorf("response %d %v %q (length %d)", res.StatusCode, res.Header, body, res.ContentLength)
	}

	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	res, err = inProcessClient(ok, nil, nil).Get(inProcessURL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || string(body) != "ok" {
		t.Errorf("implicit 200: %d %q", res.StatusCode, body)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, inProcessURL+"/api/v2/users?query=a", nil)
	if _, err := c.Do(req); err == nil {
		t.Errorf("a cancelled request was served")
	}
	if calls != 1 {
		t.Errorf("handler calls = %d, want 1", calls)
	}
}

// TestTransportInProcessBounds: an in-process response bounded by withResponseLimit stops
// the handler's writes at the limit and is an error (errResponseTooLarge), not a cut body;
// one the API aborts (http.ErrAbortHandler, as a failed export does) is an error too, not a
// panic; other panics still propagate.
func TestTransportInProcessBounds(t *testing.T) {
	t.Parallel()
	var wrote int
	var failed error
	big := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		wrote, failed = 0, nil
		for range 100 {
			n, err := w.Write([]byte(strings.Repeat("x", 100)))
			wrote += n
			if err != nil {
				failed = err
				return
			}
		}
	})
	get := func(h http.Handler, ctx context.Context) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, inProcessURL+"/api/v2/audit?format=csv", nil)
		return inProcessClient(h, nil, nil).Do(req)
	}
	if _, err := get(big, withResponseLimit(context.Background(), 1000)); !errors.Is(err, errResponseTooLarge) || wrote != 1000 || failed == nil {
		t.Errorf("over the limit: %v (wrote %d, handler saw %v)", err, wrote, failed)
	}
	res, err := get(big, withResponseLimit(context.Background(), 10_000))
	if err != nil || res.ContentLength != 10_000 {
		t.Errorf("at the limit: %v", err)
	}
	if res, err := get(big, context.Background()); err != nil || res.ContentLength != 10_000 {
		t.Errorf("no limit: %v", err)
	}
	abort := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("id,createdAt\r\n"))
		panic(http.ErrAbortHandler)
	})
	if _, err := get(abort, context.Background()); !errors.Is(err, errResponseCut) {
		t.Errorf("an aborted response: %v", err)
	}
	defer func() {
		if p := recover(); p != "boom" {
			t.Errorf("another panic: recovered %v", p)
		}
	}()
	_, _ = get(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }), context.Background())
}

// TestTransportRequestKey: /mcp takes an lk_ key from Authorization: Bearer (first) or
// X-MCP-Key, and nothing else.
func TestTransportRequestKey(t *testing.T) {
	t.Parallel()
	const key, other = "lk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "lk_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
	cases := []struct {
		name    string
		headers map[string]string
		want    string
	}{
		{"X-MCP-Key", map[string]string{"X-MCP-Key": key}, key},
		{"bearer", map[string]string{"Authorization": "Bearer " + key}, key},
		{"bearer, any case", map[string]string{"Authorization": "bearer  " + key}, key},
		{"bearer first", map[string]string{"Authorization": "Bearer " + key, "X-MCP-Key": other}, key},
		{"a JWT bearer falls back to X-MCP-Key", map[string]string{"Authorization": "Bearer eyJhbGciOi.x.y", "X-MCP-Key": key}, key},
		{"a JWT", map[string]string{"Authorization": "Bearer eyJhbGciOi.x.y"}, ""},
		{"a JWT as X-MCP-Key", map[string]string{"X-MCP-Key": "eyJhbGciOi.x.y"}, ""},
		{"basic auth", map[string]string{"Authorization": "Basic " + key}, ""},
		{"nothing", nil, ""},
	}
	for _, c := range cases {
		r, _ := http.NewRequest(http.MethodPost, "http://x/mcp", nil)
		for k, v := range c.headers {
			r.Header.Set(k, v)
		}
		got, ok := requestKey(r)
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%s: %q %v, want %q", c.name, got, ok, c.want)
		}
	}
}
