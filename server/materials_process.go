package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/materials"
)

var processResponses = materialResponses[api.ProcessSourceMaterialResponseObject]{
	op: "processSourceMaterial",
	badRequest: func(p api.BadRequestApplicationProblemPlusJSONResponse) api.ProcessSourceMaterialResponseObject {
		return api.ProcessSourceMaterial400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: p}
	},
	forbidden: func(p api.ForbiddenApplicationProblemPlusJSONResponse) api.ProcessSourceMaterialResponseObject {
		return api.ProcessSourceMaterial403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: p}
	},
	notFound: func(p api.NotFoundApplicationProblemPlusJSONResponse) api.ProcessSourceMaterialResponseObject {
		return api.ProcessSourceMaterial404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: p}
	},
	invalid: func(p api.UnprocessableEntityApplicationProblemPlusJSONResponse) api.ProcessSourceMaterialResponseObject {
		return api.ProcessSourceMaterial422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: p}
	},
	unavailable: func(p api.SourceMaterialUnavailableApplicationProblemPlusJSONResponse) api.ProcessSourceMaterialResponseObject {
		return api.ProcessSourceMaterial503ApplicationProblemPlusJSONResponse{SourceMaterialUnavailableApplicationProblemPlusJSONResponse: p}
	},
}

// ProcessSourceMaterial makes sure a session's files (or the one fileId names) are
// chunked and embedded with the server's current embedder, re-extracting from the stored
// bytes those that are not (audited "material.process"), and reports the named file or the
// session's latest upload. It never counts against the AI quota: uploads are processed when
// they arrive, so the upload_source_material tool's upload-then-process is one call.
func (s *Server) ProcessSourceMaterial(ctx context.Context, req api.ProcessSourceMaterialRequestObject) (api.ProcessSourceMaterialResponseObject, error) {
	if p := aiGate(ctx, true); p != nil {
		return processResponses.problem(p, 0)
	}
	session, p := materialID(ctx, materials.MaterialSessionPrefix, "sessionId", req.Body.SessionId)
	if p != nil {
		return processResponses.problem(p, 0)
	}
	var fileID *uuid.UUID
	if req.Body.FileId != nil {
		id, p := materialID(ctx, materials.MaterialFilePrefix, "fileId", *req.Body.FileId)
		if p != nil {
			return processResponses.problem(p, 0)
		}
		fileID = &id
	}
	mat := s.materials.Materials()
	files, err := mat.Files(ctx, session)
	if err != nil {
		if p := materialStoreProblem(ctx, session, err); p != nil {
			return processResponses.problem(p, 0)
		}
		return nil, err
	}
	target := -1
	for i, f := range files {
		if fileID == nil || f.ID == *fileID {
			target = i // the named file, or the latest upload
		}
	}
	if target < 0 {
		p := newProblem(ctx, kindNotFound, "file "+*req.Body.FileId+" not found in session "+req.Body.SessionId)
		return processResponses.problem(&p, 0)
	}
	current := s.materials.Embedder().Name()
	processed := false
	for i, f := range files {
		if (fileID != nil && i != target) || (f.Chunks > 0 && f.Embedder == current) {
			continue
		}
		_, data, err := mat.Content(ctx, session, f.ID)
		if err != nil {
			if p := materialStoreProblem(ctx, session, err); p != nil {
				return processResponses.problem(p, 0)
			}
			return nil, err
		}
		ex, p, err := s.extractMaterial(ctx, data)
		if err != nil {
			return nil, err
		}
		if p != nil {
			return processResponses.problem(p, 0)
		}
		if _, err := mat.Reprocess(ctx, session, f.ID, ex.chars, ex.chunks); err != nil {
			if p := materialStoreProblem(ctx, session, err); p != nil {
				return processResponses.problem(p, 0)
			}
			return nil, err
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
