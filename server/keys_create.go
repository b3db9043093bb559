package server

import (
	"context"
	"slices"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
)

// CreateKey creates an API key for the caller and returns its secret once. Only a user of
// the tenant, authenticated by a token that is not itself an API key's, may; the key's
// scopes cannot exceed the caller's.
func (s *Server) CreateKey(ctx context.Context, req api.CreateKeyRequestObject) (api.CreateKeyResponseObject, error) {
	p, _ := auth.FromContext(ctx)
	forbidden := func(detail string) api.CreateKeyResponseObject {
		return api.CreateKey403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(newProblem(ctx, kindForbidden, detail))}
	}
	if pr := needScope(ctx, true); pr != nil {
		return api.CreateKey403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	switch {
	case p.KeyID != "":
		return forbidden("API keys cannot create API keys; sign in as the user"), nil
	case !p.Known:
		return forbidden("only users of this tenant can create API keys"), nil
	}
	if req.Body == nil {
		return api.CreateKey400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(newProblem(ctx, kindBadRequest, "a request body is required"))}, nil
	}
	in := toModelNewKey(req.Body)
	for _, sc := range in.Scopes {
		if !slices.Contains(p.Scopes, sc) {
			return forbidden("a key cannot have the " + sc + " scope, which your token does not hold"), nil
		}
	}
	k, secret, err := s.people.Keys().Create(ctx, p.PersonID, in)
	if err != nil {
		pr, err := peopleProblem(ctx, err, "key", "")
		if err != nil {
			return nil, err
		}
		if pr.Status == sInvalid {
			return api.CreateKey422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: api.UnprocessableEntityApplicationProblemPlusJSONResponse(*pr)}, nil
		}
		return nil, unexpectedStatus("create key", pr.Status)
	}
	return api.CreateKey201JSONResponse{Body: toAPIKeyCreated(k, secret), Headers: api.CreateKey201ResponseHeaders{CacheControl: ptr("no-store")}}, nil
}
