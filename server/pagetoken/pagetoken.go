// Package pagetoken turns a list cursor into an opaque, signed page token and back.
//
// A token is base64url(payload) "." base64url(HMAC-SHA256(key, scope "|" payload)[:16]).
// The scope binds a token to the list and filters it was issued for, so a token cannot be
// replayed against another list or a changed filter; any modification fails the MAC.
package pagetoken

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ErrInvalid is returned for any token that does not verify or decode.
var ErrInvalid = errors.New("invalid page token")

// MaxLen bounds the token length accepted.
const MaxLen = 1024

const macLen = 16

// Codec signs and verifies page tokens with one key.
type Codec struct {
	key []byte
}

// New returns a codec; the key must be at least 32 bytes.
func New(key []byte) (*Codec, error) {
	if len(key) < 32 {
		return nil, errors.New("page token key must be at least 32 bytes")
	}
	return &Codec{key: append([]byte(nil), key...)}, nil
}

// Encode signs v (JSON-encoded) for the given scope.
func (c *Codec) Encode(scope string, v any) (string, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode page token: %w", err)
	}
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(c.mac(scope, p)), nil
}

// Decode verifies tok for scope and decodes its payload into v.
func (c *Codec) Decode(scope, tok string, v any) error {
	if len(tok) == 0 || len(tok) > MaxLen {
		return ErrInvalid
	}
	p, sig, ok := strings.Cut(tok, ".")
	if !ok {
		return ErrInvalid
	}
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || !hmac.Equal(got, c.mac(scope, p)) {
		return ErrInvalid
	}
	payload, err := base64.RawURLEncoding.Strict().DecodeString(p)
	if err != nil {
		return ErrInvalid
	}
	if err := json.Unmarshal(payload, v); err != nil {
		return ErrInvalid
	}
	return nil
}

func (c *Codec) mac(scope, payload string) []byte {
	m := hmac.New(sha256.New, c.key)
	m.Write([]byte(scope))
	m.Write([]byte{'|'})
	m.Write([]byte(payload))
	return m.Sum(nil)[:macLen]
}
