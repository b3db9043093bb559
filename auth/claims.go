package auth

// Names of learnd's private claims.
const (
	ClaimTenantID = "tenant_id"
	ClaimAppID    = "app_id"
	ClaimRole     = "role"
	ClaimScope    = "scope"
	ClaimKeyID    = "key_id"    // the API key a token was exchanged for
	ClaimClientID = "client_id" // the OAuth client an access token was granted to (RFC 9068)
)

// Claims is what Issuer.Mint puts into a token besides the registered
// claims (iss, aud, iat, nbf, exp, jti).
type Claims struct {
	TenantID string   // required; 1..64 chars of [A-Za-z0-9_-]
	Subject  string   // person TypeID; the legacy "per-<uuid>" form is canonicalised
	AppID    string   // optional; omitted from the token when ""
	Role     Role     // learner when ""
	Scopes   []string // read, write and/or ai; [read write] when empty
	KeyID    string   // optional API key TypeID (key_…); omitted when ""
}

const (
	maxTenantIDLen = 64
	maxAppIDLen    = 128
)

// validTenantID reports whether s is 1..64 chars of [A-Za-z0-9_-].
func validTenantID(s string) bool {
	if len(s) == 0 || len(s) > maxTenantIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

// validAppID reports whether s is 1..128 visible ASCII characters.
func validAppID(s string) bool {
	if len(s) == 0 || len(s) > maxAppIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
