package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// ListKeys lists the caller's API keys (admins and owners: any user's), newest first,
// never with their secrets.
func (s *Server) ListKeys(ctx context.Context, req api.ListKeysRequestObject) (api.ListKeysResponseObject, error) {
	p, _ := auth.FromContext(ctx)
	badRequest := func(pr *api.Problem) api.ListKeysResponseObject {
		return api.ListKeys400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(*pr)}
	}
	if pr := needScope(ctx, false); pr != nil {
		return api.ListKeys403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
	}
	user := p.PersonID
	uid, pr := filterID(ctx, typeid.Person, "userId", req.Params.UserId)
	if pr != nil {
		return badRequest(pr), nil
	}
	if uid != nil && *uid != p.PersonID {
		if pr := requireAdmin(ctx, "listing another user's API keys"); pr != nil {
			return api.ListKeys403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(*pr)}, nil
		}
		user = *uid
	}
	resource := "keys:" + typeid.Format(typeid.Person, user)
	after, pr := v2PageCursor[people.KeyCursor](ctx, s, resource, req.Params.PageToken)
	if pr != nil {
		return badRequest(pr), nil
	}
	page, err := s.people.Keys().List(ctx, user, peopleLimit(req.Params.Limit), after)
	if err != nil {
		return nil, err
	}
	next, err := v2PageToken(ctx, s, resource, page.Next)
	if err != nil {
		return nil, err
	}
	data := make([]api.APIKey, len(page.Items))
	for i := range page.Items {
		data[i] = toAPIKey(&page.Items[i])
	}
	return api.ListKeys200JSONResponse{Data: data, NextPageToken: next, HasMore: next != nil}, nil
}
