package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/learnd/learnd/typeid"
)

// Issuer is learnd as a token issuer: it signs ES256 tokens with its own
// key and publishes the public half as a JWK Set.
type Issuer struct {
	issuer   string
	audience string
	key      jwk.Key // private key with kid and alg
	priv     *ecdsa.PrivateKey
	ecPub    *ecdsa.PublicKey
	pub      *verifyKey // its public half, for the Verifier
	jwks     []byte
	now      func() time.Time
}

// NewIssuer loads the ES256 signing key named by cfg (generating it when
// cfg.GenerateIfMissing allows) and derives its key id, the RFC 7638
// thumbprint.
func NewIssuer(cfg Config) (*Issuer, error) {
	cfg = cfg.withDefaults()
	priv, err := loadSigningKey(cfg)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	key, err := jwk.Import(priv)
	if err != nil {
		return nil, fmt.Errorf("signing key: import: %w", err)
	}
	kid, err := thumbprint(key)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	if err := key.Set(jwk.KeyIDKey, kid); err != nil {
		return nil, fmt.Errorf("signing key: set kid: %w", err)
	}
	if err := key.Set(jwk.AlgorithmKey, jwa.ES256()); err != nil {
		return nil, fmt.Errorf("signing key: set alg: %w", err)
	}
	pub, err := newVerifyKey(key)
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	set := jwk.NewSet()
	if err := set.AddKey(pub.pub); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	doc, err := json.Marshal(set)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	return &Issuer{
		issuer:   cfg.Issuer,
		audience: cfg.Audience,
		key:      key,
		priv:     priv,
		ecPub:    &priv.PublicKey,
		pub:      pub,
		jwks:     doc,
		now:      time.Now,
	}, nil
}

// KeyID returns the kid stamped on minted tokens.
func (i *Issuer) KeyID() string { return i.pub.kid }

// JWKS returns the public JWK Set document served at
// /.well-known/jwks.json.
func (i *Issuer) JWKS() ([]byte, error) {
	return append([]byte(nil), i.jwks...), nil
}

// Mint signs a token for c valid for ttl. It returns the compact token and
// its expiry (whole seconds, as in the token).
func (i *Issuer) Mint(c Claims, ttl time.Duration) (string, time.Time, error) {
	if ttl < time.Second {
		return "", time.Time{}, fmt.Errorf("mint: ttl %s too short", ttl)
	}
	if !validTenantID(c.TenantID) {
		return "", time.Time{}, fmt.Errorf("mint: bad tenant id %q", c.TenantID)
	}
	pid, err := typeid.Parse(typeid.Person, c.Subject)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("mint: subject: %w", err)
	}
	if c.AppID != "" && !validAppID(c.AppID) {
		return "", time.Time{}, fmt.Errorf("mint: bad app id %q", c.AppID)
	}
	role := c.Role
	if role == "" {
		role = RoleLearner
	}
	if !role.Valid() {
		return "", time.Time{}, fmt.Errorf("mint: %w %q", ErrUnknownRole, role)
	}
	scopes := c.Scopes
	if len(scopes) == 0 {
		scopes = defaultScopes()
	}
	for _, s := range scopes {
		if !validScope(s) {
			return "", time.Time{}, fmt.Errorf("mint: unknown scope %q", s)
		}
	}

	now := i.now().Truncate(time.Second)
	exp := now.Add(ttl).Truncate(time.Second)
	b := jwt.NewBuilder().
		Issuer(i.issuer).
		Audience([]string{i.audience}).
		Subject(typeid.Format(typeid.Person, pid)).
		IssuedAt(now).
		NotBefore(now).
		Expiration(exp).
		JwtID(uuid.NewString()).
		Claim(ClaimTenantID, c.TenantID).
		Claim(ClaimRole, string(role)).
		Claim(ClaimScope, strings.Join(scopes, " "))
	if c.AppID != "" {
		b = b.Claim(ClaimAppID, c.AppID)
	}
	if c.KeyID != "" {
		if _, err := typeid.Parse(typeid.APIKey, c.KeyID); err != nil {
			return "", time.Time{}, fmt.Errorf("mint: key id: %w", err)
		}
		b = b.Claim(ClaimKeyID, c.KeyID)
	}
	tok, err := b.Build()
	if err != nil {
		return "", time.Time{}, fmt.Errorf("mint: build: %w", err)
	}
	tok.Options().Enable(jwt.FlattenAudience)
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.ES256(), i.key))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("mint: sign: %w", err)
	}
	return string(canonicalES(i.ecPub, signed)), exp, nil
}

// loadSigningKey returns the key from cfg.SigningKeyPEM, else from
// cfg.SigningKeyFile, generating the file (or, with no file, an in-memory
// key) when cfg.GenerateIfMissing is set.
func loadSigningKey(cfg Config) (*ecdsa.PrivateKey, error) {
	if cfg.SigningKeyPEM != "" {
		return parseSigningKeyPEM([]byte(cfg.SigningKeyPEM))
	}
	if cfg.SigningKeyFile == "" {
		if cfg.GenerateIfMissing {
			return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		}
		return nil, errors.New("none configured")
	}
	data, err := os.ReadFile(cfg.SigningKeyFile)
	switch {
	case err == nil:
		k, err := parseSigningKeyPEM(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cfg.SigningKeyFile, err)
		}
		return k, nil
	case errors.Is(err, fs.ErrNotExist) && cfg.GenerateIfMissing:
		return generateSigningKeyFile(cfg.SigningKeyFile)
	default:
		return nil, err
	}
}

// generateSigningKeyFile writes a fresh P-256 key to path (0600, parent
// 0700). If another process created the file first, its key is used.
func generateSigningKeyFile(path string) (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	data, err := encodeSigningKeyPEM(k)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return loadSigningKey(Config{SigningKeyFile: path})
	}
	if err != nil {
		return nil, fmt.Errorf("generate: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return nil, fmt.Errorf("generate: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return nil, fmt.Errorf("generate: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(path)
		return nil, fmt.Errorf("generate: close %s: %w", path, err)
	}
	return k, nil
}
