package auth

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/base64"
	"math/big"
)

// ECDSA signatures are malleable: (r, s) and (r, n−s) both verify, so anyone holding a
// valid token can make a second, different token string that is just as valid. learnd
// signs with low s only (s ≤ n/2, as Bitcoin's BIP 62 and libsecp256k1 do) and refuses a
// high-s signature from any key it does not fetch from an external JWKS URL — an external
// identity provider's library may emit either form, and refusing half its tokens would
// break sign-in without protecting anything: neither form lets anyone change a claim.

// sigParts splits a compact JWS into its signing input and decoded signature.
func sigParts(token []byte) (input, sig []byte, ok bool) {
	i := bytes.LastIndexByte(token, '.')
	if i < 0 {
		return nil, nil, false
	}
	sig, err := base64.RawURLEncoding.DecodeString(string(token[i+1:]))
	if err != nil {
		return nil, nil, false
	}
	return token[:i], sig, true
}

// lowS reports whether sig (r‖s, each the curve's byte size) of key has s ≤ n/2. A
// signature of the wrong length is left to the signature check.
func lowS(key *ecdsa.PublicKey, sig []byte) bool {
	size := (key.Curve.Params().BitSize + 7) / 8
	if len(sig) != 2*size {
		return true
	}
	s := new(big.Int).SetBytes(sig[size:])
	half := new(big.Int).Rsh(key.Curve.Params().N, 1)
	return s.Cmp(half) <= 0
}

// canonicalES turns a compact JWS signed by key into its low-S form (s → n−s when s is
// high); any other token is returned unchanged.
func canonicalES(key *ecdsa.PublicKey, token []byte) []byte {
	input, sig, ok := sigParts(token)
	if !ok || lowS(key, sig) {
		return token
	}
	size := (key.Curve.Params().BitSize + 7) / 8
	s := new(big.Int).SetBytes(sig[size:])
	s.Sub(key.Curve.Params().N, s)
	out := make([]byte, 2*size)
	copy(out, sig[:size])
	s.FillBytes(out[size:])
	return append(append(append([]byte{}, input...), '.'), base64.RawURLEncoding.EncodeToString(out)...)
}
