package server

import (
	"context"
	"errors"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/internal/pseudonym"
	"github.com/learnd/learnd/store/people"
)

// ResolvePseudonym returns the user behind an alias a pseudonymising key's MCP tool
// results showed. Needs user_view, and a person: never a pseudonymising key, nor an MCP
// session (whose agent the aliases are kept from).
func (s *Server) ResolvePseudonym(ctx context.Context, req api.ResolvePseudonymRequestObject) (api.ResolvePseudonymResponseObject, error) {
	p, _ := auth.FromContext(ctx)
	if err := needPerm(ctx, auth.PermUserView, false); err != nil {
		return nil, err
	}
	if p.Pseudonymised || p.Surface == auth.SurfaceMCP || auth.FromMCPEndpoint(ctx) {
		return nil, fail(newProblem(ctx, kindForbidden, "aliases are resolved only by a person in learnd's UI or API: not with a pseudonymising API key, nor for an MCP session"))
	}
	u, err := s.byAlias(ctx, p, req.Alias)
	if err != nil {
		return nil, about(err, "alias "+req.Alias)
	}
	return api.ResolvePseudonym200JSONResponse(toAPIUser(u)), nil
}

// byAlias is the user of the caller's tenant behind alias (in any of its forms); a
// malformed alias is a 400 naming the parameter, an unknown one store.ErrNotFound.
func (s *Server) byAlias(ctx context.Context, p auth.Principal, alias string) (*people.User, error) {
	code, ok := pseudonym.Parse(alias)
	if !ok {
		return nil, fail(withFields(newProblem(ctx, kindBadRequest, "the request is malformed: alias is not an alias"),
			[]api.FieldError{{Parameter: ptr("alias"), Detail: "must be an alias such as Learner 4F7K2Q9X, learner-4f7k2q9x@" + pseudonym.Domain + " or 4F7K2Q9X"}}))
	}
	if len(s.cfg.PseudonymKey) == 0 {
		return nil, errors.New("resolve alias: no pseudonym key configured")
	}
	key := pseudonym.Key(s.cfg.PseudonymKey)
	return s.people.Users().ByPseudonym(ctx, func(id uuid.UUID) bool { return key.Code(p.TenantID, id) == code })
}
