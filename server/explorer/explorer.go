// Package explorer serves the learnd API explorer at /docs: Swagger UI plus a
// small boot script of our own, all embedded in the binary, so the explorer
// needs no CDN and no network at run time.
//
// The page loads the OpenAPI document from Config.SpecURL (same origin; the
// Content-Security-Policy set on every /docs response allows nothing else) and
// lets a person "Try it" against the running server with a bearer token typed
// into the Authorize dialog (security scheme "bearerAuth", HTTP bearer). In dev
// mode Config.DemoTokens is filled and the page shows a banner with one button
// per token that authorizes the UI with it.
//
// Routes registered by Register:
//
//	GET /docs              301 to /docs/
//	GET /docs/             index.html
//	GET /docs/config.json  the Config the page boots from
//	GET /docs/*            embedded static assets
//
// HEAD is answered on the same paths. /docs and the spec URL must be reachable
// without a token (skip them in the auth middleware), and a trailing-slash
// remover must leave /docs/ alone or the redirect loops.
//
// The Swagger UI files in assets/ are vendored verbatim from the npm package
// swagger-ui-dist; update-assets.sh re-fetches them and records the version in
// assets/SWAGGER_UI_VERSION.
package explorer

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// ContentSecurityPolicy is set on every /docs response. The page runs no
// inline script; Swagger UI sets inline styles and shows data: images.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"

// DefaultSpecURL is the spec location used when Config.SpecURL is empty.
const DefaultSpecURL = "/openapi.json"

// DefaultTitle is the page title used when Config.Title is empty.
const DefaultTitle = "learnd API explorer"

// DemoToken is a ready-made bearer token offered by the explorer in dev mode.
type DemoToken struct {
	Label string `json:"label"`
	Token string `json:"token"`
}

// Config configures the explorer page.
type Config struct {
	// SpecURL is where the page loads the OpenAPI document from;
	// DefaultSpecURL when empty.
	SpecURL string
	// Title is the browser tab title; DefaultTitle when empty.
	Title string
	// DemoTokens are offered as one-click authorizations. Leave nil outside
	// dev mode: anything here is served to anyone who can reach /docs.
	DemoTokens []DemoToken
}

// pageConfig is the JSON document served at /docs/config.json.
type pageConfig struct {
	SpecURL        string      `json:"specUrl"`
	Title          string      `json:"title"`
	SecurityScheme string      `json:"securityScheme"`
	DemoTokens     []DemoToken `json:"demoTokens,omitempty"`
}

// securityScheme is the name of the HTTP bearer scheme in the spec.
const securityScheme = "bearerAuth"

//go:embed assets
var embedded embed.FS

// asset is one file ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string // strong validator, quoted
	version     string // short content hash, used as ?v= in index.html
}

const (
	cacheRevalidate = "no-cache"
	cacheImmutable  = "public, max-age=31536000, immutable"
)

// Register adds the explorer routes to e.
func Register(e *echo.Echo, cfg Config) {
	assets := mustLoadAssets()
	index := assets["index.html"]
	confBody, err := json.Marshal(pageConfig{
		SpecURL:        orDefault(cfg.SpecURL, DefaultSpecURL),
		Title:          orDefault(cfg.Title, DefaultTitle),
		SecurityScheme: securityScheme,
		DemoTokens:     nonEmpty(cfg.DemoTokens),
	})
	if err != nil { // cannot happen: plain strings only
		panic(fmt.Sprintf("explorer: encode config: %v", err))
	}
	conf := newAsset(confBody, "application/json; charset=utf-8")

	methods := []string{http.MethodGet, http.MethodHead}
	e.Match(methods, "/docs", func(c echo.Context) error {
		setSecurityHeaders(c)
		target := "/docs/"
		if q := c.Request().URL.RawQuery; q != "" {
			target += "?" + q
		}
		return c.Redirect(http.StatusMovedPermanently, target)
	})
	e.Match(methods, "/docs/", func(c echo.Context) error {
		return serve(c, index, cacheRevalidate)
	})
	e.Match(methods, "/docs/config.json", func(c echo.Context) error {
		// Demo tokens must never sit in a shared cache.
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
		return serve(c, conf, "")
	})
	e.Match(methods, "/docs/*", func(c echo.Context) error {
		name := c.Param("*")
		a, ok := assets[name]
		if !ok {
			setSecurityHeaders(c)
			return echo.NewHTTPError(http.StatusNotFound, "no such explorer asset")
		}
		cache := cacheRevalidate
		if name != "index.html" && c.QueryParam("v") == a.version {
			cache = cacheImmutable
		}
		return serve(c, a, cache)
	})
}

func serve(c echo.Context, a *asset, cacheControl string) error {
	setSecurityHeaders(c)
	h := c.Response().Header()
	if cacheControl != "" {
		h.Set(echo.HeaderCacheControl, cacheControl)
	}
	h.Set("ETag", a.etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), a.etag) {
		return c.NoContent(http.StatusNotModified)
	}
	h.Set(echo.HeaderContentLength, fmt.Sprint(len(a.body)))
	if c.Request().Method == http.MethodHead {
		h.Set(echo.HeaderContentType, a.contentType)
		return c.NoContent(http.StatusOK)
	}
	return c.Blob(http.StatusOK, a.contentType, a.body)
}

func setSecurityHeaders(c echo.Context) {
	h := c.Response().Header()
	h.Set(echo.HeaderContentSecurityPolicy, ContentSecurityPolicy)
	h.Set(echo.HeaderXContentTypeOptions, "nosniff")
	h.Set(echo.HeaderReferrerPolicy, "no-referrer")
}

func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// contentTypes maps the extensions present in assets/ to their types; the
// table is fixed here rather than read from the host's mime database so the
// answer is the same on every machine.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json; charset=utf-8",
	".png":  "image/png",
	".svg":  "image/svg+xml",
	".txt":  "text/plain; charset=utf-8",
	"":      "text/plain; charset=utf-8", // LICENSE, NOTICE, SWAGGER_UI_VERSION
}

func contentType(name string) string {
	if ct, ok := contentTypes[path.Ext(name)]; ok {
		return ct
	}
	return "application/octet-stream"
}

// assetRef matches src="x" and href="x" references to relative asset names.
var assetRef = regexp.MustCompile(`(src|href)="([A-Za-z0-9._-]+)"`)

// scriptTag matches opening script tags; each must load a file.
var scriptTag = regexp.MustCompile(`(?i)<script[^>]*>`)

// mustLoadAssets reads assets/ and rewrites index.html so every reference to
// an embedded file carries ?v=<content hash>; those URLs are cached forever,
// and a changed file gets a new URL.
func mustLoadAssets() map[string]*asset {
	assets := map[string]*asset{}
	err := fs.WalkDir(embedded, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := embedded.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		assets[name] = newAsset(body, contentType(name))
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("explorer: read embedded assets: %v", err))
	}
	index, ok := assets["index.html"]
	if !ok {
		panic("explorer: assets/index.html is missing")
	}
	body := assetRef.ReplaceAllFunc(index.body, func(m []byte) []byte {
		sub := assetRef.FindSubmatch(m)
		a, ok := assets[string(sub[2])]
		if !ok {
			return m
		}
		return fmt.Appendf(nil, `%s="%s?v=%s"`, sub[1], sub[2], a.version)
	})
	for _, tag := range scriptTag.FindAll(body, -1) {
		if !bytes.Contains(tag, []byte(" src=")) {
			panic("explorer: index.html must not contain inline script (CSP)")
		}
	}
	assets["index.html"] = newAsset(body, index.contentType)
	return assets
}

func newAsset(body []byte, contentType string) *asset {
	sum := sha256.Sum256(body)
	v := hex.EncodeToString(sum[:8])
	return &asset{body: body, contentType: contentType, etag: `"` + v + `"`, version: v}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func nonEmpty(ts []DemoToken) []DemoToken {
	var out []DemoToken
	for _, t := range ts {
		if t.Token != "" {
			out = append(out, t)
		}
	}
	return out
}
