package server

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// Timeouts are the HTTP server's deadlines. Zero fields take the defaults.
type Timeouts struct {
	ReadHeader time.Duration // request line and headers (default 10 s)
	Read       time.Duration // the whole request, body included (default 30 s)
	Write      time.Duration // from the end of the headers to the end of the response (default 60 s)
	Idle       time.Duration // a keep-alive connection waiting for its next request (default 120 s)
	// Long replaces Read and Write on the slow routes (longRoute): the source-material
	// upload, whose body may be 20 MB, and the calls that wait for extraction or the model
	// (default 10 min). /mcp reads within Long and writes without a deadline (its event
	// streams stay open).
	Long time.Duration
}

// Default timeouts.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultWriteTimeout      = 60 * time.Second
	DefaultIdleTimeout       = 120 * time.Second
	DefaultLongTimeout       = 10 * time.Minute
)

// WithDefaults fills the zero fields.
func (t Timeouts) WithDefaults() Timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.ReadHeader, DefaultReadHeaderTimeout)
	def(&t.Read, DefaultReadTimeout)
	def(&t.Write, DefaultWriteTimeout)
	def(&t.Idle, DefaultIdleTimeout)
	def(&t.Long, DefaultLongTimeout)
	return t
}

// NewHTTPServer is the http.Server learnd serves h with: every timeout set, so a client
// that trickles its headers or body, never reads its response, or parks an idle
// connection is disconnected. The slow routes get longer deadlines per request
// (Server.deadlines).
func NewHTTPServer(h http.Handler, t Timeouts) *http.Server {
	t = t.WithDefaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
	}
}

// longRoute reports whether a request may take Timeouts.Long: the upload (a large body)
// and the calls that wait for extraction or the model. A CSV export takes it too
// (csvExport, export_csv.go): Long is its time budget.
func longRoute(req *http.Request) bool {
	if req.Method != http.MethodPost {
		return false
	}
	p := req.URL.Path
	return p == sourceMaterialUploadPath || p == "/api/v2/chat/source-materials/process" || strings.HasPrefix(p, "/api/v2/ai/")
}

// deadlineMargin is how long before the connection's write deadline a request's context
// ends, so a problem can still be written.
func deadlineMargin(d time.Duration) time.Duration {
	return min(d/10, 2*time.Second)
}

// deadlines gives each request its deadline: on the slow routes the connection's read and
// write deadlines move to Timeouts.Long (http.ResponseController); every request but
// /mcp's gets a context that ends shortly before its response could no longer be written,
// so its database work stops with it and an idempotency claim knows when it lapses. An
// in-process request (the MCP tools' calls) has no connection deadlines to move.
func (s *Server) deadlines(next echo.HandlerFunc) echo.HandlerFunc {
	t := s.cfg.Timeouts
	return func(c echo.Context) error {
		req := c.Request()
		rc := http.NewResponseController(c.Response())
		now := time.Now()
		write := t.Write
		switch {
		case req.URL.Path == MCPPath:
			_ = rc.SetReadDeadline(now.Add(t.Long))
			_ = rc.SetWriteDeadline(time.Time{})
			return next(c)
		case longRoute(req) || csvExport(req):
			_ = rc.SetReadDeadline(now.Add(t.Long))
			_ = rc.SetWriteDeadline(now.Add(t.Long))
			write = t.Long
		}
		ctx, cancel := context.WithDeadline(req.Context(), now.Add(write-deadlineMargin(write)))
		defer cancel()
		c.SetRequest(req.WithContext(ctx))
		return next(c)
	}
}
