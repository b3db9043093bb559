package server

// Shared pieces of the source-material handlers (upload_source_material): the upload's
// limits and the extraction pipeline (detect → extract → chunk).
//
// Quota: uploads, process and the listing do not count against the daily AI quota (only
// generate, refine and the two regenerates do); an upload is bounded by its size, the
// per-caller rate limits and the sandbox's cap on concurrent extractions.

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai/chunk"
	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/internal/stages"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

const (
	// sourceMaterialUploadPath is the upload route, which has its own body limit.
	sourceMaterialUploadPath = "/api/v2/chat/source-materials/upload"
	// uploadBodyBytes is that limit: one file of materials.MaxMaterialBytes plus the multipart
	// envelope (boundaries, part headers, the sessionId field).
	uploadBodyBytes = materials.MaxMaterialBytes + 256<<10
	// sourceMaterialTooLarge is the 413's detail.
	sourceMaterialTooLarge = "the file exceeds the 20 MB (20,971,520 bytes) limit of a source material; nothing was stored"
)

// uploadBodyLimit is uploadBodyBytes in the notation of Echo's body limit.
var uploadBodyLimit = fmt.Sprintf("%dKiB", uploadBodyBytes>>10)

// kindUnavailable is a 503: the server cannot read this kind of file now.
var kindUnavailable = problemKind{503, "extractor-unavailable", "Service unavailable", "extractor_unavailable"}

// acceptedTypes names the accepted types for problem details.
const acceptedTypes = "PDF, DOC, DOCX, PNG, JPEG, GIF or WebP"

// materialID parses a ses_/src_ id of a request; a malformed one is a 400 naming field.
func materialID(ctx context.Context, prefix, field, raw string) (uuid.UUID, error) {
	u, err := typeid.Parse(prefix, raw)
	if err != nil {
		return uuid.Nil, fail(withFields(newProblem(ctx, kindBadRequest, field+" must be a "+prefix+"_… id"),
			[]api.FieldError{{Pointer: ptr("/" + field), Detail: "must be a " + prefix + "_… id"}}))
	}
	return u, nil
}

// aboutSession says err was about the caller's source-material session.
func aboutSession(err error, session uuid.UUID) error {
	return describe(err, store.ErrNotFound, "source-material session "+typeid.Format(materials.MaterialSessionPrefix, session)+
		" not found (a session belongs to the person who uploaded into it)")
}

// extracted is a file read by the pipeline.
type extracted struct {
	kind   extract.Kind
	chunks []chunk.Chunk
	chars  int
}

// extractMaterial detects data's type by its content, reads its text and chunks it. A
// refused type is a 422 naming what the file is; a file without text or that cannot be
// read a 422 saying why; a missing program a 503 naming it.
func (s *Server) extractMaterial(ctx context.Context, data []byte) (extracted, error) {
	kind, what := extract.Detect(data)
	if kind == "" {
		p := withCode(newProblem(ctx, kindValidation, "the file is "+what+"; a source material must be a "+acceptedTypes+
			" file (the type is detected from the content, not the name); nothing was stored"), "unsupported_file_type")
		return extracted{}, fail(withFields(p, []api.FieldError{{Pointer: ptr("/file"), Detail: "detected " + what}}))
	}
	doc, err := s.cfg.Extractor.Extract(ctx, kind, data)
	if err != nil {
		return extracted{}, err // the extractor's refusals are problems of their own
	}
	stages.Report(ctx, "chunking")
	chunks := chunk.Split(doc.Blocks)
	if len(chunks) == 0 {
		return extracted{}, fail(withCode(newProblem(ctx, kindValidation, "the "+kind.Label()+" contains no text; nothing was stored"), "no_text"))
	}
	if len(chunks) > materials.MaxMaterialChunks {
		return extracted{}, materials.ErrTooMuchText
	}
	chars := 0
	for _, c := range chunks {
		chars += len([]rune(c.Text))
	}
	return extracted{kind: kind, chunks: chunks, chars: chars}, nil
}

// sessionTotals counts a session's files and chunks.
func sessionTotals(files []materials.MaterialFile) (int, int) {
	n := 0
	for _, f := range files {
		n += f.Chunks
	}
	return len(files), n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// materialMessage is the result's message: what the file gave and what to do next.
func materialMessage(verb string, f materials.MaterialFile, files []materials.MaterialFile) string {
	nf, nc := sessionTotals(files)
	session := typeid.Format(materials.MaterialSessionPrefix, f.SessionID)
	heads := ""
	if len(f.Headings) > 0 {
		h := f.Headings
		if len(h) > 5 {
			h = append(append([]string{}, h[:5]...), "…")
		}
		heads = "; sections: " + strings.Join(h, ", ")
	}
	return fmt.Sprintf("%s %s (%s, %s%s); the session holds %s and %s. Use sessionId %s with create_course_from_files (POST /api/v2/ai/courses/generate), or upload more files with the same sessionId.",
		verb, f.Filename, extract.Kind(f.Kind).Label(), plural(f.Chunks, "chunk", "chunks"), heads,
		plural(nf, "file", "files"), plural(nc, "chunk", "chunks"), session)
}
