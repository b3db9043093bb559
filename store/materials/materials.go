package materials

// Source materials for AI course authoring (issue 4): upload sessions, their files and the
// chunks of the files' text with embeddings.
//
// The API for course generation (package jobs, the AI endpoints):
//
//	mat := st.Materials()
//	err := mat.CheckSession(ctx, session)             // ErrNotFound unless the caller owns it
//	chunks, err := mat.SessionChunks(ctx, session)    // every chunk, in document order
//	best, err := mat.Retrieve(ctx, session, "rescue procedures", 5) // hybrid ranking
//	retrieve := mat.Retriever(session)                // the same as an ai.Retriever
//
// A session belongs to the person who opened it: the owner-scoped calls above answer
// ErrNotFound for anyone else (and across tenants). Grounding a refinement or a
// regeneration of a course generated from a session, which a co-editor of the course may
// ask for, uses the tenant-scoped RetrieveInTenant / TenantRetriever / ChunksByID once the
// caller's right to edit that course has been checked.
//
// Ranking (Retrieve) fuses two rankings of the session's chunks by reciprocal rank
// (k = 60): PostgreSQL full-text rank (ts_rank_cd over the chunk's generated tsvector,
// heading weighted above body, the query's words OR-ed) and the cosine similarity of the
// chunk's embedding to the query's, computed with the store's embedder (chunks embedded by
// another embedder take part through full text only). Ties keep document order.

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/ai/chunk"
	"github.com/learnd/learnd/ai/embed"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// TypeID prefixes of source materials.
const (
	MaterialSessionPrefix = "ses" // an upload session
	MaterialFilePrefix    = "src" // an uploaded source file
)

// Limits of source materials.
const (
	MaxMaterialBytes     = 20 << 20 // per file (seed 003)
	MaxSessionFiles      = 20       // per session
	MaxMaterialChunks    = 3000     // per file: about 3,000,000 characters of text
	maxEmbeddingDims     = 8192
	retrieveRRFConstant  = 60.0
	defaultRetrieveLimit = 8
)

// ErrSessionFull means a session already holds MaxSessionFiles files.
var ErrSessionFull = fmt.Errorf("the session already holds %d files", MaxSessionFiles)

// ErrTooMuchText means a file's text makes more than MaxMaterialChunks chunks.
var ErrTooMuchText = fmt.Errorf("the document's text is too long (more than %d chunks, about %d characters)", MaxMaterialChunks, MaxMaterialChunks*1000)

// embedders holds each store.Store's embedder (SetEmbedder); a Store without one uses the
// built-in local embedder.
var embedders sync.Map // *store.Store → embed.Embedder

// SetEmbedder sets the embedder of chunks and retrieval queries (the OpenAI-compatible
// client when LEARND_EMBEDDINGS_URL is set). Chunks embedded before keep their vectors:
// they are compared only with vectors of the same embedder, until reprocessed.
func (s *Repo) SetEmbedder(e embed.Embedder) {
	if e == nil {
		embedders.Delete(s.st)
		return
	}
	embedders.Store(s.st, e)
}

// Embedder is the store's embedder (embed.Local unless SetEmbedder chose another).
func (s *Repo) Embedder() embed.Embedder { return embedderOf(s.st) }

func embedderOf(st *store.Store) embed.Embedder {
	if e, ok := embedders.Load(st); ok {
		return e.(embed.Embedder)
	}
	return embed.Local{}
}

// MaterialRepo stores source materials.
type MaterialRepo struct{ st *store.Store }

// Materials returns the source-material repository.
func (s *Repo) Materials() *MaterialRepo { return &MaterialRepo{st: s.st} }

// MaterialFile is an uploaded file, without its bytes.
type MaterialFile struct {
	ID          uuid.UUID
	SessionID   uuid.UUID
	Filename    string
	Kind        string // pdf, doc, docx, png, jpeg, gif, webp (extract.Kind)
	MediaType   string
	SizeBytes   int
	SHA256      string // hex
	TextChars   int
	Chunks      int
	Headings    []string // the distinct headings of the file's chunks, in order (at most 50)
	Embedder    string
	CreatedAt   time.Time
	ProcessedAt time.Time
}

// MaterialUpload is a file to store with its chunks.
type MaterialUpload struct {
	Session   *uuid.UUID // the caller's session to add to; nil opens a new one
	Filename  string
	Kind      string
	MediaType string
	Content   []byte
	TextChars int           // characters of extracted text
	Chunks    []chunk.Chunk // at least one
}

// materialAudit is a file as the audit log records it: never its bytes or text.
type materialAudit struct {
	SessionID  string `json:"sessionId"`
	FileID     string `json:"fileId"`
	Filename   string `json:"filename"`
	Kind       string `json:"kind"`
	MediaType  string `json:"mediaType"`
	SizeBytes  int    `json:"sizeBytes"`
	SHA256     string `json:"sha256"`
	TextChars  int    `json:"textChars"`
	ChunkCount int    `json:"chunkCount"`
	Embedder   string `json:"embedder"`
}

func auditMaterial(f MaterialFile) materialAudit {
	return materialAudit{
		SessionID: typeid.Format(MaterialSessionPrefix, f.SessionID), FileID: typeid.Format(MaterialFilePrefix, f.ID),
		Filename: f.Filename, Kind: f.Kind, MediaType: f.MediaType, SizeBytes: f.SizeBytes, SHA256: f.SHA256,
		TextChars: f.TextChars, ChunkCount: f.Chunks, Embedder: f.Embedder,
	}
}

// CheckSession answers nil when session exists and belongs to the caller, else
// ErrNotFound (also for another person's session and across tenants).
func (r *MaterialRepo) CheckSession(ctx context.Context, session uuid.UUID) error {
	err := r.st.Read(ctx, func(t *store.Tx) error { return ownSession(t, session) })
	if err != nil {
		return fmt.Errorf("check material session: %w", err)
	}
	return nil
}

func ownSession(t *store.Tx, session uuid.UUID) error {
	var one int
	err := t.QueryRow(`SELECT 1 FROM material_sessions WHERE tenant_id = learnd_tenant() AND id = $1 AND owner_id = $2`, session, t.Caller().PersonID).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// Files lists the files of the caller's session in upload order, with their chunk counts.
func (r *MaterialRepo) Files(ctx context.Context, session uuid.UUID) ([]MaterialFile, error) {
	var out []MaterialFile
	err := r.st.Read(ctx, func(t *store.Tx) error {
		var err error
		out, err = materialFiles(t, session, nil, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list material files: %w", err)
	}
	return out, nil
}

// Content returns a file of the caller's session with its bytes (ErrNotFound when the
// session or the file is not the caller's).
func (r *MaterialRepo) Content(ctx context.Context, session, file uuid.UUID) (MaterialFile, []byte, error) {
	var (
		f    MaterialFile
		data []byte
	)
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		files, err := materialFiles(t, session, &file, false)
		if err != nil {
			return err
		}
		f = files[0]
		return t.QueryRow(`SELECT content FROM material_files WHERE tenant_id = learnd_tenant() AND id = $1`, file).Scan(&data)
	})
	if err != nil {
		return MaterialFile{}, nil, fmt.Errorf("get material: %w", err)
	}
	return f, data, nil
}

// materialFiles reads the files of the caller's session (one when file is set: then
// ErrNotFound when absent; lock takes it FOR UPDATE).
func materialFiles(t *store.Tx, session uuid.UUID, file *uuid.UUID, lock bool) ([]MaterialFile, error) {
	if err := ownSession(t, session); err != nil {
		return nil, err
	}
	sql := `SELECT f.id, f.session_id, f.filename, f.kind, f.media_type, f.size_bytes, f.sha256, f.text_chars, f.embedder, f.created_at, f.processed_at,
  (SELECT count(*) FROM material_chunks c WHERE c.tenant_id = f.tenant_id AND c.file_id = f.id),
  (SELECT coalesce(array_agg(h ORDER BY o), '{}') FROM (
     SELECT c.heading AS h, min(c.ordinal) AS o FROM material_chunks c
     WHERE c.tenant_id = f.tenant_id AND c.file_id = f.id AND c.heading <> ''
     GROUP BY c.heading ORDER BY o LIMIT 50) hs)
FROM material_files f WHERE f.tenant_id = learnd_tenant() AND f.session_id = $1`
	args := []any{session}
	if file != nil {
		sql += ` AND f.id = $2`
		args = append(args, *file)
	}
	sql += ` ORDER BY f.created_at, f.id`
	if lock {
		sql += ` FOR UPDATE OF f`
	}
	rows, err := t.Query(sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []MaterialFile
	for rows.Next() {
		var (
			f   MaterialFile
			sum []byte
		)
		if err := rows.Scan(&f.ID, &f.SessionID, &f.Filename, &f.Kind, &f.MediaType, &f.SizeBytes, &sum, &f.TextChars, &f.Embedder, &f.CreatedAt, &f.ProcessedAt, &f.Chunks, &f.Headings); err != nil {
			return nil, err
		}
		f.SHA256 = hex.EncodeToString(sum)
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if file != nil && len(out) == 0 {
		return nil, store.ErrNotFound
	}
	return out, nil
}
