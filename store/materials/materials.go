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
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/ai"
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

// embedChunks embeds chunks' heading and text with the store's embedder (outside any
// transaction: the embedder may be a remote service).
func (r *MaterialRepo) embedChunks(ctx context.Context, chunks []chunk.Chunk) (string, [][]float32, error) {
	if len(chunks) == 0 {
		return "", nil, errors.New("no chunks to store")
	}
	if len(chunks) > MaxMaterialChunks {
		return "", nil, ErrTooMuchText
	}
	e := embedderOf(r.st)
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = strings.TrimSpace(c.Heading + "\n" + c.Text)
	}
	vecs, err := e.Embed(ctx, texts)
	if err != nil {
		return "", nil, fmt.Errorf("embed chunks: %w", err)
	}
	if len(vecs) != len(chunks) {
		return "", nil, fmt.Errorf("embed chunks: %d vectors for %d chunks", len(vecs), len(chunks))
	}
	for i, v := range vecs {
		if len(v) == 0 || len(v) > maxEmbeddingDims {
			return "", nil, fmt.Errorf("embed chunks: vector %d has %d dimensions", i, len(v))
		}
	}
	return e.Name(), vecs, nil
}

// Upload stores a file and its chunks (embedded now, with the store's embedder) in the
// caller's session — a new one when in.Session is nil — and audits "material.upload"
// (without the bytes or the text). A session the caller does not own is ErrNotFound; a
// full one ErrSessionFull.
func (r *MaterialRepo) Upload(ctx context.Context, in MaterialUpload) (MaterialFile, error) {
	if len(in.Content) == 0 || len(in.Content) > MaxMaterialBytes {
		return MaterialFile{}, fmt.Errorf("upload material: %d bytes is outside 1…%d", len(in.Content), MaxMaterialBytes)
	}
	name, vecs, err := r.embedChunks(ctx, in.Chunks)
	if err != nil {
		return MaterialFile{}, fmt.Errorf("upload material: %w", err)
	}
	sum := sha256.Sum256(in.Content)
	ts := store.Now()
	f := MaterialFile{
		ID: uuid.Must(uuid.NewV7()), Filename: cleanFilename(in.Filename), Kind: in.Kind, MediaType: in.MediaType,
		SizeBytes: len(in.Content), SHA256: hex.EncodeToString(sum[:]), TextChars: in.TextChars,
		Chunks: len(in.Chunks), Headings: chunkHeadings(in.Chunks), Embedder: name, CreatedAt: ts, ProcessedAt: ts,
	}
	err = r.st.InTenant(ctx, func(t *store.Tx) error {
		if in.Session == nil {
			f.SessionID = uuid.Must(uuid.NewV7())
			if _, err := t.Exec(`INSERT INTO material_sessions (tenant_id, id, owner_id, created_at) VALUES ($1, $2, $3, $4)`,
				t.Caller().TenantID, f.SessionID, t.Caller().PersonID, ts); err != nil {
				return err
			}
		} else {
			f.SessionID = *in.Session
			var files int
			err := t.QueryRow(`SELECT (SELECT count(*) FROM material_files f WHERE f.tenant_id = s.tenant_id AND f.session_id = s.id)
FROM material_sessions s WHERE s.tenant_id = learnd_tenant() AND s.id = $1 AND s.owner_id = $2 FOR UPDATE`, f.SessionID, t.Caller().PersonID).Scan(&files)
			if errors.Is(err, pgx.ErrNoRows) {
				return store.ErrNotFound
			}
			if err != nil {
				return err
			}
			if files >= MaxSessionFiles {
				return ErrSessionFull
			}
		}
		var by *uuid.UUID
		if p := t.Caller(); p.PersonID != uuid.Nil {
			by = &p.PersonID
		}
		if _, err := t.Exec(`INSERT INTO material_files (tenant_id, id, session_id, filename, kind, media_type, size_bytes, sha256, content, text_chars, embedder, created_at, created_by, processed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
			t.Caller().TenantID, f.ID, f.SessionID, f.Filename, f.Kind, f.MediaType, f.SizeBytes, sum[:], in.Content, f.TextChars, f.Embedder, ts, by, ts); err != nil {
			return err
		}
		if err := insertChunks(t, f, in.Chunks, vecs); err != nil {
			return err
		}
		return t.Audit("material.upload", "material", typeid.Format(MaterialFilePrefix, f.ID), nil, auditMaterial(f))
	})
	if err != nil {
		return MaterialFile{}, fmt.Errorf("upload material: %w", err)
	}
	return f, nil
}

func insertChunks(t *store.Tx, f MaterialFile, chunks []chunk.Chunk, vecs [][]float32) error {
	b := &pgx.Batch{}
	for i, c := range chunks {
		b.Queue(`INSERT INTO material_chunks (tenant_id, id, session_id, file_id, ordinal, heading, body, embedder, embedding) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			t.Caller().TenantID, uuid.Must(uuid.NewV7()), f.SessionID, f.ID, i, c.Heading, c.Text, f.Embedder, vecs[i])
	}
	return t.SendBatch(b).Close()
}

// chunkHeadings lists the distinct non-empty headings of chunks in order, at most 50.
func chunkHeadings(chunks []chunk.Chunk) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, c := range chunks {
		if c.Heading != "" && !seen[c.Heading] && len(out) < 50 {
			seen[c.Heading] = true
			out = append(out, c.Heading)
		}
	}
	return out
}

// cleanFilename keeps a file name's last path element, without control characters, at
// most 255 characters; "upload" when nothing remains.
func cleanFilename(s string) string {
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "")))
	if r := []rune(s); len(r) > 255 {
		s = string(r[len(r)-255:])
	}
	if s == "" || s == "." || s == ".." {
		s = "upload"
	}
	return s
}

// Reprocess replaces a file's chunks (embedded now, with the store's embedder) and its
// processing stamp, and audits "material.process" with the file before and after.
func (r *MaterialRepo) Reprocess(ctx context.Context, session, file uuid.UUID, textChars int, chunks []chunk.Chunk) (MaterialFile, error) {
	name, vecs, err := r.embedChunks(ctx, chunks)
	if err != nil {
		return MaterialFile{}, fmt.Errorf("reprocess material: %w", err)
	}
	var f MaterialFile
	err = r.st.InTenant(ctx, func(t *store.Tx) error {
		files, err := materialFiles(t, session, &file, true)
		if err != nil {
			return err
		}
		before := files[0]
		f = before
		f.TextChars, f.Chunks, f.Headings, f.Embedder, f.ProcessedAt = textChars, len(chunks), chunkHeadings(chunks), name, store.Now()
		if _, err := t.Exec(`DELETE FROM material_chunks WHERE tenant_id = learnd_tenant() AND file_id = $1`, file); err != nil {
			return err
		}
		if _, err := t.Exec(`UPDATE material_files SET text_chars = $2, embedder = $3, processed_at = $4 WHERE tenant_id = learnd_tenant() AND id = $1`,
			file, f.TextChars, f.Embedder, f.ProcessedAt); err != nil {
			return err
		}
		if err := insertChunks(t, f, chunks, vecs); err != nil {
			return err
		}
		return t.Audit("material.process", "material", typeid.Format(MaterialFilePrefix, f.ID), auditMaterial(before), auditMaterial(f))
	})
	if err != nil {
		return MaterialFile{}, fmt.Errorf("reprocess material: %w", err)
	}
	return f, nil
}

// CheckSession answers nil when session exists and belongs to the caller, else
// ErrNotFound (also for another person's session and across tenants).
func (r *MaterialRepo) CheckSession(ctx context.Context, session uuid.UUID) error {
	err := r.st.InTenant(ctx, func(t *store.Tx) error { return ownSession(t, session) })
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
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
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

// scoredChunk is a chunk read for ranking.
type scoredChunk struct {
	chunk    ai.Chunk
	embedder string
	vec      []float32
	rank     float64 // full-text rank; 0 when the query's words do not occur
}

// SessionChunks returns every chunk of the caller's session in document order: files in
// upload order, each file's chunks in order; Ordinal counts from 0 across the session.
// ErrNotFound when the session is not the caller's.
func (r *MaterialRepo) SessionChunks(ctx context.Context, session uuid.UUID) ([]ai.Chunk, error) {
	rows, err := r.load(ctx, session, "", true, false)
	if err != nil {
		return nil, fmt.Errorf("session chunks: %w", err)
	}
	out := make([]ai.Chunk, len(rows))
	for i, c := range rows {
		out[i] = c.chunk
	}
	return out, nil
}

// Retrieve returns at most k (default 8 when k ≤ 0) chunks of the caller's session most
// relevant to query, best first (see the package comment on ranking); an empty query
// returns the first k in document order. ErrNotFound when the session is not the caller's.
func (r *MaterialRepo) Retrieve(ctx context.Context, session uuid.UUID, query string, k int) ([]ai.Chunk, error) {
	return r.retrieve(ctx, session, query, k, true)
}

// RetrieveInTenant is Retrieve over any session of the caller's tenant: for grounding a
// refinement or regeneration of a course generated from session, by a caller whose right
// to edit that course has been checked. ErrNotFound when no such session.
func (r *MaterialRepo) RetrieveInTenant(ctx context.Context, session uuid.UUID, query string, k int) ([]ai.Chunk, error) {
	return r.retrieve(ctx, session, query, k, false)
}

// Retriever is Retrieve bound to the caller's session, as an ai.Retriever.
func (r *MaterialRepo) Retriever(session uuid.UUID) ai.Retriever {
	return func(ctx context.Context, query string, k int) ([]ai.Chunk, error) {
		return r.Retrieve(ctx, session, query, k)
	}
}

// TenantRetriever is RetrieveInTenant bound to session, as an ai.Retriever.
func (r *MaterialRepo) TenantRetriever(session uuid.UUID) ai.Retriever {
	return func(ctx context.Context, query string, k int) ([]ai.Chunk, error) {
		return r.RetrieveInTenant(ctx, session, query, k)
	}
}

func (r *MaterialRepo) retrieve(ctx context.Context, session uuid.UUID, query string, k int, ownerOnly bool) ([]ai.Chunk, error) {
	if k <= 0 {
		k = defaultRetrieveLimit
	}
	e := embedderOf(r.st)
	var qv []float32
	if strings.TrimSpace(query) != "" {
		vecs, err := e.Embed(ctx, []string{query})
		if err != nil {
			return nil, fmt.Errorf("retrieve: embed the query: %w", err)
		}
		if len(vecs) == 1 {
			qv = vecs[0]
		}
	}
	rows, err := r.load(ctx, session, query, ownerOnly, qv != nil)
	if err != nil {
		return nil, fmt.Errorf("retrieve: %w", err)
	}
	return rank(rows, e.Name(), qv, k), nil
}

// rank fuses the full-text and embedding rankings by reciprocal rank; ties (and an empty
// query) keep document order.
func rank(rows []scoredChunk, embedder string, qv []float32, k int) []ai.Chunk {
	score := make([]float64, len(rows))
	order := func(key func(i int) float64) {
		idx := make([]int, 0, len(rows))
		for i := range rows {
			if key(i) > 0 {
				idx = append(idx, i)
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return key(idx[a]) > key(idx[b]) })
		for pos, i := range idx {
			score[i] += 1 / (retrieveRRFConstant + float64(pos+1))
		}
	}
	order(func(i int) float64 { return rows[i].rank })
	if qv != nil {
		order(func(i int) float64 {
			if rows[i].embedder != embedder {
				return 0
			}
			return embed.Cosine(rows[i].vec, qv)
		})
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return score[idx[a]] > score[idx[b]] })
	out := make([]ai.Chunk, 0, min(k, len(rows)))
	for _, i := range idx[:min(k, len(idx))] {
		out = append(out, rows[i].chunk)
	}
	return out
}

// tsQuery turns free text into an OR of its words for to_tsquery (letters and digits
// only, so the query cannot be malformed).
func tsQuery(q string) string {
	words := strings.FieldsFunc(q, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	seen := map[string]bool{}
	var out []string
	for _, w := range words {
		w = strings.ToLower(w)
		if len([]rune(w)) < 2 || len(w) > 64 || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == 64 {
			break
		}
	}
	return strings.Join(out, " | ")
}

// load reads a session's chunks in document order with their full-text rank for query
// (and their vectors when withVectors).
func (r *MaterialRepo) load(ctx context.Context, session uuid.UUID, query string, ownerOnly, withVectors bool) ([]scoredChunk, error) {
	var out []scoredChunk
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		if ownerOnly {
			if err := ownSession(t, session); err != nil {
				return err
			}
		} else {
			var one int
			err := t.QueryRow(`SELECT 1 FROM material_sessions WHERE tenant_id = learnd_tenant() AND id = $1`, session).Scan(&one)
			if errors.Is(err, pgx.ErrNoRows) {
				return store.ErrNotFound
			}
			if err != nil {
				return err
			}
		}
		vec := `NULL::real[]`
		if withVectors {
			vec = `c.embedding`
		}
		rankSQL := `0::float8`
		args := []any{session}
		if q := tsQuery(query); q != "" {
			rankSQL = `ts_rank_cd(c.tsv, to_tsquery('english'::regconfig, $2))::float8`
			args = append(args, q)
		}
		rows, err := t.Query(`SELECT c.id, f.filename, c.heading, c.body, c.embedder, `+vec+`, `+rankSQL+`
FROM material_chunks c JOIN material_files f ON f.tenant_id = c.tenant_id AND f.id = c.file_id
WHERE c.tenant_id = learnd_tenant() AND c.session_id = $1
ORDER BY f.created_at, f.id, c.ordinal`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c scoredChunk
			if err := rows.Scan(&c.chunk.ID, &c.chunk.Source, &c.chunk.Heading, &c.chunk.Text, &c.embedder, &c.vec, &c.rank); err != nil {
				return err
			}
			c.chunk.Ordinal = len(out)
			out = append(out, c)
		}
		return rows.Err()
	})
	return out, err
}

// ChunksByID returns the chunks with the given ids in the caller's tenant (any session),
// in the order of ids; unknown ids are skipped. Ordinal is the chunk's position in its
// session. For the context of a regenerated question (QuizQuestion.SourceChunkID).
func (r *MaterialRepo) ChunksByID(ctx context.Context, ids []uuid.UUID) ([]ai.Chunk, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	byID := map[uuid.UUID]ai.Chunk{}
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		rows, err := t.Query(`SELECT id, filename, heading, body, ord FROM (
  SELECT c.id, f.filename, c.heading, c.body, c.session_id,
    (row_number() OVER (PARTITION BY c.session_id ORDER BY f.created_at, f.id, c.ordinal) - 1)::int AS ord
  FROM material_chunks c JOIN material_files f ON f.tenant_id = c.tenant_id AND f.id = c.file_id
  WHERE c.tenant_id = learnd_tenant() AND c.session_id IN (
    SELECT session_id FROM material_chunks WHERE tenant_id = learnd_tenant() AND id = ANY($1))
) s WHERE id = ANY($1)`, ids)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c ai.Chunk
			if err := rows.Scan(&c.ID, &c.Source, &c.Heading, &c.Text, &c.Ordinal); err != nil {
				return err
			}
			byID[c.ID] = c
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("chunks by id: %w", err)
	}
	out := make([]ai.Chunk, 0, len(ids))
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}
