package server_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai/embed"
	"github.com/learnd/learnd/ai/extract/extracttest"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// TestE2EMaterialsUploadEveryType uploads a PDF, a DOCX, a DOC and a PNG (all generated
// here) into one session: each answer's chunkCount is the number of stored chunks, the
// stored text holds the known words, the headings are kept, process reports without
// counting, the listing agrees, each upload is audited without its contents, and no
// upload counts against the AI quota.
func TestE2EMaterialsUploadEveryType(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	const tenant = "mat-types"
	e2eMatTenant(t, env, tenant)
	u := e2eMatUserOf(t, env, tenant, auth.RoleManager)

	files := []struct {
		name     string
		data     []byte
		kind     client.SourceMaterialKind
		words    []string
		headings []string
	}{
		{"confined-spaces.pdf", extracttest.PDF("Working Safely in Confined Spaces", extracttest.Safety), client.SourceMaterialKindPdf,
			[]string{"asphyxiation within minutes", "retrieval tripod"},
			[]string{"1. Confined Space Hazards", "2. Entry Permits", "3. Rescue Procedures"}},
		{"permits.docx", extracttest.DOCX("Permit Handbook", extracttest.Safety), client.SourceMaterialKindDocx,
			[]string{"hydrogen sulphide", "lockout tagout"},
			[]string{"1. Confined Space Hazards", "2. Entry Permits", "3. Rescue Procedures"}},
		{"legacy.doc", extracttest.DOC(extracttest.Safety), client.SourceMaterialKindDoc,
			[]string{"breathing apparatus", "written permit"},
			[]string{"1. Confined Space Hazards", "2. Entry Permits", "3. Rescue Procedures"}},
		{"poster.png", extracttest.PNG([]string{"Emergency Exits", "", "Keep every fire door closed.", "Know the assembly point outside."}),
			client.SourceMaterialKindPng, []string{"fire door", "assembly point"}, []string{"Emergency Exits"}},
	}
	session := ""
	total := 0
	for i, f := range files {
		res, err := e2eMatUpload(ctx, t, u.Client, session, f.name, f.data)
		if err != nil {
			t.Fatalf("upload %s: %v", f.name, err)
		}
		if i == 0 {
			session = res.SessionId
			if !strings.HasPrefix(session, "ses_") {
				t.Fatalf("sessionId = %q", session)
			}
		}
		if res.SessionId != session || res.Filename != f.name || res.Kind != f.kind || res.SizeBytes != len(f.data) || res.ChunkCount < 1 {
			t.Errorf("%s: result = %+v", f.name, res)
		}
		text, n := e2eMatFileText(t, env, res.FileId)
		if n != res.ChunkCount {
			t.Errorf("%s: chunkCount %d, stored chunks %d", f.name, res.ChunkCount, n)
		}
		low := strings.ToLower(text)
		for _, w := range f.words {
			if !strings.Contains(low, strings.ToLower(w)) {
				t.Errorf("%s: stored text lacks %q:\n%s", f.name, w, text)
			}
		}
		for _, h := range f.headings {
			if !slices.Contains(res.Headings, h) {
				t.Errorf("%s: headings %q lack %q", f.name, res.Headings, h)
			}
		}
		total += res.ChunkCount
		if res.SessionFileCount != i+1 || res.SessionChunkCount != total || !strings.Contains(res.Message, session) {
			t.Errorf("%s: session totals %d/%d, want %d/%d; message %q", f.name, res.SessionFileCount, res.SessionChunkCount, i+1, total, res.Message)
		}
	}

	// process (the tool's second call) answers the seed's shape for the latest upload and
	// counts nothing; with fileId, for that file.
	quota := e2eMatQuota(t, env, tenant)
	if quota != 0 {
		t.Errorf("AI calls counted = %d after %d uploads, want 0 (uploads do not count)", quota, len(files))
	}
	pr, err := u.Client.LMS.SourceMaterials.Process(ctx, client.SourceMaterialProcess{SessionId: session})
	if err != nil {
		t.Fatal(err)
	}
	if pr.Filename != "poster.png" || pr.Processed == nil || *pr.Processed || pr.SessionChunkCount != total || pr.Message == "" {
		t.Errorf("process = %+v", pr)
	}
	list, err := u.Client.LMS.SourceMaterials.List(ctx, &client.ListSourceMaterialsParams{SessionId: session})
	if err != nil {
		t.Fatal(err)
	}
	if list.FileCount != 4 || list.ChunkCount != total || len(list.Data) != 4 || list.Data[1].Filename != "permits.docx" || list.Data[1].Embedder != (embed.Local{}).Name() {
		t.Fatalf("list = %+v", list)
	}
	pr, err = u.Client.LMS.SourceMaterials.Process(ctx, client.SourceMaterialProcess{SessionId: session, FileId: e2ePtr(list.Data[0].Id)})
	if err != nil || pr.Filename != "confined-spaces.pdf" || pr.ChunkCount != list.Data[0].ChunkCount {
		t.Errorf("process the pdf = %+v, %v", pr, err)
	}
	if got := e2eMatQuota(t, env, tenant); got != quota {
		t.Errorf("process counted against the quota: %d → %d", quota, got)
	}

	// The store's API for generation sees the same chunks, in document order.
	sid, _ := typeid.Parse(materials.MaterialSessionPrefix, session)
	pid, _ := typeid.Parse(typeid.Person, u.ID)
	owner := auth.WithPrincipal(context.Background(), auth.Principal{TenantID: tenant, PersonID: pid, Subject: u.ID, Role: auth.RoleManager})
	chunks, err := materials.New(env.Store).Materials().SessionChunks(owner, sid)
	if err != nil || len(chunks) != total || chunks[0].Source != "confined-spaces.pdf" || chunks[len(chunks)-1].Source != "poster.png" {
		t.Fatalf("session chunks: %d (%v), want %d", len(chunks), err, total)
	}
	best, err := materials.New(env.Store).Materials().Retriever(sid)(owner, "rescue tripod to lift the worker", 1)
	if err != nil || len(best) != 1 || !strings.Contains(best[0].Text, "tripod") {
		t.Errorf("retrieve = %+v, %v", best, err)
	}

	// Audited once per upload, without the file's bytes or text.
	audits := e2eMatAudits(t, env, tenant, "material.upload")
	if len(audits) != 4 {
		t.Fatalf("material.upload audits = %d", len(audits))
	}
	for _, a := range audits {
		if strings.Contains(a, "asphyxiation") || strings.Contains(a, "extinguishers") || strings.Contains(a, "PDF-1") || !strings.Contains(a, session) {
			t.Errorf("audit after = %s", a)
		}
	}
	if n := len(e2eMatAudits(t, env, tenant, "material.process")); n != 0 {
		t.Errorf("a process that changed nothing was audited %d times", n)
	}
}

// renamedEmbedder is the local embedder under another name: a change of embedder.
type renamedEmbedder struct{ embed.Local }

func (renamedEmbedder) Name() string { return "test-renamed/384" }

// TestE2EMaterialsProcessReembeds: after the server's embedder changes, process re-extracts
// and re-embeds the session's files from their stored bytes, audits it, and the
// chunkCount stays real.
func TestE2EMaterialsProcessReembeds(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	const tenant = "mat-reembed"
	e2eMatTenant(t, env, tenant)
	u := e2eMatUserOf(t, env, tenant, auth.RoleAdmin)
	res, err := e2eMatUpload(ctx, t, u.Client, "", "permits.docx", extracttest.DOCX("Permit Handbook", extracttest.Safety))
	if err != nil {
		t.Fatal(err)
	}
	materials.New(env.Store).SetEmbedder(renamedEmbedder{})
	pr, err := u.Client.LMS.SourceMaterials.Process(ctx, client.SourceMaterialProcess{SessionId: res.SessionId})
	if err != nil {
		t.Fatal(err)
	}
	if pr.Processed == nil || !*pr.Processed || pr.FileId != res.FileId || !strings.HasPrefix(pr.Message, "Re-processed") {
		t.Fatalf("process = %+v", pr)
	}
	var n int
	if err := env.DB(t).QueryRow(context.Background(), `SELECT count(*) FROM material_chunks WHERE tenant_id = $1 AND embedder = 'test-renamed/384'`, tenant).Scan(&n); err != nil || n != pr.ChunkCount || n == 0 {
		t.Errorf("re-embedded chunks = %d (%v), chunkCount %d", n, err, pr.ChunkCount)
	}
	if a := e2eMatAudits(t, env, tenant, "material.process"); len(a) != 1 || !strings.Contains(a[0], "test-renamed/384") {
		t.Errorf("material.process audits = %q", a)
	}
	again, err := u.Client.LMS.SourceMaterials.Process(ctx, client.SourceMaterialProcess{SessionId: res.SessionId})
	if err != nil || again.Processed == nil || *again.Processed {
		t.Errorf("a second process = %+v, %v; want nothing to do", again, err)
	}
	if got := e2eMatQuota(t, env, tenant); got != 0 {
		t.Errorf("AI calls counted = %d, want 0 (uploads and process do not count)", got)
	}
	// Unknown file in the session: 404.
	_, err = u.Client.LMS.SourceMaterials.Process(ctx, client.SourceMaterialProcess{SessionId: res.SessionId, FileId: e2ePtr(typeid.Format(materials.MaterialFilePrefix, uuid.Must(uuid.NewV7())))})
	e2eMatProblem(t, err, 404, "process an unknown file", "not found")
}
