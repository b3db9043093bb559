package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"math/big"
)

// Resource is a protected resource of learnd's own OAuth 2.1 authorization server (the
// MCP endpoint): the access tokens it grants name Issuer (the authorization server's
// issuer identifier, learnd's public URL) as iss and Audience (the resource's URL, RFC
// 8707) as aud, are signed with learnd's key and carry the client_id they were granted
// to. Verify accepts such a token only for a request whose context names the resource
// (WithResource), and there only such tokens: a token for the API is no token for /mcp,
// and a token for /mcp no token for the API.
type Resource struct {
	Issuer   string
	Audience string
}

type resourceKey struct{}

// WithResource marks ctx as a request that arrived for r (the MCP endpoint, and the API
// calls its tools make in-process).
func WithResource(ctx context.Context, r Resource) context.Context {
	return context.WithValue(ctx, resourceKey{}, r)
}

// ResourceFrom is the resource WithResource put in ctx.
func ResourceFrom(ctx context.Context) (Resource, bool) {
	r, ok := ctx.Value(resourceKey{}).(Resource)
	return r, ok && r.Issuer != "" && r.Audience != ""
}

var errResourceKey = invalid("a token for this resource must be signed by learnd")

// SignES256 signs input (a JWS signing input) with learnd's key and returns the JWS
// signature (r‖s, low s): learnd's OAuth authorization server signs its access tokens
// with it, so that the Verifier accepts them as learnd's own.
func (i *Issuer) SignES256(input []byte) ([]byte, error) {
	priv := i.priv
	sum := sha256.Sum256(input)
	r, s, err := ecdsa.Sign(rand.Reader, priv, sum[:])
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	n := priv.Curve.Params().N
	if s.Cmp(new(big.Int).Rsh(n, 1)) > 0 {
		s.Sub(n, s)
	}
	size := (priv.Curve.Params().BitSize + 7) / 8
	out := make([]byte, 2*size)
	r.FillBytes(out[:size])
	s.FillBytes(out[size:])
	return out, nil
}

// PublicKey is learnd's public signing key.
func (i *Issuer) PublicKey() *ecdsa.PublicKey { return i.ecPub }

// ResourceServer is what a protected resource of learnd's authorization server (the MCP
// endpoint) needs to accept its access tokens: the resource, the URL of its protected
// resource metadata (RFC 9728, named in a 401's WWW-Authenticate) and learnd's Verifier.
type ResourceServer struct {
	Resource    Resource
	MetadataURL string
	Scopes      []string // what a 401 names as the scopes to ask for (RFC 6750 §3)
	Verifier    *Verifier
}

// Verify checks an access token for the resource (Verify with WithResource).
func (rs *ResourceServer) Verify(ctx context.Context, token string) (Principal, error) {
	return rs.Verifier.Verify(WithResource(ctx, rs.Resource), token)
}
