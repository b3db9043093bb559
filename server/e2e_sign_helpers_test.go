package server_test

import (
	"crypto/ecdsa"
	"encoding/base64"
	"math/big"
	"strings"
)

// e2eLowS rewrites a compact ES token signed by key into the canonical low-S form learnd
// accepts (s → n−s when s > n/2), as a careful signer does; other tokens pass unchanged.
func e2eLowS(key *ecdsa.PublicKey, token string) string {
	i := strings.LastIndexByte(token, '.')
	sig, err := base64.RawURLEncoding.DecodeString(token[i+1:])
	size := (key.Curve.Params().BitSize + 7) / 8
	if i < 0 || err != nil || len(sig) != 2*size {
		return token
	}
	s := new(big.Int).SetBytes(sig[size:])
	if s.Cmp(new(big.Int).Rsh(key.Curve.Params().N, 1)) <= 0 {
		return token
	}
	s.Sub(key.Curve.Params().N, s)
	s.FillBytes(sig[size:])
	return token[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
}
