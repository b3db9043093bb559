package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

var listMaterialResponses = materialResponses[api.ListSourceMaterialsResponseObject]{
	op: "listSourceMaterials",
	badRequest: func(p api.BadRequestApplicationProblemPlusJSONResponse) api.ListSourceMaterialsResponseObject {
		return api.ListSourceMaterials400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: p}
	},
	forbidden: func(p api.ForbiddenApplicationProblemPlusJSONResponse) api.ListSourceMaterialsResponseObject {
		return api.ListSourceMaterials403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: p}
	},
	notFound: func(p api.NotFoundApplicationProblemPlusJSONResponse) api.ListSourceMaterialsResponseObject {
		return api.ListSourceMaterials404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: p}
	},
}

// ListSourceMaterials lists the files of one of the caller's sessions (at most 20: never
// paged) with their chunk counts and headings.
func (s *Server) ListSourceMaterials(ctx context.Context, req api.ListSourceMaterialsRequestObject) (api.ListSourceMaterialsResponseObject, error) {
	if p := aiGate(ctx, false); p != nil {
		return listMaterialResponses.problem(p, 0)
	}
	session, p := materialID(ctx, materials.MaterialSessionPrefix, "sessionId", req.Params.SessionId)
	if p != nil {
		return listMaterialResponses.problem(p, 0)
	}
	files, err := s.materials.Materials().Files(ctx, session)
	if err != nil {
		if p := materialStoreProblem(ctx, session, err); p != nil {
			return listMaterialResponses.problem(p, 0)
		}
		return nil, err
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
