package server_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/learnd/learnd/ai/extract/extracttest"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store/materials"
)

// TestE2EMaterialsRejects: a file that is not an accepted type — whatever its name says —
// is a 422 naming what it is; a file over 20 MB is a 413; a file without text is a 422
// saying why. None of them stores anything, audits anything or counts against the quota.
func TestE2EMaterialsRejects(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	const tenant = "mat-rejects"
	e2eMatTenant(t, env, tenant)
	u := e2eMatUserOf(t, env, tenant, auth.RoleManager)

	oversize := append(extracttest.PDF("Big", extracttest.Safety), bytes.Repeat([]byte{' '}, materials.MaxMaterialBytes)...)
	cases := []struct {
		name   string
		file   string
		data   []byte
		status int
		code   string
		want   []string
	}{
		{"zip named .pdf", "manual.pdf", extracttest.ZIP(), 422, "unsupported_file_type", []string{"a ZIP archive", "detected from the content"}},
		{"exe named .pdf", "manual.pdf", extracttest.EXE(), 422, "unsupported_file_type", []string{"a Windows executable"}},
		{"xls named .doc", "sheet.doc", extracttest.OLE("Workbook"), 422, "unsupported_file_type", []string{"Excel"}},
		{"text named .docx", "notes.docx", []byte("plain notes, not a Word file"), 422, "unsupported_file_type", []string{"plain text"}},
		{"blank image", "blank.png", extracttest.PNG([]string{""}), 422, "no_text", []string{"no text was recognised"}},
		{"over 20 MB", "big.pdf", oversize, 413, "file_too_large", []string{"20 MB"}},
		{"empty", "empty.pdf", nil, 422, "validation_failed", []string{"file is empty"}},
	}
	for _, c := range cases {
		_, err := e2eMatUpload(ctx, t, u.Client, "", c.file, c.data)
		e := e2eMatProblem(t, err, c.status, c.name, c.want...)
		if e.Problem == nil || e.Problem.Code == nil || *e.Problem.Code != c.code {
			t.Errorf("%s: problem %s, want code %s", c.name, e.Body, c.code)
		}
	}

	// Over the limit by Content-Length alone: refused before the body is read.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, env.URL+"/api/v2/chat/source-materials/upload", bytes.NewReader(make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = 25 << 20
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Authorization", "Bearer "+u.Token)
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		res.Body.Close()
		if res.StatusCode != 413 {
			t.Errorf("Content-Length %d: status %d, want 413", req.ContentLength, res.StatusCode)
		}
	} // the server may also close the connection before the body is sent: refused all the same

	// Other routes keep the default 1 MB limit.
	big := strings.Repeat("x", 2<<20)
	res, err = http.Post(env.URL+"/api/v2/chat/source-materials/process", "application/json", strings.NewReader(`{"sessionId":"`+big+`"}`))
	if err == nil {
		res.Body.Close()
		if res.StatusCode != 413 && res.StatusCode != 401 {
			t.Errorf("a 2 MB body elsewhere: status %d", res.StatusCode)
		}
	}

	files, chunks := e2eMatStoredFiles(t, env, tenant)
	if files != 0 || chunks != 0 {
		t.Errorf("stored %d files, %d chunks; want none", files, chunks)
	}
	if n := e2eMatQuota(t, env, tenant); n != 0 {
		t.Errorf("refused uploads counted %d AI calls", n)
	}
	if a := e2eMatAudits(t, env, tenant, "material.upload"); len(a) != 0 {
		t.Errorf("refused uploads audited: %q", a)
	}
	// A malformed session id breaks the form's schema: 422 pointing at it.
	_, err = e2eMatUpload(ctx, t, u.Client, "not-a-session", "a.docx", extracttest.DOCX("T", extracttest.Safety))
	e2eMatProblem(t, err, 422, "malformed sessionId")
}

// TestE2EMaterialsAccess: the licence gate (mcpAccess full + mcpAiAccess), course_edit
// and the write scope come first (403); a session belongs to its uploader (another user of
// the tenant and other tenants get 404 and store nothing); the 6th upload of a person in a
// day is a 429 with Retry-After and stores nothing.
func TestE2EMaterialsAccess(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	docx := extracttest.DOCX("Permit Handbook", extracttest.Safety)

	env.Licence(t, "mat-nolicence", auth.TierBusiness, auth.MCPFull, false)
	env.Licence(t, "mat-readonly-mcp", auth.TierEnterprise, "read", true)
	e2eMatTenant(t, env, "mat-access")
	e2eMatTenant(t, env, "mat-other")
	owner := e2eMatUserOf(t, env, "mat-access", auth.RoleManager)
	res, err := e2eMatUpload(ctx, t, owner.Client, "", "permits.docx", docx)
	if err != nil {
		t.Fatal(err)
	}
	session := res.SessionId

	denied := []struct {
		name string
		u    e2eMatUser
		code string
	}{
		{"no AI licence", e2eMatUserOf(t, env, "mat-nolicence", auth.RoleAdmin), "ai_not_licensed"},
		{"MCP read access only", e2eMatUserOf(t, env, "mat-readonly-mcp", auth.RoleOwner), "ai_not_licensed"},
		{"learner (no course_edit)", e2eMatUserOf(t, env, "mat-access", auth.RoleLearner), "forbidden"},
		{"read scope only", e2eMatUserOf(t, env, "mat-access", auth.RoleAdmin, auth.ScopeRead), "forbidden"},
	}
	for _, d := range denied {
		_, err := e2eMatUpload(ctx, t, d.u.Client, "", "permits.docx", docx)
		e := e2eSdkErr(t, err, 403, d.name+": upload")
		if e.Problem == nil || e.Problem.Code == nil || *e.Problem.Code != d.code {
			t.Errorf("%s: %s, want code %s", d.name, e.Body, d.code)
		}
		_, err = d.u.Client.LMS.SourceMaterials.Process(ctx, client.SourceMaterialProcess{SessionId: session})
		e2eSdkErr(t, err, 403, d.name+": process")
	}
	// Reads need only the read scope.
	ro := e2eMatUserOf(t, env, "mat-access", auth.RoleManager, auth.ScopeRead)
	_, err = ro.Client.LMS.SourceMaterials.List(ctx, &client.ListSourceMaterialsParams{SessionId: session})
	e2eSdkErr(t, err, 404, "read-scope list of another's session")

	// The session is the owner's alone.
	strangers := map[string]e2eMatUser{
		"admin of the tenant":     e2eMatUserOf(t, env, "mat-access", auth.RoleAdmin),
		"owner of another tenant": e2eMatUserOf(t, env, "mat-other", auth.RoleOwner),
	}
	for name, s := range strangers {
		_, err := e2eMatUpload(ctx, t, s.Client, session, "more.docx", docx)
		e2eMatProblem(t, err, 404, name+": upload into the session", "not found")
		_, err = s.Client.LMS.SourceMaterials.Process(ctx, client.SourceMaterialProcess{SessionId: session})
		e2eSdkErr(t, err, 404, name+": process")
		_, err = s.Client.LMS.SourceMaterials.List(ctx, &client.ListSourceMaterialsParams{SessionId: session})
		e2eSdkErr(t, err, 404, name+": list")
	}
	if files, _ := e2eMatStoredFiles(t, env, "mat-access"); files != 1 {
		t.Errorf("mat-access holds %d files, want 1", files)
	}
	if files, _ := e2eMatStoredFiles(t, env, "mat-other"); files != 0 {
		t.Errorf("mat-other holds %d files, want 0", files)
	}
	if n := e2eMatQuota(t, env, "mat-other"); n != 0 {
		t.Errorf("refused calls counted %d in mat-other", n)
	}

	// Uploads do not count against the daily AI quota: a sixth upload of the day is
	// stored, and still nothing is counted.
	for i := 2; i <= 6; i++ {
		if _, err := e2eMatUpload(ctx, t, owner.Client, session, "p"+strconv.Itoa(i)+".docx", docx); err != nil {
			t.Fatalf("upload %d: %v", i, err)
		}
	}
	if files, _ := e2eMatStoredFiles(t, env, "mat-access"); files != 6 {
		t.Errorf("mat-access holds %d files after 6 uploads, want 6", files)
	}
	if n := e2eMatQuota(t, env, "mat-access"); n != 0 {
		t.Errorf("uploads counted %d against the AI quota, want 0", n)
	}
	if _, err := owner.Client.LMS.SourceMaterials.Process(ctx, client.SourceMaterialProcess{SessionId: session}); err != nil {
		t.Errorf("process: %v", err)
	}
	if l, err := owner.Client.LMS.SourceMaterials.List(context.Background(), &client.ListSourceMaterialsParams{SessionId: session}); err != nil || l.FileCount != 6 {
		t.Errorf("list: %+v, %v", l, err)
	}
}
