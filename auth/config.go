package auth

import "time"

// Defaults applied to a zero Config field.
const (
	DefaultIssuer   = "learnd"
	DefaultAudience = "learnd-api"
	DefaultLeeway   = 30 * time.Second
)

// jwksMinRefresh is the shortest interval between JWKS refreshes.
const jwksMinRefresh = 5 * time.Minute

// Config configures both the Issuer and the Verifier.
type Config struct {
	// Issuer is the iss learnd mints and the Verifier requires.
	Issuer string
	// Audience is the aud learnd mints and the Verifier requires.
	Audience string

	// SigningKeyFile is a PEM file holding learnd's EC P-256 private key
	// (PKCS#8 "PRIVATE KEY" or SEC 1 "EC PRIVATE KEY").
	SigningKeyFile string
	// SigningKeyPEM is the same key inline; it wins over SigningKeyFile.
	SigningKeyPEM string
	// GenerateIfMissing creates a fresh ES256 key in SigningKeyFile (mode
	// 0600, parent directory 0700) when the file does not exist. With no
	// file and no inline key it makes an in-memory key.
	GenerateIfMissing bool

	// JWKSURL is an external identity provider's JWK Set; it is fetched
	// once at start and refreshed in the background (at most every 5m).
	JWKSURL string
	// PublicKeyFiles are PEM public keys (or certificates) of external
	// issuers whose tokens are accepted too.
	PublicKeyFiles []string

	// Leeway is the clock skew allowed on exp, nbf and iat.
	Leeway time.Duration

	// VerifiedCache is how many checked token signatures the Verifier remembers (by the
	// token's SHA-256, for at most 5 minutes, forgotten when the key set changes), so a
	// token sent again skips the ECDSA check; its claims are checked every time. 0 means
	// DefaultVerifiedCache; a negative value checks every signature.
	VerifiedCache int
}

func (c Config) withDefaults() Config {
	if c.Issuer == "" {
		c.Issuer = DefaultIssuer
	}
	if c.Audience == "" {
		c.Audience = DefaultAudience
	}
	if c.Leeway == 0 {
		c.Leeway = DefaultLeeway
	}
	return c
}
