package auth

import (
	"errors"
	"fmt"
)

// ErrInvalidToken is wrapped by every Verify failure, with a short reason
// ("invalid token: expired").
var ErrInvalidToken = errors.New("invalid token")

// invalid returns ErrInvalidToken wrapped with reason.
func invalid(reason string) error { return fmt.Errorf("%w: %s", ErrInvalidToken, reason) }

// invalidf is invalid with formatting.
func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidToken}, args...)...)
}

// Reasons Verify fails with.
var (
	errEmpty         = invalid("empty token")
	errTooLarge      = invalid("token too large")
	errMalformed     = invalid("malformed token")
	errNoAlg         = invalid("missing alg")
	errAlgMismatch   = invalid("alg not allowed for key")
	errUnknownKey    = invalid("unknown key")
	errBadSignature  = invalid("bad signature")
	errBadHeader     = invalid("unsupported header")
	errBadClaims     = invalid("malformed claims")
	errExpired       = invalid("expired")
	errNotYetValid   = invalid("not yet valid")
	errIssuedFuture  = invalid("issued in the future")
	errWrongIssuer   = invalid("wrong issuer")
	errWrongAudience = invalid("wrong audience")
	errMissingExp    = invalid("missing exp")
	errBadExp        = invalid("bad exp")
	errBadNbf        = invalid("bad nbf")
	errBadIat        = invalid("bad iat")
	errBadAud        = invalid("bad aud")
	errBadJTI        = invalid("bad jti")
	errMissingSub    = invalid("missing sub")
	errBadSub        = invalid("bad sub")
	errMissingTenant = invalid("missing tenant_id")
	errBadTenant     = invalid("bad tenant_id")
	errBadAppID      = invalid("bad app_id")
	errBadRole       = invalid("bad role")
	errBadScope      = invalid("bad scope")
	errBadKeyID      = invalid("bad key_id")
	errBadClientID   = invalid("bad client_id")
	errMissingClient = invalid("missing client_id")
)
