package server_test

// Helpers of the source-material end-to-end tests (e2e_materials_*_test.go): a licensed
// tenant, SDK clients for fixture users, multipart uploads through the SDK, and reads of
// what is stored.

import (
	"bytes"
	"context"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// e2eMatUser is a fixture user with an SDK client.
type e2eMatUser struct {
	servertest.User
	Client *sdk.Client
}

// e2eMatUserOf inserts a user of tenant with role (and scopes; read+write when none).
func e2eMatUserOf(t *testing.T, env *servertest.Env, tenant string, role auth.Role, scopes ...string) e2eMatUser {
	t.Helper()
	u := env.User(t, servertest.UserSpec{Tenant: tenant, Role: role, Scopes: scopes})
	cl, err := sdk.New(env.URL, sdk.WithToken(u.Token), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatalf("sdk.New: %v", err)
	}
	return e2eMatUser{User: u, Client: cl}
}

// e2eMatTenant licenses tenant for AI authoring (Business, full MCP access, AI access).
func e2eMatTenant(t *testing.T, env *servertest.Env, tenant string) {
	t.Helper()
	env.Licence(t, tenant, auth.TierBusiness, auth.MCPFull, true)
}

// e2eMatForm builds the multipart form of an upload.
func e2eMatForm(t *testing.T, session, filename string, data []byte) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if session != "" {
		if err := w.WriteField("sessionId", session); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := w.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &b
}

// e2eMatUpload uploads data as filename into session ("" for a new one).
func e2eMatUpload(ctx context.Context, t *testing.T, cl *sdk.Client, session, filename string, data []byte) (*client.SourceMaterialResult, error) {
	t.Helper()
	ct, body := e2eMatForm(t, session, filename, data)
	return cl.LMS.SourceMaterials.Upload(ctx, nil, ct, body)
}

// e2eMatStoredFiles counts the tenant's stored files and chunks (bypassing row-level
// security).
func e2eMatStoredFiles(t *testing.T, env *servertest.Env, tenant string) (files, chunks int) {
	t.Helper()
	db := env.DB(t)
	if err := db.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM material_files WHERE tenant_id = $1), (SELECT count(*) FROM material_chunks WHERE tenant_id = $1)`, tenant).Scan(&files, &chunks); err != nil {
		t.Fatal(err)
	}
	return files, chunks
}

// e2eMatFileText is the stored text of a file (its chunks in order) and its chunk count.
func e2eMatFileText(t *testing.T, env *servertest.Env, fileID string) (string, int) {
	t.Helper()
	db := env.DB(t)
	var text string
	var n int
	id, err := typeid.Parse(materials.MaterialFilePrefix, fileID)
	if err != nil {
		t.Fatalf("file id %q: %v", fileID, err)
	}
	err = db.QueryRow(context.Background(), `SELECT coalesce(string_agg(heading || E'\n' || body, E'\n' ORDER BY ordinal), ''), count(*) FROM material_chunks
WHERE file_id = $1`, id).Scan(&text, &n)
	if err != nil {
		t.Fatal(err)
	}
	return text, n
}

// e2eMatQuota is the tenant's AI calls counted today.
func e2eMatQuota(t *testing.T, env *servertest.Env, tenant string) int {
	t.Helper()
	var n int
	err := env.DB(t).QueryRow(context.Background(), `SELECT coalesce(sum(count), 0) FROM ai_usage WHERE tenant_id = $1 AND subject = 'tenant' AND day = (now() AT TIME ZONE 'UTC')::date`, tenant).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// e2eMatAudits counts the tenant's audit rows of action, and returns their after views.
func e2eMatAudits(t *testing.T, env *servertest.Env, tenant, action string) []string {
	t.Helper()
	rows, err := env.DB(t).Query(context.Background(), `SELECT coalesce(after::text, '') FROM audit_log WHERE tenant_id = $1 AND action = $2 ORDER BY created_at`, tenant, action)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// e2eMatProblem asserts err is a problem of status whose detail contains every want.
func e2eMatProblem(t *testing.T, err error, status int, what string, want ...string) *sdk.Error {
	t.Helper()
	e := e2eSdkErr(t, err, status, what)
	detail := ""
	if e.Problem != nil && e.Problem.Detail != nil {
		detail = *e.Problem.Detail
	}
	for _, w := range want {
		if !strings.Contains(detail, w) {
			t.Errorf("%s: detail %q lacks %q", what, detail, w)
		}
	}
	return e
}
