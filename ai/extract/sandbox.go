package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Limits bound the extraction of one uploaded file. Every parser of an upload (poppler,
// antiword, tesseract, unzip) runs as a child process under these limits: the kernel
// enforces CPU time and address space (util-linux prlimit sets RLIMIT_CPU, RLIMIT_AS,
// RLIMIT_FSIZE and RLIMIT_CORE before the program starts), the child runs niced in its
// own process group, and the whole group is killed at the deadline, when the caller's
// context ends (the client went away) or when learnd itself dies (Pdeathsig).
type Limits struct {
	Deadline time.Duration // wall clock for the whole extraction of one file; 0 means 60 s
	CPU      time.Duration // CPU time of one program run; 0 means 45 s
	Memory   int64         // address space of one program run, bytes; 0 means 1 GiB
	Output   int64         // standard output kept from one run, bytes; 0 means 64 MiB
	// Concurrent is the number of extractions that run at once in this process; 0 means
	// half the CPUs (at least one). An upload waits for a slot up to QueueWait (0: 20 s)
	// and is then refused as busy (a *BusyError).
	Concurrent int
	QueueWait  time.Duration
}

func (l Limits) deadline() time.Duration { return orDuration(l.Deadline, 60*time.Second) }
func (l Limits) cpu() time.Duration      { return orDuration(l.CPU, 45*time.Second) }
func (l Limits) queueWait() time.Duration {
	return orDuration(l.QueueWait, 20*time.Second)
}
func (l Limits) memory() int64 { return orInt(l.Memory, 1<<30) }
func (l Limits) output() int64 { return orInt(l.Output, 64<<20) }

func orDuration(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func orInt(n, def int64) int64 {
	if n > 0 {
		return n
	}
	return def
}

// BusyError means every extraction slot stayed taken for the whole queue wait.
type BusyError struct{ Wait time.Duration }

func (e *BusyError) Error() string {
	return fmt.Sprintf("the server is reading other uploads; no extraction slot became free within %s, try again shortly", e.Wait)
}

// slots holds the extraction semaphores, one per configured size (an Extractor is a value,
// so the semaphore cannot live in it).
var (
	slotsMu = make(chan struct{}, 1)
	slots   = map[int]chan struct{}{}
)

func slotsFor(n int) chan struct{} {
	if n <= 0 {
		n = max(1, runtime.NumCPU()/2)
	}
	slotsMu <- struct{}{}
	defer func() { <-slotsMu }()
	s, ok := slots[n]
	if !ok {
		s = make(chan struct{}, n)
		slots[n] = s
	}
	return s
}

// acquire takes an extraction slot, waiting at most the queue wait.
func (l Limits) acquire(ctx context.Context) (release func(), err error) {
	s := slotsFor(l.Concurrent)
	t := time.NewTimer(l.queueWait())
	defer t.Stop()
	select {
	case s <- struct{}{}:
		return func() { <-s }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
		return nil, &BusyError{Wait: l.queueWait()}
	}
}

// workdir is a private temporary folder for one extraction; the upload is written there
// and the programs run in it.
type workdir struct{ dir string }

func newWorkdir() (*workdir, error) {
	dir, err := os.MkdirTemp("", "learnd-extract-")
	if err != nil {
		return nil, fmt.Errorf("extract: %w", err)
	}
	return &workdir{dir: dir}, nil
}

func (w *workdir) path(name string) string { return filepath.Join(w.dir, name) }

func (w *workdir) write(name string, data []byte) (string, error) {
	p := w.path(name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return "", fmt.Errorf("extract: %w", err)
	}
	return p, nil
}

func (w *workdir) remove() { _ = os.RemoveAll(w.dir) }

// errOutputLimit ends a run whose standard output passed Limits.Output.
var errOutputLimit = errors.New("output limit")

// cappedBuffer keeps at most max bytes and reports the overflow as an error, which makes
// exec stop copying (the program then dies of a broken pipe, or is killed). The buffer
// is a field, not embedded: an embedded bytes.Buffer's ReadFrom would let io.Copy pass
// the cap by.
type cappedBuffer struct {
	buf  bytes.Buffer
	max  int64
	over bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if int64(b.buf.Len()+len(p)) > b.max {
		b.over = true
		return 0, errOutputLimit
	}
	return b.buf.Write(p)
}

func (b *cappedBuffer) Bytes() []byte  { return b.buf.Bytes() }
func (b *cappedBuffer) String() string { return b.buf.String() }

// sandboxRun runs program (a path) with args in dir under the limits, and returns its
// standard output. prog names the program for messages. Failures are typed: a deadline,
// a CPU or memory limit, too much output and a non-zero exit are *UnreadableError; a
// cancelled ctx returns ctx.Err().
func (x Extractor) sandboxRun(ctx context.Context, kind Kind, prog, path, dir string, args ...string) ([]byte, error) {
	out, _, err := x.sandboxRunStderr(ctx, kind, prog, path, dir, args...)
	return out, err
}

// sandboxRunStderr is sandboxRun that also returns what the program said on standard
// error (at most 64 KiB), for programs that warn without failing.
func (x Extractor) sandboxRunStderr(ctx context.Context, kind Kind, prog, path, dir string, args ...string) ([]byte, string, error) {
	l := x.Limits
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		return nil, "", &MissingProgramError{Kind: kind, Program: "prlimit", Package: "util-linux"}
	}
	cpu := int64(l.cpu().Round(time.Second) / time.Second)
	full := append([]string{
		"--cpu=" + strconv.FormatInt(max(1, cpu), 10),
		"--as=" + strconv.FormatInt(l.memory(), 10),
		"--fsize=" + strconv.FormatInt(256<<20, 10),
		"--core=0",
		"--", path,
	}, args...)
	cmd := exec.CommandContext(ctx, prlimit, full...)
	cmd.Dir = dir
	// One thread per OCR run: parallelism comes from concurrent uploads, not from one
	// upload taking every core. HOME in the work folder: nothing is read from or left in
	// the server's home.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "TMPDIR=" + dir, "OMP_THREAD_LIMIT=1", "LC_ALL=C.UTF-8"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		// The whole process group: a program may have started helpers of its own.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = time.Second
	stdout := &cappedBuffer{max: l.output()}
	stderr := &cappedBuffer{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, "", fmt.Errorf("extract: start %s: %w", prog, err)
	}
	// Below the API's threads: an upload being read must not slow other requests.
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, cmd.Process.Pid, 10)
	err = cmd.Wait()
	if err == nil && !stdout.over {
		return stdout.Bytes(), stderr.String(), nil
	}
	if stdout.over || errors.Is(err, errOutputLimit) {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		return nil, stderr.String(), &UnreadableError{Kind: kind, Detail: fmt.Sprintf("%s produced more than %d MB of text", prog, l.output()>>20)}
	}
	if ctx.Err() != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, stderr.String(), &UnreadableError{Kind: kind, Detail: fmt.Sprintf("reading it took longer than the %s an upload may take (stopped after %s)", l.deadline(), time.Since(start).Round(100*time.Millisecond))}
		}
		return nil, "", ctx.Err()
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			switch ws.Signal() {
			case syscall.SIGXCPU, syscall.SIGKILL:
				return nil, stderr.String(), &UnreadableError{Kind: kind, Detail: fmt.Sprintf("reading it needed more than the %s of CPU time an upload may use", l.cpu())}
			case syscall.SIGSEGV, syscall.SIGABRT, syscall.SIGBUS:
				return nil, stderr.String(), &UnreadableError{Kind: kind, Detail: fmt.Sprintf("%s could not read it (it stopped on %s, often a sign of running out of the %d MB an upload may use, or of a damaged file)", prog, ws.Signal(), l.memory()>>20)}
			}
		}
	}
	return nil, stderr.String(), &UnreadableError{Kind: kind, Detail: prog + ": " + firstLines(stderr.String(), err)}
}

// firstLines is a program's error output, shortened for a problem detail.
func firstLines(s string, err error) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return err.Error()
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// program finds a program: configured (a path or name) or name on PATH.
func program(kind Kind, name, pkg, configured string) (string, error) {
	if configured == "" {
		configured = name
	}
	p, err := exec.LookPath(configured)
	if err != nil {
		return "", &MissingProgramError{Kind: kind, Program: name, Package: pkg}
	}
	return p, nil
}

var _ io.Writer = (*cappedBuffer)(nil)
