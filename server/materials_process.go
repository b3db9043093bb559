package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/materials"
)

// ProcessSourceMaterial makes sure a session's files (or the one fileId names) are
// chunked and embedded with the server's current embedder, re-extracting from the stored
// bytes those that are not (audited "material.process"), and reports the named file or the
// session's latest upload. It never counts against the AI quota: uploads are processed when
// they arrive, so the upload_source_material tool's upload-then-process is one call.
func (s *Server) ProcessSourceMaterial(ctx context.Context, req api.ProcessSourceMaterialRequestObject) (api.ProcessSourceMaterialResponseObject, error) {
	if err := aiGate(ctx, true); err != nil {
		return nil, err
	}
	session, err := materialID(ctx, materials.MaterialSessionPrefix, "sessionId", req.Body.SessionId)
	if err != nil {
		return nil, err
	}
	var fileID *uuid.UUID
	if req.Body.FileId != nil {
		id, err := materialID(ctx, materials.MaterialFilePrefix, "fileId", *req.Body.FileId)
		if err != nil {
			return nil, err
		}
		fileID = &id
	}
	mat := s.materials.Materials()
	files, err := mat.Files(ctx, session)
	if err != nil {
		return nil, aboutSession(err, session)
	}
	target := -1
	for i, f := range files {
		if fileID == nil || f.ID == *fileID {
			target = i // the named file, or the latest upload
		}
	}
	if target < 0 {
		return nil, fail(newProblem(ctx, kindNotFound, "file "+*req.Body.FileId+" not found in session "+req.Body.SessionId))
	}
	current := s.materials.Embedder().Name()
	processed := false
	for i, f := range files {
		if (fileID != nil && i != target) || (f.Chunks > 0 && f.Embedder == current) {
			continue
		}
		_, data, err := mat.Content(ctx, session, f.ID)
		if err != nil {
			return nil, aboutSession(err, session)
		}
		ex, err := s.extractMaterial(ctx, data)
		if err != nil {
			return nil, err
		}
		if _, err := mat.Reprocess(ctx, session, f.ID, ex.chars, ex.chunks); err != nil {
			return nil, aboutSession(err, session)
		}
		processed = true
	}
	if processed {
		if files, err = mat.Files(ctx, session); err != nil {
			return nil, err
		}
	}
	f := files[target]
	verb := "Processed"
	if processed {
		verb = "Re-processed"
	}
	return api.ProcessSourceMaterial200JSONResponse(toAPISourceMaterialResult(f, files, &processed, materialMessage(verb, f, files))), nil
}
