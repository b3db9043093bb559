package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const (
	testSpec   = "../../gen/openapi.json"
	testClient = "../../gen/client/client.gen.go"
	testImport = "github.com/learnd/learnd/gen/client"
	committed  = "../../gen/sdk"
)

func readDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func diffDirs(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	names := sortedKeys(a)
	if bn := sortedKeys(b); !slices.Equal(names, bn) {
		t.Errorf("%s: files %v vs %v", what, names, bn)
	}
	for _, n := range names {
		if other, ok := b[n]; ok && !bytes.Equal(a[n], other) {
			t.Errorf("%s: %s differs", what, n)
		}
	}
}

// TestDeterministicAndCurrent runs the generator twice into temp dirs, expects identical
// output, and expects gen/sdk to be exactly that output (run `make generate` if not).
func TestDeterministicAndCurrent(t *testing.T) {
	var runs []map[string][]byte
	for range 2 {
		files, err := generate(testSpec, testClient, testImport)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if err := write(dir, files); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, readDir(t, dir))
	}
	diffDirs(t, "two runs", runs[0], runs[1])
	diffDirs(t, "gen/sdk vs a fresh run (run `make generate`)", readDir(t, committed), runs[0])

	for name, src := range runs[0] {
		if !strings.HasSuffix(name, ".gen.go") {
			t.Errorf("%s: generated file without the .gen.go suffix", name)
		}
		if !bytes.HasPrefix(src, []byte("// Code generated ")) || !bytes.Contains(src, []byte(" DO NOT EDIT.\n")) {
			t.Errorf("%s: no `Code generated … DO NOT EDIT.` header", name)
		}
	}
}

func TestWriteRemovesStaleFiles(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "gone.gen.go")
	keep := filepath.Join(dir, "doc_test.go")
	for _, p := range []string{stale, keep} {
		if err := os.WriteFile(p, []byte("package sdk\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := write(dir, map[string][]byte{"a.gen.go": []byte("package sdk\n")}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("stale .gen.go file kept")
	}
	if _, err := os.Stat(keep); err != nil {
		t.Error("hand-written file removed")
	}
}

func TestNaming(t *testing.T) {
	for in, want := range map[string]string{
		"listCohorts": "ListCohorts", "getJWKS": "GetJWKS", "list-course_chains": "ListCourseChains",
	} {
		if got := oapiCamel(in); got != want {
			t.Errorf("oapiCamel(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"learning": "Learning", "course_chains": "CourseChains", "courseChains": "CourseChains",
		"change-email": "ChangeEmail", "ai_courses": "AICourses", "list": "List",
	} {
		if got := exportedName(in); got != want {
			t.Errorf("exportedName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := fileName("courseChains"); got != "course_chains" {
		t.Errorf("fileName = %q", got)
	}
}
