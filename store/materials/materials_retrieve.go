package materials

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/embed"
	"github.com/learnd/learnd/store"
)

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
	err := r.st.Read(ctx, func(t *store.Tx) error {
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
	err := r.st.Read(ctx, func(t *store.Tx) error {
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
