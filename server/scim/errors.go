package scim

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	scimerr "github.com/elimity-com/scim/errors"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
)

// toSCIMError turns a domain error into SCIM's error (RFC 7644 3.12): the one mapper of
// this surface, as problemFor is the API's. Anything unexpected is logged and answered
// 500 without its text.
func toSCIMError(ctx context.Context, log *slog.Logger, err error, what string) error {
	var se scimerr.ScimError
	var ve *store.ValidationError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &se):
		return se
	case errors.Is(err, store.ErrNotFound):
		return scimerr.ScimErrorResourceNotFound(what)
	case errors.Is(err, people.ErrEmailTaken):
		return scimerr.ScimError{Status: http.StatusConflict, ScimType: scimerr.ScimTypeUniqueness,
			Detail: "userName: another user of the tenant has this email address."}
	case errors.Is(err, people.ErrUserNameTaken):
		return scimerr.ScimError{Status: http.StatusConflict, ScimType: scimerr.ScimTypeUniqueness,
			Detail: "userName: another user of the tenant has this userName."}
	case errors.Is(err, people.ErrExternalIDTaken):
		return scimerr.ScimError{Status: http.StatusConflict, ScimType: scimerr.ScimTypeUniqueness,
			Detail: "externalId: another resource of the tenant has this external id."}
	case errors.Is(err, people.ErrUnsupportedFilter):
		e := scimerr.ScimErrorInvalidFilter
		e.Detail = err.Error()
		return e
	case errors.Is(err, people.ErrOwnerProvisioning):
		return scimerr.ScimError{Status: http.StatusForbidden,
			Detail: "Owners are managed in learnd: provisioning cannot deactivate, delete or change the e-mail address of an owner."}
	case errors.Is(err, people.ErrAnonymised):
		return scimerr.ScimError{Status: http.StatusBadRequest, ScimType: scimerr.ScimTypeMutability,
			Detail: "active: the user was anonymised in learnd and cannot be reactivated."}
	case errors.As(err, &ve):
		return scimerr.ScimError{Status: http.StatusBadRequest, ScimType: scimerr.ScimTypeInvalidValue, Detail: ve.Error()}
	}
	log.ErrorContext(ctx, "scim", "err", err)
	return scimerr.ScimErrorInternal
}
