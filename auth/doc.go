// Package auth is learnd's identity layer: it mints and verifies the bearer
// JWTs that carry a caller's tenant, person, optional application, role and
// scopes, and exposes the verified caller to handlers as a Principal.
//
// learnd is a token issuer of its own (ES256, key id = RFC 7638 thumbprint,
// public keys served as a JWK Set) and also accepts tokens from external
// issuers whose public keys come from PEM files or a JWKS URL. Verification
// pins algorithms: only ES256, RS256 and EdDSA are accepted, and only the
// algorithm the matching key declares (or, for a key that declares none, the
// single one its type implies).
package auth
