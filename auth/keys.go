package auth

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"slices"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// minRSABits is the smallest RSA modulus accepted for RS256.
const minRSABits = 2048

// verifyKey is a public key ready for signature checks: the algorithm is
// pinned and the raw key is exported once, so Verify does no conversions.
type verifyKey struct {
	kid string
	alg jwa.SignatureAlgorithm
	raw any     // *ecdsa.PublicKey, *rsa.PublicKey or ed25519.PublicKey
	pub jwk.Key // public JWK with kid, alg and use=sig
	// anyS accepts high-S ECDSA signatures: keys of an external JWKS URL only (lows.go).
	anyS bool
}

// allowedAlg maps a JOSE alg name to one of the accepted algorithms.
func allowedAlg(name string) (jwa.SignatureAlgorithm, bool) {
	switch name {
	case "ES256":
		return jwa.ES256(), true
	case "RS256":
		return jwa.RS256(), true
	case "EdDSA":
		return jwa.EdDSA(), true
	}
	return jwa.SignatureAlgorithm{}, false
}

// newVerifyKey pins k to the one algorithm its type allows (ES256 for
// P-256, RS256 for RSA ≥ 2048 bits, EdDSA for Ed25519). A key declaring a
// different alg, or meant for anything but signatures, is refused.
func newVerifyKey(k jwk.Key) (*verifyKey, error) {
	if use, ok := k.KeyUsage(); ok && use != "" && use != jwk.ForSignature.String() {
		return nil, fmt.Errorf("key use %q is not sig", use)
	}
	if ops, ok := k.KeyOps(); ok && len(ops) > 0 && !slices.Contains(ops, jwk.KeyOpVerify) {
		return nil, errors.New("key_ops lacks verify")
	}
	pk, err := k.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	var raw any
	if err := jwk.Export(pk, &raw); err != nil {
		return nil, fmt.Errorf("export key: %w", err)
	}
	alg, err := algForKey(raw)
	if err != nil {
		return nil, err
	}
	if declared, ok := k.Algorithm(); ok && declared.String() != "" && declared.String() != alg.String() {
		return nil, fmt.Errorf("alg %q not allowed for %s key", declared.String(), alg)
	}
	kid, _ := k.KeyID()
	pub, err := jwk.Import(raw)
	if err != nil {
		return nil, fmt.Errorf("import key: %w", err)
	}
	if kid != "" {
		if err := pub.Set(jwk.KeyIDKey, kid); err != nil {
			return nil, fmt.Errorf("set kid: %w", err)
		}
	}
	if err := pub.Set(jwk.AlgorithmKey, alg); err != nil {
		return nil, fmt.Errorf("set alg: %w", err)
	}
	if err := pub.Set(jwk.KeyUsageKey, jwk.ForSignature); err != nil {
		return nil, fmt.Errorf("set use: %w", err)
	}
	return &verifyKey{kid: kid, alg: alg, raw: raw, pub: pub}, nil
}

// algForKey returns the single algorithm a raw public key may be used with.
func algForKey(raw any) (jwa.SignatureAlgorithm, error) {
	switch k := raw.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return jwa.SignatureAlgorithm{}, fmt.Errorf("ec curve %s not allowed, want P-256", k.Curve.Params().Name)
		}
		return jwa.ES256(), nil
	case *rsa.PublicKey:
		if k.N.BitLen() < minRSABits {
			return jwa.SignatureAlgorithm{}, fmt.Errorf("rsa key of %d bits too small", k.N.BitLen())
		}
		return jwa.RS256(), nil
	case ed25519.PublicKey:
		return jwa.EdDSA(), nil
	}
	return jwa.SignatureAlgorithm{}, fmt.Errorf("key type %T not allowed", raw)
}

// thumbprint returns the RFC 7638 SHA-256 thumbprint of k, base64url.
func thumbprint(k jwk.Key) (string, error) {
	b, err := k.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// verifyKeyFromRaw wraps a raw public key, giving it its thumbprint as kid.
func verifyKeyFromRaw(raw any) (*verifyKey, error) {
	k, err := jwk.Import(raw)
	if err != nil {
		return nil, fmt.Errorf("import key: %w", err)
	}
	kid, err := thumbprint(k)
	if err != nil {
		return nil, err
	}
	if err := k.Set(jwk.KeyIDKey, kid); err != nil {
		return nil, fmt.Errorf("set kid: %w", err)
	}
	return newVerifyKey(k)
}

// parsePublicKeysPEM returns every public key in data: PKIX "PUBLIC KEY",
// PKCS#1 "RSA PUBLIC KEY" and the keys of "CERTIFICATE" blocks. Other
// blocks are skipped.
func parsePublicKeysPEM(data []byte) ([]any, error) {
	var keys []any
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		var (
			k   any
			err error
		)
		switch b.Type {
		case "PUBLIC KEY":
			k, err = x509.ParsePKIXPublicKey(b.Bytes)
		case "RSA PUBLIC KEY":
			k, err = x509.ParsePKCS1PublicKey(b.Bytes)
		case "CERTIFICATE":
			var c *x509.Certificate
			if c, err = x509.ParseCertificate(b.Bytes); err == nil {
				k = c.PublicKey
			}
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", b.Type, err)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("no public key in pem")
	}
	return keys, nil
}

// parseSigningKeyPEM returns the EC P-256 private key in data (PKCS#8
// "PRIVATE KEY" or SEC 1 "EC PRIVATE KEY"; other blocks such as
// "EC PARAMETERS" are skipped).
func parseSigningKeyPEM(data []byte) (*ecdsa.PrivateKey, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, errors.New("no private key in pem")
		}
		var (
			k   any
			err error
		)
		switch b.Type {
		case "PRIVATE KEY":
			k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
		case "EC PRIVATE KEY":
			k, err = x509.ParseECPrivateKey(b.Bytes)
		default:
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", b.Type, err)
		}
		ek, ok := k.(*ecdsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("private key is %T, want ecdsa p-256", k)
		}
		if ek.Curve != elliptic.P256() {
			return nil, fmt.Errorf("ec curve %s, want P-256", ek.Curve.Params().Name)
		}
		return ek, nil
	}
}

// encodeSigningKeyPEM renders k as a PKCS#8 "PRIVATE KEY" PEM block.
func encodeSigningKeyPEM(k *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("marshal key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}
