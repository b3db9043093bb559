package explorer

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func newServer(t *testing.T, cfg Config) *echo.Echo {
	t.Helper()
	e := echo.New()
	Register(e, cfg)
	return e
}

func do(t *testing.T, e *echo.Echo, method, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func wantCSP(t *testing.T, rec *httptest.ResponseRecorder, what string) {
	t.Helper()
	if got := rec.Header().Get("Content-Security-Policy"); got != ContentSecurityPolicy {
		t.Errorf("%s: Content-Security-Policy = %q, want %q", what, got, ContentSecurityPolicy)
	}
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q, want nosniff", what, got)
	}
}

func TestDocsRedirectsToSlash(t *testing.T) {
	e := newServer(t, Config{})
	for target, want := range map[string]string{
		"/docs":                 "/docs/",
		"/docs?urls.primary=v1": "/docs/?urls.primary=v1",
	} {
		rec := do(t, e, http.MethodGet, target)
		if rec.Code != http.StatusMovedPermanently {
			t.Fatalf("GET %s: status %d, want 301", target, rec.Code)
		}
		if got := rec.Header().Get("Location"); got != want {
			t.Errorf("GET %s: Location %q, want %q", target, got, want)
		}
		wantCSP(t, rec, "GET "+target)
	}
}

var refRe = regexp.MustCompile(`(?:src|href)="([^"?]+)\?v=([0-9a-f]+)"`)

func TestIndexAndAssets(t *testing.T) {
	e := newServer(t, Config{})
	rec := do(t, e, http.MethodGet, "/docs/")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /docs/: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET /docs/: Content-Type %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("GET /docs/: Cache-Control %q, want no-cache", cc)
	}
	wantCSP(t, rec, "GET /docs/")
	html := rec.Body.String()
	for _, tag := range regexp.MustCompile(`(?i)<script[^>]*>`).FindAllString(html, -1) {
		if !strings.Contains(tag, " src=") {
			t.Errorf("index.html has an inline script %q: the CSP forbids it", tag)
		}
	}
	if strings.Contains(html, "http://") || strings.Contains(html, "https://") {
		t.Errorf("index.html references an absolute URL; everything must be embedded")
	}

	wantType := map[string]string{
		"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
		"explorer.js":          "text/javascript; charset=utf-8",
		"swagger-ui.css":       "text/css; charset=utf-8",
		"explorer.css":         "text/css; charset=utf-8",
		"favicon-32x32.png":    "image/png",
		"favicon-16x16.png":    "image/png",
	}
	refs := refRe.FindAllStringSubmatch(html, -1)
	seen := map[string]bool{}
	for _, m := range refs {
		name, v := m[1], m[2]
		seen[name] = true
		want, ok := wantType[name]
		if !ok {
			t.Errorf("index.html references unexpected asset %q", name)
			continue
		}
		// Versioned URL: served, right type, cached for good.
		rec := do(t, e, http.MethodGet, "/docs/"+name+"?v="+v)
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s: status %d", name, rec.Code)
			continue
		}
		if ct := rec.Header().Get("Content-Type"); ct != want {
			t.Errorf("GET %s: Content-Type %q, want %q", name, ct, want)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != cacheImmutable {
			t.Errorf("GET %s?v=%s: Cache-Control %q, want %q", name, v, cc, cacheImmutable)
		}
		wantCSP(t, rec, "GET "+name)
		body, _ := assetBody(name)
		if rec.Body.Len() == 0 || rec.Body.String() != string(body) {
			t.Errorf("GET %s: body differs from the embedded file", name)
		}

		// Unversioned or stale URL: must revalidate, and the ETag works.
		rec = do(t, e, http.MethodGet, "/docs/"+name)
		if cc := rec.Header().Get("Cache-Control"); cc != cacheRevalidate {
			t.Errorf("GET %s: Cache-Control %q, want %q", name, cc, cacheRevalidate)
		}
		etag := rec.Header().Get("ETag")
		if etag != `"`+v+`"` {
			t.Errorf("GET %s: ETag %q, want %q", name, etag, `"`+v+`"`)
		}
		rec = do(t, e, http.MethodGet, "/docs/"+name, "If-None-Match", etag)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("GET %s with If-None-Match: status %d, %d bytes; want 304 and none", name, rec.Code, rec.Body.Len())
		}
	}
	for name := range wantType {
		if !seen[name] {
			t.Errorf("index.html does not load %s", name)
		}
	}

	rec = do(t, e, http.MethodHead, "/docs/explorer.js")
	if rec.Code != http.StatusOK || rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != wantType["explorer.js"] {
		t.Errorf("HEAD explorer.js: status %d, %d bytes, type %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Type"))
	}
	for _, name := range []string{"LICENSE", "NOTICE", "SWAGGER_UI_VERSION"} {
		rec := do(t, e, http.MethodGet, "/docs/"+name)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("GET %s: status %d, type %q", name, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
	for _, target := range []string{"/docs/nope.js", "/docs/../go.mod", "/docs/assets/index.html", "/docs/%2e%2e/explorer.go"} {
		rec := do(t, e, http.MethodGet, target)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, rec.Code)
		}
	}
}

func assetBody(name string) ([]byte, error) { return embedded.ReadFile("assets/" + name) }

func getConfig(t *testing.T, e *echo.Echo) map[string]json.RawMessage {
	t.Helper()
	rec := do(t, e, http.MethodGet, "/docs/config.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET config.json: status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("config.json: Content-Type %q", ct)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("config.json: Cache-Control %q, want no-store", cc)
	}
	wantCSP(t, rec, "config.json")
	var m map[string]json.RawMessage
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("config.json: %v", err)
	}
	return m
}

func TestConfigWithoutDemoTokens(t *testing.T) {
	for _, toks := range [][]DemoToken{nil, {}, {{Label: "blank", Token: ""}}} {
		m := getConfig(t, newServer(t, Config{DemoTokens: toks}))
		if _, ok := m["demoTokens"]; ok {
			t.Errorf("DemoTokens %v: config.json carries demoTokens: %s", toks, m["demoTokens"])
		}
		if got := string(m["specUrl"]); got != `"/openapi.json"` {
			t.Errorf("specUrl = %s, want the default", got)
		}
		if got := string(m["title"]); got != `"`+DefaultTitle+`"` {
			t.Errorf("title = %s, want the default", got)
		}
		if got := string(m["securityScheme"]); got != `"bearerAuth"` {
			t.Errorf("securityScheme = %s", got)
		}
	}
}

func TestConfigWithDemoTokens(t *testing.T) {
	toks := []DemoToken{{Label: "admin (acme)", Token: "tok-a"}, {Label: "learner", Token: "tok-b"}}
	m := getConfig(t, newServer(t, Config{SpecURL: "/api/spec.json", Title: "T", DemoTokens: toks}))
	var got []DemoToken
	if err := json.Unmarshal(m["demoTokens"], &got); err != nil {
		t.Fatalf("demoTokens: %v (%s)", err, m["demoTokens"])
	}
	if len(got) != 2 || got[0] != toks[0] || got[1] != toks[1] {
		t.Errorf("demoTokens = %+v, want %+v", got, toks)
	}
	if string(m["specUrl"]) != `"/api/spec.json"` || string(m["title"]) != `"T"` {
		t.Errorf("specUrl/title = %s/%s", m["specUrl"], m["title"])
	}
}

// The vendored Swagger UI must be the version update-assets.sh pins, and must
// still expose what explorer.js relies on.
func TestVendoredSwaggerUI(t *testing.T) {
	script, err := os.ReadFile("update-assets.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^VERSION=(\S+)$`).FindSubmatch(script)
	if m == nil {
		t.Fatal("update-assets.sh has no VERSION=")
	}
	recorded, err := assetBody("SWAGGER_UI_VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(string(recorded)) != string(m[1]) {
		t.Errorf("assets/SWAGGER_UI_VERSION = %q, update-assets.sh pins %q: run update-assets.sh", recorded, m[1])
	}
	bundle, err := assetBody("swagger-ui-bundle.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"rootInjects.preauthorizeApiKey", "persistAuthorizationIfNeeded", "logoutWithPersistOption"} {
		if !strings.Contains(string(bundle), s) {
			t.Errorf("swagger-ui-bundle.js lacks %q, which explorer.js uses", s)
		}
	}
	js, _ := assetBody("explorer.js")
	for _, s := range []string{"preauthorizeApiKey", "persistAuthorization: true", "tryItOutEnabled: true", "deepLinking: true", "displayRequestDuration: true"} {
		if !strings.Contains(string(js), s) {
			t.Errorf("explorer.js lacks %q", s)
		}
	}
}
