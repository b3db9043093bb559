package server_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/store/storetest"
	"github.com/learnd/learnd/typeid"
)

// aiProcess is a `learnd serve` subprocess.
type aiProcess struct {
	cmd    *exec.Cmd
	url    string
	logs   *aiLog
	exited chan error // receives cmd.Wait's result

	once sync.Once
	exit error
}

// kill stops the process with SIGKILL (no graceful shutdown) and returns how it exited.
func (p *aiProcess) kill() error {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		p.exit = <-p.exited
	})
	return p.exit
}

// aiLog collects a subprocess's output.
type aiLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *aiLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *aiLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// aiBuildLearnd builds the learnd command into a temporary directory.
func aiBuildLearnd(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "learnd")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Dir = ".." // the module root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build learnd: %v\n%s", err, out)
	}
	return bin
}

// aiServe starts `learnd serve` with env on a free port and waits until it answers.
func aiServe(t *testing.T, bin string, env []string, logs *aiLog) *aiProcess {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(append(os.Environ(), env...), "LEARND_ADDR="+addr)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &aiProcess{cmd: cmd, url: "http://" + addr, logs: logs, exited: make(chan error, 1)}
	go func() { p.exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = p.kill() })
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-p.exited:
			p.exited <- err
			t.Fatalf("learnd serve exited: %v\n%s", err, logs.String())
		default:
		}
		resp, err := http.Get(p.url + "/healthz")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("learnd serve did not come up on %s:\n%s", addr, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestE2EAIRestart: a generation job running when its server is killed (SIGKILL, no
// graceful stop) completes after a restart. The real `learnd serve` runs as a subprocess on
// a fresh database with the OpenAI-compatible generator pointed at a fake model that stalls
// the first call; the server is killed while the job is running, started again, and the
// queue's rescuer runs the job again (LEARND_AI_JOB_TIMEOUT=4s, LEARND_JOB_RESCUE_AFTER=5s),
// this time to completion.
func TestE2EAIRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the learnd binary")
	}
	if runtime.GOOS == "windows" {
		t.Skip("needs SIGKILL")
	}
	t.Parallel()
	bin := aiBuildLearnd(t)
	dbURL := storetest.NewDatabase(t)
	llm := aiStartLLM(t)
	dataDir := t.TempDir()
	keyFile := filepath.Join(dataDir, "signing-key.pem")
	iss, err := auth.NewIssuer(auth.Config{SigningKeyFile: keyFile, GenerateIfMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx := e2eCtx(t)
	db, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close(context.Background()) })
	person, pid := typeid.New(typeid.Person)
	if _, err := db.Exec(ctx, `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ('acme', 'Acme', 'business', 'full', true)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO users (tenant_id, id, name, email, role, status, created_at, updated_at)
VALUES ('acme', $1, 'Maria', 'maria@example.test', 'manager', 'active', now(), now())`, pid); err != nil {
		t.Fatal(err)
	}
	tok, _, err := iss.Mint(auth.Claims{TenantID: "acme", Subject: person, Role: auth.RoleManager}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"DATABASE_URL=" + dbURL, "LEARND_DATA_DIR=" + dataDir, "LEARND_SIGNING_KEY_FILE=" + keyFile, "LEARND_DEV=false",
		"LEARND_LLM_URL=" + llm.URL, "LEARND_LLM_MODEL=fake-model", "LEARND_LLM_API_KEY=",
		"LEARND_AI_JOB_TIMEOUT=4s", "LEARND_JOB_RESCUE_AFTER=5s", "LEARND_JOB_WORKERS=2",
		"LEARND_LOG_FORMAT=text", "LEARND_LOG_LEVEL=info", "LEARND_SHUTDOWN_TIMEOUT=2s",
	}
	logs := &aiLog{}
	defer func() {
		if t.Failed() {
			t.Logf("learnd serve output:\n%s", logs.String())
		}
	}()
	sdkFor := func(p *aiProcess) *sdk.Client {
		c, err := sdk.New(p.url, sdk.WithToken(tok), sdk.WithMaxRetries(0))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	first := aiServe(t, bin, env, logs)
	q, err := sdkFor(first).LMS.AI.GenerateCourse(ctx, nil, client.CourseGenerationRequest{Prompt: "STALL: forklift safety",
		Options: &client.CourseGenerationOptions{Modules: e2ePtr(2)}})
	if err != nil {
		t.Fatal(err)
	}
	select { // the worker has called the model, which stalls
	case <-llm.stalling:
	case <-time.After(30 * time.Second):
		t.Fatal("the job never reached the model")
	}
	j, err := sdkFor(first).LMS.AI.GetCourseGeneration(ctx, q.JobId)
	if err != nil || j.Status != client.CourseGenerationStatusRunning {
		t.Fatalf("before the kill: %+v, %v", j, err)
	}
	err = first.kill()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("first server exit: %v", err)
	}
	jid := coursesUUID(t, "gen", q.JobId)
	var state string
	if err := db.QueryRow(ctx, `SELECT state FROM river_job WHERE kind = 'generate_course' AND args->>'id' = $1`, jid).Scan(&state); err != nil || state != "running" {
		t.Fatalf("river job after the kill: %q, %v", state, err)
	}

	second := aiServe(t, bin, env, logs)
	c2 := sdkFor(second)
	done := aiPoll(t, ctx, c2, q.JobId, 90*time.Second)
	if done.Status != client.CourseGenerationStatusCompleted || done.Result == nil {
		t.Fatalf("after the restart: %s", e2eJSON(done))
	}
	course, err := c2.LMS.Courses.Get(ctx, done.Result.CourseId)
	if err != nil {
		t.Fatal(err)
	}
	if course.OwnerId != person || course.Status != client.CourseStatusDraft || len(course.Structure.Sections) != 3 {
		t.Errorf("course = owner %s status %s sections %d", course.OwnerId, course.Status, len(course.Structure.Sections))
	}
	var attempt int
	var errs string
	if err := db.QueryRow(ctx, `SELECT attempt, coalesce(array_to_string(errors, ' '), '') FROM river_job WHERE kind = 'generate_course' AND args->>'id' = $1`, jid).
		Scan(&attempt, &errs); err != nil {
		t.Fatal(err)
	}
	if attempt != 2 || !strings.Contains(errs, "rescued") {
		t.Errorf("river job: attempt %d, errors %s (want the rescuer's retry)", attempt, errs)
	}
	var courses int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM courses WHERE tenant_id = 'acme'`).Scan(&courses); err != nil || courses != 1 {
		t.Errorf("courses = %d, %v; want exactly 1", courses, err)
	}
	if n := len(llm.Requests()); n != 4 {
		t.Errorf("model calls = %d, want 4 (the stalled outline, then the rescued run's outline and two modules)", n)
	}
}
