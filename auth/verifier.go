package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"
)

// maxTokenLen bounds the work an oversized bearer token can cause.
const maxTokenLen = 8 << 10

// Verifier checks bearer tokens against learnd's own key, PEM public keys
// of external issuers and an external JWKS URL.
type Verifier struct {
	static   *keyring
	local    *verifyKey  // learnd's own key; nil without one
	remote   *remoteKeys // nil without a JWKS URL
	issuer   string
	audience string
	leeway   time.Duration
	verified *verified // signatures already checked; nil when Config.VerifiedCache < 0
}

// NewVerifier builds a Verifier from cfg. local, when not nil, is learnd's
// own issuer. With cfg.JWKSURL set, the set is fetched before NewVerifier
// returns and refreshed in the background until ctx ends or Close is
// called.
func NewVerifier(ctx context.Context, cfg Config, local *Issuer) (*Verifier, error) {
	cfg = cfg.withDefaults()
	if cfg.Leeway < 0 {
		return nil, fmt.Errorf("verifier: negative leeway %s", cfg.Leeway)
	}
	static := newKeyring()
	if local != nil {
		if err := static.add(local.pub, true); err != nil {
			return nil, fmt.Errorf("verifier: local key: %w", err)
		}
	}
	for _, path := range cfg.PublicKeyFiles {
		if err := addPublicKeyFile(static, path); err != nil {
			return nil, fmt.Errorf("verifier: public key %s: %w", path, err)
		}
	}
	v := &Verifier{
		static:   static,
		local:    localKey(local),
		issuer:   cfg.Issuer,
		audience: cfg.Audience,
		leeway:   cfg.Leeway,
		verified: newVerified(cfg.VerifiedCache),
	}
	if cfg.JWKSURL != "" {
		rk, err := newRemoteKeys(ctx, cfg.JWKSURL, static)
		if err != nil {
			return nil, fmt.Errorf("verifier: %w", err)
		}
		v.remote = rk
	} else if static.len() == 0 {
		return nil, errors.New("verifier: no keys configured")
	}
	return v, nil
}

func addPublicKeyFile(r *keyring, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	raws, err := parsePublicKeysPEM(data)
	if err != nil {
		return err
	}
	for _, raw := range raws {
		k, err := verifyKeyFromRaw(raw)
		if err != nil {
			return err
		}
		if err := r.add(k, false); err != nil {
			return err
		}
	}
	return nil
}

// Close stops the background JWKS refresh, if any.
func (v *Verifier) Close(ctx context.Context) error {
	if v.remote == nil {
		return nil
	}
	return v.remote.close(ctx)
}

// KeySet returns the public keys Verify currently accepts, each with kid
// (when known), alg and use=sig; with a JWKS URL it is a snapshot. Treat it
// as read-only. The equivalent bare-jwx check is
//
//	jwt.Parse(tok, jwt.WithKeySet(v.KeySet()), jwt.WithIssuer(iss),
//		jwt.WithAudience(aud), jwt.WithRequiredClaim(jwt.ExpirationKey),
//		jwt.WithAcceptableSkew(leeway))
//
// which Verify performs (plus learnd's claim rules) without jwt.Parse: it
// looks the key up by kid, checks the signature with jws.VerifyCompactFast
// and decodes the payload once.
func (v *Verifier) KeySet() jwk.Set { return v.keys().set }

func (v *Verifier) keys() *keyring {
	if v.remote != nil {
		return v.remote.ring()
	}
	return v.static
}

func localKey(i *Issuer) *verifyKey {
	if i == nil {
		return nil
	}
	return i.pub
}

// Verify checks token's signature, registered claims and learnd claims and
// returns the caller. Every failure wraps ErrInvalidToken. When ctx names a
// Resource (WithResource), the token must be one learnd's authorization server
// granted for it: signed by learnd's key, with the resource's issuer and
// audience; the principal then carries the client it was granted to.
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	res, forResource := ResourceFrom(ctx)
	buf, alg, kid, err := splitToken(token)
	if err != nil {
		return Principal{}, err
	}
	iss, aud := v.issuer, v.audience
	var raw []byte
	if forResource {
		if v.local == nil || alg != v.local.alg || (kid != "" && kid != v.local.kid) {
			return Principal{}, errResourceKey
		}
		raw, err = v.verified.check('r', buf, nil, func() ([]byte, error) { return verifyWith(v.local, buf) })
		iss, aud = res.Issuer, res.Audience
	} else {
		ring := v.keys()
		raw, err = v.verified.check('k', buf, ring, func() ([]byte, error) { return ring.verify(buf, kid, alg) })
	}
	if err != nil {
		return Principal{}, err
	}
	claims, err := decodePayload(raw)
	if err != nil {
		return Principal{}, err
	}
	if err := claims.checkRegistered(iss, aud, v.leeway, time.Now()); err != nil {
		return Principal{}, err
	}
	p, err := claims.principal()
	if err != nil {
		return Principal{}, err
	}
	if forResource {
		if !claims.clientID.ok || claims.clientID.v == "" {
			return Principal{}, errMissingClient
		}
		p.ClientID = claims.clientID.v
	}
	return p, nil
}

// splitToken bounds a compact JWS and reads its header's alg (one learnd allows) and kid.
func splitToken(token string) (buf []byte, alg jwa.SignatureAlgorithm, kid string, err error) {
	switch {
	case token == "":
		return nil, alg, "", errEmpty
	case len(token) > maxTokenLen:
		return nil, alg, "", errTooLarge
	}
	buf = []byte(token)
	hdr, _, _, err := jwsbb.SplitCompact(buf)
	if err != nil {
		return nil, alg, "", errMalformed
	}
	h := jwsbb.HeaderParseCompact(hdr)
	algName, err := jwsbb.HeaderGetString(h, "alg")
	if err != nil {
		if errors.Is(err, jwsbb.ErrHeaderNotFound()) {
			return nil, alg, "", errNoAlg
		}
		return nil, alg, "", errMalformed
	}
	alg, ok := allowedAlg(algName)
	if !ok {
		return nil, alg, "", invalidf("alg %.16q not allowed", algName)
	}
	kid, err = jwsbb.HeaderGetString(h, "kid")
	if err != nil && !errors.Is(err, jwsbb.ErrHeaderNotFound()) {
		return nil, alg, "", errMalformed
	}
	return buf, alg, kid, nil
}
