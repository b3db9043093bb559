package server_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/ai/extract/extracttest"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// TestE2EMaterialsCorpus uploads every real document of ../shared/corpus through the
// upload endpoint and holds the stored chunks to the reference text beside each file:
// ≥ 99% of the reference's words, stray single letters ≤ 0.1% of words, no Ω, U+FFFD,
// private-use characters or ligatures, no dot leaders, and the headings the document
// really has among the chunks' headings.
func TestE2EMaterialsCorpus(t *testing.T) {
	t.Parallel()
	dir, err := extracttest.CorpusDir()
	if err != nil {
		t.Fatal(err)
	}
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	const tenant = "mat-corpus"
	e2eMatTenant(t, env, tenant)
	u := e2eMatUserOf(t, env, tenant, auth.RoleOwner)
	for _, c := range extracttest.Corpus {
		data, ref, err := c.Read(dir)
		if err != nil {
			t.Fatal(err)
		}
		res, err := e2eMatUpload(ctx, t, u.Client, "", c.Name, data)
		if err != nil {
			t.Errorf("%s: %v", c.Name, err)
			continue
		}
		text, headings := e2eMatChunks(t, env, res.FileId)
		t.Logf("%s: %d chunks", c.Name, res.ChunkCount)
		c.Check(t, text, headings, ref)
	}
}

// e2eMatChunks is a stored file's chunk bodies in order and its distinct chunk headings.
func e2eMatChunks(t *testing.T, env *servertest.Env, fileID string) (string, []string) {
	t.Helper()
	id, err := typeid.Parse(materials.MaterialFilePrefix, fileID)
	if err != nil {
		t.Fatalf("file id %q: %v", fileID, err)
	}
	rows, err := env.DB(t).Query(context.Background(), `SELECT heading, body FROM material_chunks WHERE file_id = $1 ORDER BY ordinal`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	var heads []string
	seen := map[string]bool{}
	for rows.Next() {
		var h, body string
		if err := rows.Scan(&h, &body); err != nil {
			t.Fatal(err)
		}
		b.WriteString(h + "\n" + body + "\n")
		if h != "" && !seen[h] {
			seen[h] = true
			heads = append(heads, h)
		}
	}
	return b.String(), heads
}

// TestE2EMaterialsHostile uploads every hostile file of the corpus: each is a 422 with
// code unreadable_file within the extraction deadline, nothing is stored, and a second
// later no extraction program runs and the server's CPU is idle. Not parallel: it
// measures this process's CPU time.
func TestE2EMaterialsHostile(t *testing.T) {
	dir, err := extracttest.CorpusDir()
	if err != nil {
		t.Fatal(err)
	}
	files, err := extracttest.Hostile(dir)
	if err != nil {
		t.Fatal(err)
	}
	const deadline = 10 * time.Second
	env := servertest.Start(t, servertest.Options{Extractor: extract.Extractor{Limits: extract.Limits{Deadline: deadline, QueueWait: 5 * time.Minute}}})
	ctx := e2eCtx(t)
	const tenant = "mat-hostile"
	e2eMatTenant(t, env, tenant)
	u := e2eMatUserOf(t, env, tenant, auth.RoleOwner)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = e2eMatUpload(ctx, t, u.Client, "", filepath.Base(f), data)
		took := time.Since(start)
		e := e2eMatProblem(t, err, 422, filepath.Base(f), "cannot be read", "nothing was stored")
		if e.Problem == nil || e.Problem.Code == nil || *e.Problem.Code != "unreadable_file" {
			t.Errorf("%s: %s, want code unreadable_file", filepath.Base(f), e.Body)
		}
		if took > deadline {
			t.Errorf("%s: answered after %s, past the %s deadline", filepath.Base(f), took, deadline)
		}
		t.Logf("%s: 422 in %s: %s", filepath.Base(f), took.Round(time.Millisecond), *e.Problem.Detail)
	}
	if n, _ := e2eMatStoredFiles(t, env, tenant); n != 0 {
		t.Errorf("stored %d files", n)
	}
	time.Sleep(time.Second)
	before := selfCPU(t)
	time.Sleep(time.Second)
	used := selfCPU(t) - before
	t.Logf("CPU used by the server process in the second after: %s", used)
	if used > 200*time.Millisecond {
		t.Errorf("the server used %s of CPU in an idle second after the hostile uploads", used)
	}
	for pid, comm := range extracttest.Children() {
		t.Errorf("child process %d (%s) still running", pid, comm)
	}
}

// selfCPU is this process's user+system CPU time, from /proc/self/stat.
func selfCPU(t *testing.T) time.Duration {
	t.Helper()
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64) // utime is field 14; f[0] is field 3
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ is 100 on Linux
}
