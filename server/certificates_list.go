package server

import (
	"context"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// ListUserCertificates lists a user's certificates, optionally only those expiring soon
// (list_certificates): user_view, or the user themself.
func (s *Server) ListUserCertificates(ctx context.Context, req api.ListUserCertificatesRequestObject) (api.ListUserCertificatesResponseObject, error) {
	user, err := pathID(ctx, typeid.Person, "userId", req.UserId)
	if err != nil {
		return nil, err
	}
	if isCaller(ctx, user) {
		err = needScope(ctx, false)
	} else {
		err = needPerm(ctx, auth.PermUserView, false)
	}
	if err != nil {
		return nil, err
	}
	certs, err := s.assignments.ListCertificates(ctx, user, req.Params.ExpiringWithin)
	if err != nil {
		return nil, detailFirstViolation(about(err, "user "+req.UserId))
	}
	out := api.CertificateList{Data: make([]api.Certificate, len(certs))}
	for i, c := range certs {
		out.Data[i] = toAPICertificate(c)
	}
	return api.ListUserCertificates200JSONResponse(out), nil
}
