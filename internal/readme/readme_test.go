package readme

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/ai/extract/extracttest"
)

// TestREADME runs every `sh` block of the README (but those marked no-run) twice, in a
// directory of its own, against a fresh `learnd serve` in dev mode that wrote
// .data/demo.env there, as `make run` does. A block fails when a command fails (bash -e,
// pipefail: a JSON shape the block reads that is not there fails too), when a curl call
// answers an error status the block's comments do not name, or when a call whose comment
// names an error status does not answer it.
func TestREADME(t *testing.T) {
	root := repoRoot(t)
	md, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := Blocks(string(md))
	var run []Block
	for _, b := range blocks {
		if b.Run {
			run = append(run, b)
		}
	}
	if len(run) < 5 {
		t.Fatalf("the README has %d runnable sh blocks (of %d); the tours alone have 5", len(run), len(blocks))
	}
	w := newWorkdir(t, root)
	srv := startServer(t, w)
	for _, b := range run {
		for pass := 1; pass <= 2; pass++ {
			out, statuses, err := w.run(t, b.Code)
			where := fmt.Sprintf("README.md:%d (run %d)", b.Line, pass)
			if err != nil {
				t.Fatalf("%s: %v\n--- output\n%s\n--- server log (tail)\n%s", where, err, out, tail(srv.logs(), 40))
			}
			checkStatuses(t, where, b.Code, statuses, out)
		}
	}
}

// checkStatuses holds a run's answers to what its block says.
func checkStatuses(t *testing.T, where, code string, statuses []int, out string) {
	t.Helper()
	calls := Calls(code)
	if len(calls) > 0 && len(statuses) == 0 {
		t.Errorf("%s: the block has %d curl calls but none answered", where, len(calls))
	}
	allowed := Allowed(code)
	seen := map[int]bool{}
	for _, s := range statuses {
		seen[s] = true
		if s >= 400 && !allowed[s] {
			t.Errorf("%s: a call answered %d, which the block does not say\n%s", where, s, out)
		}
	}
	for _, c := range calls {
		if c.Status != 0 && !seen[c.Status] {
			t.Errorf("%s: %q says %d, no call answered it (answers: %v)", where, c.Command, c.Status, statuses)
		}
	}
}

// workdir is the directory the blocks run in: .data/ (the server's), manual.pdf (a real
// document of the corpus, linked), a curl that records each answer's headers, and links to
// the module so `go run ./examples/…` builds there.
type workdir struct {
	dir, bin, headers string
	root              string // the repository
	env               []string
}

func newWorkdir(t *testing.T, root string) *workdir {
	t.Helper()
	w := &workdir{dir: t.TempDir(), root: root}
	w.bin = filepath.Join(w.dir, ".bin")
	w.headers = filepath.Join(w.dir, ".headers")
	for _, d := range []string{w.bin, w.headers, filepath.Join(w.dir, ".data")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	corpus, err := extracttest.CorpusDir()
	if err != nil {
		t.Fatal(err)
	}
	links := map[string]string{"manual.pdf": filepath.Join(corpus, "pg-backup-libreoffice.pdf")}
	for _, f := range []string{"go.mod", "go.sum", "examples", "gen"} {
		links[f] = filepath.Join(root, f)
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(w.dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Fatalf("curl: %v", err)
	}
	// Every call's headers go to a file of their own (a README command that dumps its own
	// headers with -D would lose them: the README reads headers with -i instead).
	wrapper := "#!/usr/bin/env bash\nexec " + strconv.Quote(curl) + ` "$@" -D "$(mktemp -p "$README_HEADERS" h.XXXXXX)"` + "\n"
	if err := os.WriteFile(filepath.Join(w.bin, "curl"), []byte(wrapper), 0o700); err != nil {
		t.Fatal(err)
	}
	w.env = []string{"PATH=" + w.bin + string(os.PathListSeparator) + os.Getenv("PATH"), "README_HEADERS=" + w.headers}
	for _, k := range []string{"HOME", "TMPDIR", "GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GOFLAGS", "GOTOOLCHAIN"} {
		if v, ok := os.LookupEnv(k); ok {
			w.env = append(w.env, k+"="+v)
		}
	}
	return w
}

// run runs code with bash -e -o pipefail in the workdir and returns its output and the
// status of every curl call it made, in order.
func (w *workdir) run(t *testing.T, code string) (string, []int, error) {
	t.Helper()
	ents, _ := os.ReadDir(w.headers)
	for _, e := range ents {
		_ = os.Remove(filepath.Join(w.headers, e.Name()))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", "-c", code)
	cmd.Dir, cmd.Env = w.dir, w.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var statuses []int
	ents, _ = os.ReadDir(w.headers) // mktemp names sort in no particular order: statuses are a multiset
	for _, e := range ents {
		if s := lastStatus(filepath.Join(w.headers, e.Name())); s > 0 {
			statuses = append(statuses, s)
		}
	}
	return out.String(), statuses, err
}

// lastStatus is the status of the last response in a header dump (after a 100 Continue).
func lastStatus(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	status := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) >= 2 && strings.HasPrefix(f[0], "HTTP/") {
			status, _ = strconv.Atoi(f[1])
		}
	}
	return status
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil {
		t.Fatalf("repository root: %v", err)
	}
	return dir
}
