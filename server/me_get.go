package server

import (
	"context"
	"errors"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
)

// GetMe returns the caller: user, role, tenant, key, scopes, licence and the role's
// permissions (learnd's MCP server decides from it which tools a key sees). Any caller
// with the read scope; a caller without a user row gets null name and email.
func (s *Server) GetMe(ctx context.Context, _ api.GetMeRequestObject) (api.GetMeResponseObject, error) {
	if err := needScope(ctx, false); err != nil {
		return nil, err
	}
	p, _ := auth.FromContext(ctx)
	var u *people.User
	if p.Known {
		var err error
		u, err = s.people.Users().Get(ctx, p.PersonID)
		if err != nil && !errors.Is(err, store.ErrNotFound) { // deleted since authentication: answer as unknown
			return nil, err
		}
	}
	return api.GetMe200JSONResponse(toAPIMe(p, u)), nil
}
