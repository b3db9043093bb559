package materials

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/ai/chunk"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

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
