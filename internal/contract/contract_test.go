package contract

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestLint runs make lint's contract linters: Spectral (spectral:oas) and Redocly
// (recommended), failing on any error or warning.
func TestLint(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	out, err := exec.Command("bash", filepath.Join(root, "scripts", "speclint", "lint.sh")).CombinedOutput()
	if err != nil {
		t.Fatalf("scripts/speclint/lint.sh: %v\n%s", err, out)
	}
}

// program is what a TypeScript client author writes against the generated types: the
// smallest valid create bodies (fields the server fills in stay optional), merge patches
// that clear nullable fields with null, and reads of responses and problems.
const program = `import type { components, paths } from "./api";

type Schemas = components["schemas"];

export const cohort: Schemas["CohortCreate"] = { name: "Autumn onboarding" };
export const question: Schemas["Question"] = { id: "q1", type: "text", text: "Why?" };
export const cohortPatch: Schemas["CohortPatch"] = { group_id: null, program_id: null };
export const assessmentPatch: Schemas["AssessmentPatch"] = {
  frequency: null, responsible_user_id: null, target_cohort_id: null, target_group_id: null,
};
export const elementPatch: Schemas["CourseElementPatch"] = { brief: null };

type Created = paths["/api/v1/learning/cohorts"]["post"]["responses"][201]["content"]["application/json"];
export function idOf(c: Created): string {
  return c.id;
}

type Replayed = paths["/api/v2/users"]["post"]["responses"][201]["headers"]["Idempotent-Replayed"];
export const replayed: Replayed = "true";

export function oauthError(p: Schemas["Problem"]): string | undefined {
  return p.error ?? p.code;
}
`

// TestTypeScriptClient generates TypeScript types from the bundled contract with
// openapi-typescript (default options) and compiles program against them with tsc --strict.
func TestTypeScriptClient(t *testing.T) {
	t.Parallel()
	root := repoRoot(t)
	bin := tools(t, root)
	dir := t.TempDir()
	gen := exec.Command(filepath.Join(bin, "openapi-typescript"), filepath.Join(root, "gen", "openapi.yaml"), "-o", filepath.Join(dir, "api.ts"))
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("openapi-typescript: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.ts"), []byte(program), 0o600); err != nil {
		t.Fatal(err)
	}
	tsc := exec.Command(filepath.Join(bin, "tsc"), "--strict", "--noEmit", "--target", "es2022", "--module", "es2022",
		"--moduleResolution", "bundler", filepath.Join(dir, "main.ts"))
	if out, err := tsc.CombinedOutput(); err != nil {
		t.Fatalf("tsc --strict: %v\n%s", err, out)
	}
}

// tools installs the pinned npm tools when missing and returns their bin directory.
func tools(t *testing.T, root string) string {
	t.Helper()
	if out, err := exec.Command("bash", filepath.Join(root, "scripts", "ensure-speclint.sh")).CombinedOutput(); err != nil {
		t.Fatalf("ensure-speclint.sh: %v\n%s", err, out)
	}
	return filepath.Join(root, "scripts", "speclint", "node_modules", ".bin")
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
