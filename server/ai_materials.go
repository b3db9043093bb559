package server

// Source materials in the AI endpoints: the session a generation names (the caller's own),
// and the chunks that ground a refinement or a regeneration of a course generated from
// files (any co-editor of the course may ask for those, so they are read tenant-wide, once
// the caller's right to edit the course has been checked).

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// aiContextChunks is how many chunks ground a regenerated question or lesson brief.
const aiContextChunks = 4

// aiSession parses a generation's sessionId and checks the caller owns that session: 404
// otherwise (also for a malformed id, another person's session and another tenant's).
func (s *Server) aiSession(ctx context.Context, raw string) (*uuid.UUID, error) {
	id, err := typeid.Parse(materials.MaterialSessionPrefix, raw)
	if err != nil { // a malformed id names no session
		err = store.ErrNotFound
	} else {
		err = s.materials.Materials().CheckSession(ctx, id)
	}
	if err != nil {
		return nil, describeCode(err, store.ErrNotFound, "session_not_found",
			"source-material session "+raw+" not found: upload a file first and use the sessionId it returns")
	}
	return &id, nil
}

// aiSource is what grounds a refinement or a regeneration of a course: a retriever over
// the session it was generated from (nil when it was generated from a prompt alone, or
// not generated) and the language its generation asked for ("" when none was asked).
type aiSource struct {
	retrieve ai.Retriever
	language string
}

func (s *Server) aiSource(ctx context.Context, course uuid.UUID) (aiSource, error) {
	o, err := s.materials.Generations().OriginOf(ctx, course)
	if err != nil {
		return aiSource{}, err
	}
	src := aiSource{language: o.Language}
	if o.Session != nil {
		src.retrieve = s.materials.Materials().TenantRetriever(*o.Session)
	}
	return src, nil
}

// questionContext grounds a question's rewrite: the chunk it was drawn from, when it
// records one, else the session's chunks most relevant to it.
func (s *Server) questionContext(ctx context.Context, src aiSource, q *courses.QuizQuestion) ([]ai.Chunk, error) {
	if q.SourceChunkID != nil {
		chunks, err := s.materials.Materials().ChunksByID(ctx, []uuid.UUID{*q.SourceChunkID})
		if err != nil || len(chunks) > 0 {
			return chunks, err
		}
	}
	var b strings.Builder
	b.WriteString(q.Text)
	for _, o := range q.Options {
		if o.Correct {
			b.WriteString(" " + o.Text)
		}
	}
	return src.chunks(ctx, b.String())
}

// lessonContext grounds a brief's rewrite: the session's chunks most relevant to it.
func (src aiSource) lessonContext(ctx context.Context, b ai.Brief) ([]ai.Chunk, error) {
	return src.chunks(ctx, strings.Join(append([]string{b.Topic, b.Title, b.Description}, b.KeyPoints...), " "))
}

func (src aiSource) chunks(ctx context.Context, query string) ([]ai.Chunk, error) {
	if src.retrieve == nil {
		return nil, nil
	}
	chunks, err := src.retrieve(ctx, query, aiContextChunks)
	if errors.Is(err, store.ErrNotFound) { // the session is gone: no grounding
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("retrieve source chunks: %w", err)
	}
	return chunks, nil
}
