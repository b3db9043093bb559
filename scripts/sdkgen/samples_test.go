package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSamples: every operation of the contract has a curl and a Go SDK sample, gen/samples
// is what the generator writes now, and every Go sample compiles as a program against the
// SDK (in a throwaway package inside the module, removed afterwards).
func TestSamples(t *testing.T) {
	files, err := generateSamples(testSpec, testClient, testImport)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("../../gen/samples", name))
		if err != nil || string(got) != string(want) {
			t.Errorf("gen/samples/%s is not current: run make generate (%v)", name, err)
		}
	}
	var all map[string][]sample
	if err := json.Unmarshal(files["samples.json"], &all); err != nil {
		t.Fatal(err)
	}
	spec, err := os.ReadFile(testSpec)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(spec, &doc); err != nil {
		t.Fatal(err)
	}
	ops := 0
	var prog strings.Builder
	prog.WriteString("package main\n\nimport (\n\t\"bytes\"\n\t\"context\"\n\t\"encoding/json\"\n\t\"fmt\"\n\t\"log\"\n\t\"mime/multipart\"\n\t\"os\"\n\n\t\"github.com/learnd/learnd/gen/client\"\n\t\"github.com/learnd/learnd/gen/sdk\"\n)\n\n")
	prog.WriteString("var _ = []any{bytes.NewReader, context.Background, json.Marshal, fmt.Sprint, log.Fatal, multipart.NewWriter, os.Getenv, client.Problem{}, sdk.New}\n\nfunc main() {}\n")
	for path, item := range doc.Paths {
		for method, raw := range item {
			var op struct {
				OperationID string `json:"operationId"`
			}
			if json.Unmarshal(raw, &op) != nil || op.OperationID == "" {
				continue // parameters, not an operation
			}
			ops++
			s := all[op.OperationID]
			if len(s) != 2 || s[0].Label != "curl" || s[1].Label != "Go SDK" {
				t.Errorf("%s %s (%s): samples %+v", method, path, op.OperationID, s)
				continue
			}
			if want := "-X " + strings.ToUpper(method) + ` "$LEARND_URL`; !strings.Contains(s[0].Source, want) {
				t.Errorf("%s: curl sample without %q:\n%s", op.OperationID, want, s[0].Source)
			}
			fmt.Fprintf(&prog, "\n// %s\nfunc sample%d() {\n%s\n}\n", op.OperationID, ops, s[1].Source)
		}
	}
	if ops < 90 || len(all) != ops {
		t.Errorf("%d operations, %d with samples", ops, len(all))
	}
	dir, err := os.MkdirTemp("..", "samplescheck")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(prog.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	vet := exec.Command("go", "vet", "./"+filepath.Base(dir))
	vet.Dir = ".."
	if out, err := vet.CombinedOutput(); err != nil {
		t.Fatalf("the Go samples do not compile: %v\n%s", err, out)
	}
}
