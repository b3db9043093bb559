package materials_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai/chunk"
	"github.com/learnd/learnd/ai/embed"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/store/storetest"
)

// renamedEmbedder is the local embedder under another name (another vector space).
type renamedEmbedder struct{ embed.Local }

func (renamedEmbedder) Name() string { return "test-renamed/384" }

func upload(t *testing.T, st *store.Store, ctx context.Context, session *uuid.UUID, name string, chunks ...chunk.Chunk) materials.MaterialFile {
	t.Helper()
	f, err := materials.New(st).Materials().Upload(ctx, materials.MaterialUpload{Session: session, Filename: name, Kind: "pdf", MediaType: "application/pdf",
		Content: []byte("%PDF-1.4 " + name), TextChars: 100, Chunks: chunks})
	if err != nil {
		t.Fatalf("upload %s: %v", name, err)
	}
	return f
}

func TestMaterialsStore(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := storetest.As("mat-a", "", auth.RoleManager)
	other := storetest.As("mat-a", "", auth.RoleAdmin) // same tenant, another person
	foreign := storetest.As("mat-b", "", auth.RoleOwner)

	a := upload(t, st, ctx, nil, "../secret/dir/hazards.pdf",
		chunk.Chunk{Heading: "Hazards", Text: "Oxygen deficiency causes asphyxiation. Test the atmosphere before entry."},
		chunk.Chunk{Heading: "Permits", Text: "Every entry needs a written permit signed by the supervisor."})
	if a.Filename != "hazards.pdf" || a.Chunks != 2 || a.Embedder != (embed.Local{}).Name() || len(a.SHA256) != 64 {
		t.Fatalf("file = %+v", a)
	}
	b := upload(t, st, ctx, &a.SessionID, "rescue.pdf",
		chunk.Chunk{Heading: "Rescue", Text: "The attendant uses the retrieval tripod to lift the worker out."})

	chunks, err := materials.New(st).Materials().SessionChunks(ctx, a.SessionID)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 3 || chunks[0].Heading != "Hazards" || chunks[2].Heading != "Rescue" || chunks[2].Source != "rescue.pdf" || chunks[2].Ordinal != 2 || chunks[1].Ordinal != 1 {
		t.Fatalf("session chunks = %+v", chunks)
	}
	files, err := materials.New(st).Materials().Files(ctx, a.SessionID)
	if err != nil || len(files) != 2 || files[0].ID != a.ID || files[1].ID != b.ID || files[1].Chunks != 1 ||
		strings.Join(files[0].Headings, "|") != "Hazards|Permits" || strings.Join(a.Headings, "|") != "Hazards|Permits" {
		t.Fatalf("files = %+v, %v", files, err)
	}

	// Hybrid retrieval: the rescue chunk first for a rescue query, the permit chunk for a
	// permit query; k bounds the answer; an empty query is document order.
	got, err := materials.New(st).Materials().Retrieve(ctx, a.SessionID, "how to lift a worker out with a tripod", 2)
	if err != nil || len(got) != 2 || got[0].Heading != "Rescue" {
		t.Fatalf("retrieve rescue = %+v, %v", got, err)
	}
	got, _ = materials.New(st).Materials().Retriever(a.SessionID)(ctx, "who signs the permits?", 1)
	if len(got) != 1 || got[0].Heading != "Permits" {
		t.Fatalf("retrieve permits = %+v", got)
	}
	got, _ = materials.New(st).Materials().Retrieve(ctx, a.SessionID, "", 10)
	if len(got) != 3 || got[0].Ordinal != 0 || got[2].Ordinal != 2 {
		t.Fatalf("retrieve with no query = %+v", got)
	}

	// The session is its owner's: another person of the tenant and another tenant see nothing.
	for name, c := range map[string]context.Context{"same tenant": other, "other tenant": foreign} {
		if err := materials.New(st).Materials().CheckSession(c, a.SessionID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: CheckSession = %v", name, err)
		}
		if _, err := materials.New(st).Materials().SessionChunks(c, a.SessionID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: SessionChunks = %v", name, err)
		}
		if _, err := materials.New(st).Materials().Retrieve(c, a.SessionID, "permit", 3); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: Retrieve = %v", name, err)
		}
		_, err := materials.New(st).Materials().Upload(c, materials.MaterialUpload{Session: &a.SessionID, Filename: "x.pdf", Kind: "pdf", MediaType: "application/pdf",
			Content: []byte("%PDF-1.4"), Chunks: []chunk.Chunk{{Text: "x"}}})
		if !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: upload into the session = %v", name, err)
		}
	}
	// A co-editor grounding a course generated from the session reads it tenant-wide.
	if got, err := materials.New(st).Materials().RetrieveInTenant(other, a.SessionID, "tripod", 1); err != nil || len(got) != 1 || got[0].Heading != "Rescue" {
		t.Errorf("RetrieveInTenant = %+v, %v", got, err)
	}
	if _, err := materials.New(st).Materials().RetrieveInTenant(foreign, a.SessionID, "tripod", 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RetrieveInTenant across tenants = %v", err)
	}
	byID, err := materials.New(st).Materials().ChunksByID(other, []uuid.UUID{chunks[2].ID, uuid.New(), chunks[0].ID})
	if err != nil || len(byID) != 2 || byID[0].ID != chunks[2].ID || byID[0].Ordinal != 2 || byID[1].Heading != "Hazards" {
		t.Errorf("ChunksByID = %+v, %v", byID, err)
	}
	if byID, _ := materials.New(st).Materials().ChunksByID(foreign, []uuid.UUID{chunks[0].ID}); len(byID) != 0 {
		t.Errorf("ChunksByID across tenants = %+v", byID)
	}

	// Stored rows: a tsvector per chunk, vectors of the embedder's length, the audit rows
	// without the bytes.
	var n, dims int
	if err := conn.QueryRow(context.Background(), `SELECT count(*), min(cardinality(embedding)) FROM material_chunks WHERE session_id = $1 AND tsv @@ to_tsquery('english', 'tripod | permit')`, a.SessionID).Scan(&n, &dims); err != nil || n != 2 || dims != embed.LocalDimensions {
		t.Errorf("full-text matches = %d, dims %d (%v)", n, dims, err)
	}
	var audits int
	var after string
	if err := conn.QueryRow(context.Background(), `SELECT count(*), max(after::text) FROM audit_log WHERE tenant_id = 'mat-a' AND action = 'material.upload'`).Scan(&audits, &after); err != nil || audits != 2 {
		t.Fatalf("material.upload audits = %d (%v)", audits, err)
	}
	if strings.Contains(after, "PDF-1.4") || strings.Contains(after, "asphyxiation") || !strings.Contains(after, `"chunkCount"`) {
		t.Errorf("audit after = %s", after)
	}

	// Another embedder: old vectors still rank through full text; Reprocess re-embeds.
	materials.New(st).SetEmbedder(renamedEmbedder{})
	defer materials.New(st).SetEmbedder(nil)
	got, _ = materials.New(st).Materials().Retrieve(ctx, a.SessionID, "tripod", 1)
	if len(got) != 1 || got[0].Heading != "Rescue" {
		t.Errorf("retrieve across embedders = %+v", got)
	}
	re, err := materials.New(st).Materials().Reprocess(ctx, a.SessionID, b.ID, 90, []chunk.Chunk{{Heading: "Rescue", Text: "New text about the tripod."}, {Heading: "Drills", Text: "Practise twice a year."}})
	if err != nil || re.Chunks != 2 || re.Embedder != "test-renamed/384" || re.ID != b.ID {
		t.Fatalf("reprocess = %+v, %v", re, err)
	}
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM material_chunks WHERE file_id = $1 AND embedder = 'test-renamed/384'`, b.ID).Scan(&n); err != nil || n != 2 {
		t.Errorf("reprocessed chunks = %d (%v)", n, err)
	}
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE tenant_id = 'mat-a' AND action = 'material.process' AND before IS NOT NULL`).Scan(&n); err != nil || n != 1 {
		t.Errorf("material.process audits = %d (%v)", n, err)
	}
	if _, err := materials.New(st).Materials().Reprocess(other, a.SessionID, b.ID, 1, []chunk.Chunk{{Text: "x"}}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("reprocess by another person = %v", err)
	}
	f, data, err := materials.New(st).Materials().Content(ctx, a.SessionID, a.ID)
	if err != nil || string(data) != "%PDF-1.4 ../secret/dir/hazards.pdf" || f.Chunks != 2 {
		t.Errorf("content = %q, %+v, %v", data, f, err)
	}
	if _, _, err := materials.New(st).Materials().Content(ctx, a.SessionID, uuid.New()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("content of an unknown file = %v", err)
	}
}

func TestMaterialsStoreSessionFull(t *testing.T) {
	t.Parallel()
	st, conn := storetest.OpenWithConn(t)
	ctx := storetest.As("mat-full", "", auth.RoleManager)
	first := upload(t, st, ctx, nil, "f0.pdf", chunk.Chunk{Text: "zero"})
	for i := 1; i < materials.MaxSessionFiles; i++ {
		upload(t, st, ctx, &first.SessionID, "f.pdf", chunk.Chunk{Text: "more"})
	}
	_, err := materials.New(st).Materials().Upload(ctx, materials.MaterialUpload{Session: &first.SessionID, Filename: "x.pdf", Kind: "pdf", MediaType: "application/pdf",
		Content: []byte("%PDF-1.4"), Chunks: []chunk.Chunk{{Text: "x"}}})
	if !errors.Is(err, materials.ErrSessionFull) {
		t.Fatalf("upload %d = %v, want ErrSessionFull", materials.MaxSessionFiles+1, err)
	}
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM material_files WHERE session_id = $1`, first.SessionID).Scan(&n); err != nil || n != materials.MaxSessionFiles {
		t.Errorf("files = %d (%v)", n, err)
	}
	// Nothing empty is ever stored.
	if _, err := materials.New(st).Materials().Upload(ctx, materials.MaterialUpload{Filename: "e.pdf", Kind: "pdf", MediaType: "application/pdf", Content: []byte("%PDF")}); err == nil {
		t.Error("an upload without chunks was stored")
	}
}
