package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// ListSourceMaterials lists the files of one of the caller's sessions (at most 20: never
// paged) with their chunk counts and headings.
func (s *Server) ListSourceMaterials(ctx context.Context, req api.ListSourceMaterialsRequestObject) (api.ListSourceMaterialsResponseObject, error) {
	if err := aiGate(ctx, false); err != nil {
		return nil, err
	}
	session, err := materialID(ctx, materials.MaterialSessionPrefix, "sessionId", req.Params.SessionId)
	if err != nil {
		return nil, err
	}
	files, err := s.materials.Materials().Files(ctx, session)
	if err != nil {
		return nil, aboutSession(err, session)
	}
	nf, nc := sessionTotals(files)
	out := api.ListSourceMaterials200JSONResponse{
		SessionId: typeid.Format(materials.MaterialSessionPrefix, session), FileCount: nf, ChunkCount: nc,
		Data: make([]api.SourceMaterialFile, len(files)),
	}
	for i, f := range files {
		out.Data[i] = toAPISourceMaterialFile(f)
	}
	return out, nil
}
