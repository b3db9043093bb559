package authserver

import (
	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/learnd/learnd/auth"
)

// signingKey signs zitadel's tokens with learnd's own key (auth.Issuer), whose
// signatures learnd's Verifier accepts (low s, auth/lows.go): the private key never
// leaves package auth.
type signingKey struct{ iss *auth.Issuer }

var (
	_ op.SigningKey     = signingKey{}
	_ op.Key            = publicKey{}
	_ jose.OpaqueSigner = opaque{}
)

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k signingKey) Key() any                                    { return opaque(k) }
func (k signingKey) ID() string                                  { return k.iss.KeyID() }

// opaque is the go-jose signer of signingKey.
type opaque struct{ iss *auth.Issuer }

func (o opaque) Public() *jose.JSONWebKey {
	return &jose.JSONWebKey{Key: o.iss.PublicKey(), KeyID: o.iss.KeyID(), Algorithm: string(jose.ES256), Use: "sig"}
}
func (o opaque) Algs() []jose.SignatureAlgorithm { return []jose.SignatureAlgorithm{jose.ES256} }
func (o opaque) SignPayload(payload []byte, _ jose.SignatureAlgorithm) ([]byte, error) {
	return o.iss.SignES256(payload)
}

// publicKey is learnd's public signing key as zitadel's key set lists it.
type publicKey struct{ iss *auth.Issuer }

func (k publicKey) ID() string                         { return k.iss.KeyID() }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.ES256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.iss.PublicKey() }
