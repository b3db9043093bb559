package server

import (
	"context"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// RevokeSCIMToken revokes a SCIM token from its next request. Owners only.
func (s *Server) RevokeSCIMToken(ctx context.Context, req api.RevokeSCIMTokenRequestObject) (api.RevokeSCIMTokenResponseObject, error) {
	if err := needScope(ctx, true); err != nil {
		return nil, err
	}
	if err := requireOwner(ctx, "revoking a SCIM token"); err != nil {
		return nil, err
	}
	id, err := pathID(ctx, typeid.SCIMToken, "tokenId", req.TokenId)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.people.SCIMTokens().Revoke(ctx, id); err != nil {
		return nil, about(err, "SCIM token "+req.TokenId)
	}
	return api.RevokeSCIMToken204Response{}, nil
}
