package server_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/ai/extract/extracttest"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server"
	"github.com/learnd/learnd/server/servertest"
)

// e2eShortTimeouts are small deadlines, so the tests see them act.
var e2eShortTimeouts = server.Timeouts{ReadHeader: 500 * time.Millisecond, Read: 700 * time.Millisecond,
	Write: 5 * time.Second, Idle: 700 * time.Millisecond, Long: 15 * time.Second}

// e2eDial opens a raw connection to env.
func e2eDial(t *testing.T, env *servertest.Env) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(env.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// e2eTrickle writes body to conn a piece every gap (in the background), stopping at the
// first write the server refuses.
func e2eTrickle(conn net.Conn, body []byte, pieces int, gap time.Duration) {
	go func() {
		size := (len(body) + pieces - 1) / pieces
		for len(body) > 0 {
			n := min(size, len(body))
			if _, err := conn.Write(body[:n]); err != nil {
				return
			}
			body = body[n:]
			time.Sleep(gap)
		}
	}()
}

// e2eClosed reads conn until the server closes it (or until limit) and reports what it
// answered before closing and whether it closed.
func e2eClosed(t *testing.T, conn net.Conn, limit time.Duration) (answer string, closed bool) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(limit))
	b, err := io.ReadAll(conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return string(b), false
	}
	return string(b), true // EOF, or reset by the server
}

// TestE2ESlowBodyDisconnected: a client that sends its headers and then trickles the body
// slower than the read timeout is disconnected at the read timeout (with a 400
// request_timeout when the server can still answer), not held for as long as it likes.
func TestE2ESlowBodyDisconnected(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Timeouts: e2eShortTimeouts})
	tok := e2eNewCaller(t, env, servertest.Caller{Tenant: "acme", Role: auth.RoleManager}).Token
	conn := e2eDial(t, env)
	body := []byte(`{"name":"trickled cohort"}` + strings.Repeat(" ", 74))
	start := time.Now()
	fmt.Fprintf(conn, "POST /api/v1/learning/cohorts HTTP/1.1\r\nHost: learnd\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", tok, len(body))
	e2eTrickle(conn, body, 50, 200*time.Millisecond) // 10 s for the whole body
	answer, closed := e2eClosed(t, conn, 8*time.Second)
	took := time.Since(start)
	t.Logf("closed=%v after %v, answer %q", closed, took, answer)
	if !closed {
		t.Fatalf("connection still open after %v (answer %q); want it closed at the read timeout", took, answer)
	}
	if took > 4*time.Second {
		t.Errorf("closed after %v; want about the read timeout (%v)", took, e2eShortTimeouts.Read)
	}
	if answer != "" && (!strings.HasPrefix(answer, "HTTP/1.1 400 ") || !strings.Contains(answer, `"code":"request_timeout"`)) {
		t.Errorf("answer before closing: %q; want a 400 request_timeout problem", answer)
	}
	if n := e2eCount(t, e2eOpenDB(t, env), `SELECT count(*) FROM cohorts WHERE name = 'trickled cohort'`); n != 0 {
		t.Errorf("%d cohorts from a body that never arrived", n)
	}
}

// TestE2EIdleConnectionClosed: a keep-alive connection that sends no next request is
// closed after the idle timeout; one that keeps asking is served.
func TestE2EIdleConnectionClosed(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Timeouts: e2eShortTimeouts})
	conn := e2eDial(t, env)
	br := bufio.NewReader(conn)
	get := func() {
		t.Helper()
		fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: learnd\r\n\r\n")
		_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("keep-alive request: %v", err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		if res.StatusCode != http.StatusOK || res.Close {
			t.Fatalf("GET /healthz: %d close=%v", res.StatusCode, res.Close)
		}
	}
	for range 3 { // within the idle timeout each time: the connection stays
		get()
		time.Sleep(e2eShortTimeouts.Idle / 3)
	}
	idleFrom := time.Now()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	_, err := br.ReadByte()
	took := time.Since(idleFrom)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("idle connection still open after %v; want it closed after %v", took, e2eShortTimeouts.Idle)
	}
	if err == nil || took < e2eShortTimeouts.Idle/2 || took > 3*time.Second {
		t.Errorf("idle connection: read %v after %v; want EOF after about %v", err, took, e2eShortTimeouts.Idle)
	}
}

// TestE2EUploadLongDeadline: the source-material upload reads its body within the long
// timeout: a multipart body arriving over longer than the read timeout is stored.
func TestE2EUploadLongDeadline(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t, servertest.Options{Timeouts: e2eShortTimeouts})
	e2eMatTenant(t, env, "acme")
	u := e2eMatUserOf(t, env, "acme", auth.RoleManager)
	ct, form := e2eMatForm(t, "", "permits.docx", extracttest.DOCX("Permit Handbook", extracttest.Safety))
	conn := e2eDial(t, env)
	fmt.Fprintf(conn, "POST /api/v2/chat/source-materials/upload HTTP/1.1\r\nHost: learnd\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", u.Token, ct, form.Len())
	start := time.Now()
	e2eTrickle(conn, form.Bytes(), 4, 500*time.Millisecond) // about 2 s, past the 0.7 s read timeout
	_ = conn.SetReadDeadline(time.Now().Add(12 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("upload trickled over %v: %v; want an answer", time.Since(start), err)
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", res.StatusCode, b)
	}
	if took := time.Since(start); took < e2eShortTimeouts.Read {
		t.Errorf("the body arrived in %v, within the read timeout: the test proves nothing", took)
	}
	if files, _ := e2eMatStoredFiles(t, env, "acme"); files != 1 {
		t.Errorf("%d files stored, want 1", files)
	}
}

// TestE2ETimeoutDefaults: without settings every deadline of the HTTP server is set.
func TestE2ETimeoutDefaults(t *testing.T) {
	t.Parallel()
	srv := server.NewHTTPServer(http.NotFoundHandler(), server.Timeouts{})
	if srv.ReadTimeout != server.DefaultReadTimeout || srv.WriteTimeout != server.DefaultWriteTimeout ||
		srv.IdleTimeout != server.DefaultIdleTimeout || srv.ReadHeaderTimeout != server.DefaultReadHeaderTimeout {
		t.Errorf("defaults: read %v write %v idle %v header %v", srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout, srv.ReadHeaderTimeout)
	}
}
