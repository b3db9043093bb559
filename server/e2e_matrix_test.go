package server_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/server/servertest"
)

// matrixOp is one v2 operation of the spec.
type matrixOp struct {
	id, method, path string
	body             any
}

var matrixIDPattern = regexp.MustCompile(`^(per|crs|grp|chn|asg|ele|qst|sec|key|cer|aud|erl)(_[0-7][0-9a-hjkmnp-tv-z]{25}|-[0-9a-fA-F-]{36})$`)

// matrixOps lists every /api/v2 operation with its request example.
func matrixOps(t *testing.T) []matrixOp {
	t.Helper()
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	var ops []matrixOp
	for path, item := range spec.Paths.Map() {
		if !strings.HasPrefix(path, "/api/v2/") {
			continue
		}
		for method, op := range item.Operations() {
			o := matrixOp{id: op.OperationID, method: method, path: path}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil {
					o.body = matrixExample(mt)
				}
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].id < ops[j].id })
	return ops
}

func matrixExample(mt *openapi3.MediaType) any {
	if mt.Example != nil {
		return mt.Example
	}
	for _, name := range sortedKeys(mt.Examples) {
		if ex := mt.Examples[name]; ex != nil && ex.Value != nil {
			return ex.Value.Value
		}
	}
	return map[string]any{}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestE2EPermissionMatrix drives every /api/v2 operation as every role with read-only and
// read-write tokens against a fresh fixture per call: a caller the rules deny gets 403 and
// nothing else; an allowed caller never gets 401/403/5xx; a caller of another tenant with
// every permission gets 404 (or 422 for ids in a body), never the record.
func TestE2EPermissionMatrix(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ops := matrixOps(t)
	roles := []auth.Role{auth.RoleOwner, auth.RoleAdmin, auth.RoleManager, auth.RoleLearner}
	scopes := [][]string{{auth.ScopeRead}, {auth.ScopeRead, auth.ScopeWrite}}
	var missing []string
	for _, op := range ops {
		if _, ok := matrixRules[op.id]; !ok {
			missing = append(missing, op.id)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("operations without a matrix rule: %v", missing)
	}
	allowedOK, allowedAll := 0, 0
	for ti, op := range ops {
		rule := matrixRules[op.id]
		if rule.skip != "" {
			continue
		}
		for _, role := range roles {
			for _, sc := range scopes {
				tenant := fmt.Sprintf("mx%d-%s-%d", ti, role, len(sc))
				actor := matrixUser(t, env, db, tenant, role, sc)
				ids := newMatrixFixture(t, env, db, actor)
				var body any
				if op.body != nil {
					body = matrixBody(matrixRoundTrip(t, op.body), ids)
				}
				r := e2eDo(t, strings.ToUpper(op.method), matrixURL(t, env.URL, op, ids), actor.Token, matrixOverride(op.id, body, ids), nil)
				allowed := (rule.perm == "" || role.Can(rule.perm)) && (!rule.write || len(sc) == 2) && (!rule.admin || role.AtLeast(auth.RoleAdmin))
				name := fmt.Sprintf("%s as %s %v", op.id, role, sc)
				switch {
				case !allowed && r.Status != http.StatusForbidden:
					t.Errorf("%s: status %d, want 403: %s", name, r.Status, r.Body)
				case allowed && (r.Status == 401 || r.Status == 403 || r.Status >= 500):
					t.Errorf("%s: status %d, want allowed: %s", name, r.Status, r.Body)
				case allowed:
					allowedAll++
					if r.Status < 300 {
						allowedOK++
					} else {
						t.Logf("%s: allowed but %d: %.200s", name, r.Status, r.Body)
					}
				}
			}
		}
		// Another tenant's owner with read-write scope names this tenant's records: 404.
		victim := matrixUser(t, env, db, fmt.Sprintf("mxv%d", ti), auth.RoleOwner, nil)
		ids := newMatrixFixture(t, env, db, victim)
		if !strings.Contains(op.path, "{") || op.path == "/api/v2/statistics/{scope}" {
			continue
		}
		intruder := matrixUser(t, env, db, fmt.Sprintf("mxi%d", ti), auth.RoleOwner, nil)
		if rule.ai {
			if _, err := db.Exec(context.Background(), `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $1, 'enterprise', 'full', true)
ON CONFLICT (id) DO UPDATE SET tier = 'enterprise', mcp_access = 'full', mcp_ai_access = true`, intruder.Tenant); err != nil {
				t.Fatal(err)
			}
		}
		var body any
		if op.body != nil {
			body = matrixBody(matrixRoundTrip(t, op.body), ids)
		}
		r := e2eDo(t, strings.ToUpper(op.method), matrixURL(t, env.URL, op, ids), intruder.Token, matrixOverride(op.id, body, ids), nil)
		if r.Status != http.StatusNotFound && !(rule.selfPath() && r.Status == http.StatusForbidden) {
			t.Errorf("%s across tenants: status %d, want 404: %s", op.id, r.Status, r.Body)
		}
	}
	t.Logf("allowed calls answered 2xx: %d of %d", allowedOK, allowedAll)
	if allowedAll == 0 || allowedOK*10 < allowedAll*7 {
		t.Errorf("only %d of %d allowed calls succeeded: the fixture or the examples are off", allowedOK, allowedAll)
	}
}
