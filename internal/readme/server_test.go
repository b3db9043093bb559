package readme

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/learnd/learnd/store/storetest"
)

// server is a `learnd serve` subprocess in dev mode on a fresh, seeded database, writing
// its demo environment to the workdir's .data/demo.env as `make run` does.
type server struct {
	mu  sync.Mutex
	log bytes.Buffer
}

func (s *server) logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// startServer builds learnd, seeds the demo tenant on a fresh database and serves it on a
// free port until the test ends (SIGTERM, then SIGKILL after 20 s).
func startServer(t *testing.T, w *workdir) *server {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "learnd")
	build := exec.Command("go", "build", "-o", bin, "github.com/learnd/learnd")
	build.Dir = w.root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build learnd: %v\n%s", err, out)
	}
	data := filepath.Join(w.dir, ".data")
	envFile := filepath.Join(data, "demo.env")
	env := append(append([]string{}, w.env...), "DATABASE_URL="+storetest.NewDatabase(t), "LEARND_DEV=true",
		"LEARND_DATA_DIR="+data, "LEARND_DEMO_ENV_FILE="+envFile, "LEARND_ADDR=127.0.0.1:0",
		"LEARND_LOG_FORMAT=json", "LEARND_SHUTDOWN_TIMEOUT=10s")
	seed := exec.Command(bin, "seed")
	seed.Dir, seed.Env = w.dir, env
	if out, err := seed.CombinedOutput(); err != nil {
		t.Fatalf("learnd seed: %v\n%s", err, out)
	}
	s := &server{}
	cmd := exec.Command(bin, "serve")
	cmd.Dir, cmd.Env = w.dir, env
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatalf("start learnd serve: %v", err)
	}
	_ = pw.Close()
	exited := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			s.mu.Lock()
			s.log.Write(sc.Bytes())
			s.log.WriteByte('\n')
			s.mu.Unlock()
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	deadline := time.Now().Add(90 * time.Second)
	for {
		if b, err := os.ReadFile(envFile); err == nil && bytes.Contains(b, []byte("LEARND_API_KEY=")) {
			return s
		}
		select {
		case err := <-exited:
			t.Fatalf("learnd serve exited: %v\n%s", err, s.logs())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("learnd serve wrote no demo environment with an API key in 90 s\n%s", s.logs())
		}
	}
}
