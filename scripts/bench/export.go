package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// exportCmd measures a streamed CSV export (GET /api/v2/audit?format=csv): it seeds -rows
// audit entries into the first tenant of -tokens, resets learnd's peak resident set
// (/proc/<pid>/clear_refs, 5), downloads the whole CSV as that tenant's admin and prints
// rows, bytes, seconds and learnd's resident memory before the export and at its peak
// during it (VmHWM; also sampled every 10 ms, in case the reset is not allowed). A
// streamed export keeps the growth flat whatever the row count.
func exportCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	learndURL := fs.String("learnd", "", "learnd base URL")
	pid := fs.Int("learnd-pid", 0, "learnd's pid (memory)")
	dsn := fs.String("db", "", "benchmark database URL (seeding)")
	tokensFile := fs.String("tokens", "", `file of "tenant token" lines; the first is used`)
	rows := fs.Int("rows", 100000, "audit entries to seed and export")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tenant, token, err := firstToken(*tokensFile)
	if err != nil {
		return err
	}
	if err := seedAudit(ctx, *dsn, tenant, *rows); err != nil {
		return fmt.Errorf("seed audit: %w", err)
	}
	// Settle: the seed's garbage is not the export's.
	time.Sleep(2 * time.Second)
	before, err := procStatusKB(*pid, "VmRSS")
	if err != nil {
		return err
	}
	resetErr := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", *pid), []byte("5"), 0)
	done := make(chan struct{})
	sampled := make(chan int64, 1)
	go func() {
		peak := before
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				sampled <- peak
				return
			case <-t.C:
				if v, err := procStatusKB(*pid, "VmRSS"); err == nil && v > peak {
					peak = v
				}
			}
		}
	}()
	start := time.Now()
	n, lines, err := download(ctx, *learndURL+"/api/v2/audit?format=csv", token)
	elapsed := time.Since(start)
	close(done)
	peak := <-sampled
	if err != nil {
		return err
	}
	if resetErr == nil {
		if hwm, err := procStatusKB(*pid, "VmHWM"); err == nil && hwm > peak {
			peak = hwm
		}
	}
	how := "VmHWM after a clear_refs reset, and VmRSS every 10 ms"
	if resetErr != nil {
		how = "VmRSS every 10 ms (no clear_refs: " + resetErr.Error() + ")"
	}
	fmt.Printf("CSV export of the audit log (GET /api/v2/audit?format=csv, one tenant):\n")
	fmt.Printf("  rows %d (+ header), %.1f MB in %.2f s (%.0f rows/s)\n", lines-1, float64(n)/1e6, elapsed.Seconds(),
		float64(lines-1)/elapsed.Seconds())
	fmt.Printf("  learnd resident memory: %.1f MB before, %.1f MB at peak during the export: +%.1f MB (%s)\n",
		float64(before)/1024, float64(peak)/1024, float64(peak-before)/1024, how)
	if lines-1 < *rows {
		return fmt.Errorf("export: %d rows, want at least %d", lines-1, *rows)
	}
	return nil
}

// firstToken reads the first "tenant token" line of file.
func firstToken(file string) (string, string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return "", "", err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	tenant, token, ok := strings.Cut(strings.TrimSpace(line), " ")
	if !ok {
		return "", "", errors.New("tokens: no \"tenant token\" line")
	}
	return tenant, token, nil
}

// seedAudit writes n audit entries of tenant, each with before and after views.
func seedAudit(ctx context.Context, dsn, tenant string, n int) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, `INSERT INTO audit_log (tenant_id, id, created_at, actor_id, surface, action, target_type, target_id, before, after, request_id)
SELECT $1, gen_random_uuid(), now() - n * interval '1 second', gen_random_uuid(), 'api', 'user.update', 'user', 'per_' || n,
  jsonb_build_object('name', 'Person ' || n, 'email', 'person' || n || '@bench.test', 'status', 'active'),
  jsonb_build_object('name', 'Person ' || n || ', renamed', 'email', 'person' || n || '@bench.test', 'status', 'active'),
  md5(n::text)
FROM generate_series(1, $2::int) n`, tenant, n)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `ANALYZE audit_log`)
	return err
}

// download GETs url with token and counts the body's bytes and lines.
func download(ctx context.Context, url, token string) (int64, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<10))
		return 0, 0, fmt.Errorf("export: %s: %s", res.Status, b)
	}
	var n int64
	lines := 0
	buf := make([]byte, 64<<10)
	for {
		k, err := res.Body.Read(buf)
		n += int64(k)
		lines += bytes.Count(buf[:k], []byte("\n"))
		if err == io.EOF {
			return n, lines, nil
		}
		if err != nil {
			return n, lines, fmt.Errorf("export after %d bytes: %w", n, err)
		}
	}
}

// procStatusKB reads a "Name: N kB" line of /proc/<pid>/status.
func procStatusKB(pid int, name string) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no %s", pid, name)
}
