package server

import (
	"net/http"

	"github.com/learnd/learnd/gen/api"
)

// problemResponses are an operation's typed problem responses, one constructor per status
// it declares; problem answers an expected problem with the one of its status (secs is the
// Retry-After of a 429). A status the operation does not declare is an unexpected error.
type problemResponses[R any] struct {
	op          string
	badRequest  func(api.BadRequestApplicationProblemPlusJSONResponse) R
	forbidden   func(api.ForbiddenApplicationProblemPlusJSONResponse) R
	notFound    func(api.NotFoundApplicationProblemPlusJSONResponse) R
	conflict    func(api.ConflictApplicationProblemPlusJSONResponse) R
	tooLarge    func(api.PayloadTooLargeApplicationProblemPlusJSONResponse) R
	invalid     func(api.UnprocessableEntityApplicationProblemPlusJSONResponse) R
	tooMany     func(api.TooManyRequestsApplicationProblemPlusJSONResponse) R
	badGateway  func(api.GeneratorFailedApplicationProblemPlusJSONResponse) R
	unavailable func(api.SourceMaterialUnavailableApplicationProblemPlusJSONResponse) R
}

func (r problemResponses[R]) problem(p *api.Problem, secs int) (R, error) {
	var zero R
	switch {
	case p.Status == sBadRequest && r.badRequest != nil:
		return r.badRequest(api.BadRequestApplicationProblemPlusJSONResponse(*p)), nil
	case p.Status == sForbidden && r.forbidden != nil:
		return r.forbidden(api.ForbiddenApplicationProblemPlusJSONResponse(*p)), nil
	case p.Status == sNotFound && r.notFound != nil:
		return r.notFound(api.NotFoundApplicationProblemPlusJSONResponse(*p)), nil
	case p.Status == sConflict && r.conflict != nil:
		return r.conflict(api.ConflictApplicationProblemPlusJSONResponse(*p)), nil
	case p.Status == http.StatusRequestEntityTooLarge && r.tooLarge != nil:
		return r.tooLarge(api.PayloadTooLargeApplicationProblemPlusJSONResponse(*p)), nil
	case p.Status == sInvalid && r.invalid != nil:
		return r.invalid(api.UnprocessableEntityApplicationProblemPlusJSONResponse(*p)), nil
	case p.Status == kindRateLimited.status && r.tooMany != nil:
		return r.tooMany(aiTooMany(p, secs)), nil
	case p.Status == kindGeneratorFailed.status && r.badGateway != nil:
		return r.badGateway(api.GeneratorFailedApplicationProblemPlusJSONResponse(*p)), nil
	case p.Status == kindUnavailable.status && r.unavailable != nil:
		return r.unavailable(api.SourceMaterialUnavailableApplicationProblemPlusJSONResponse(*p)), nil
	}
	return zero, unexpectedStatus(r.op, p.Status)
}
