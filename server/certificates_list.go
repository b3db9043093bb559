package server

import (
	"context"
	"fmt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// ListUserCertificates lists a user's certificates, optionally only those expiring soon
// (list_certificates): user_view, or the user themself.
func (s *Server) ListUserCertificates(ctx context.Context, req api.ListUserCertificatesRequestObject) (api.ListUserCertificatesResponseObject, error) {
	out, f, err := s.listCertificates(ctx, req)
	if err != nil {
		return nil, err
	}
	if f == nil {
		return api.ListUserCertificates200JSONResponse(out), nil
	}
	switch f.status {
	case 400:
		return api.ListUserCertificates400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: api.BadRequestApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 403:
		return api.ListUserCertificates403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: api.ForbiddenApplicationProblemPlusJSONResponse(f.problem)}, nil
	case 404:
		return api.ListUserCertificates404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: api.NotFoundApplicationProblemPlusJSONResponse(f.problem)}, nil
	}
	return nil, fmt.Errorf("list user certificates: unexpected status %d", f.status)
}

func (s *Server) listCertificates(ctx context.Context, req api.ListUserCertificatesRequestObject) (api.CertificateList, *asgFailure, error) {
	var zero api.CertificateList
	user, f := asgPathID(ctx, typeid.Person, "userId", req.UserId)
	if f != nil {
		return zero, f, nil
	}
	if asgIsSelf(ctx, user) {
		f = asgDenied(needScope(ctx, false))
	} else {
		f = asgDenied(needPerm(ctx, auth.PermUserView, false))
	}
	if f != nil {
		return zero, f, nil
	}
	certs, err := s.assignments.ListCertificates(ctx, user, req.Params.ExpiringWithin)
	if err != nil {
		f, err := asgClassify(ctx, err, "user "+req.UserId+" not found")
		return zero, f, err
	}
	out := api.CertificateList{Data: make([]api.Certificate, len(certs))}
	for i, c := range certs {
		out.Data[i] = toAPICertificate(c)
	}
	return out, nil, nil
}
