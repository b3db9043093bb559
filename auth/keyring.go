package auth

import (
	"crypto/ecdsa"
	"errors"
	"fmt"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// keyring is an immutable set of verification keys.
type keyring struct {
	byKID map[string]*verifyKey
	// anyKID are tried when a token's kid is absent or unknown: PEM keys
	// of external issuers (who cannot know the thumbprint kid) and JWKS
	// keys published without a kid.
	anyKID []*verifyKey
	set    jwk.Set // public JWKs of all keys, for KeySet
}

func newKeyring() *keyring {
	return &keyring{byKID: map[string]*verifyKey{}, set: jwk.NewSet()}
}

// add puts k into the ring; byKIDOnly keeps a key with a kid out of anyKID.
// A kid already present keeps its first key and k is skipped.
func (r *keyring) add(k *verifyKey, byKIDOnly bool) error {
	if k.kid != "" {
		if _, dup := r.byKID[k.kid]; dup {
			return nil
		}
	}
	if err := r.set.AddKey(k.pub); err != nil {
		return fmt.Errorf("key set: %w", err)
	}
	if k.kid != "" {
		r.byKID[k.kid] = k
	}
	if k.kid == "" || !byKIDOnly {
		r.anyKID = append(r.anyKID, k)
	}
	return nil
}

func (r *keyring) len() int { return r.set.Len() }

// clone returns a copy of r that can be added to.
func (r *keyring) clone() *keyring {
	c := &keyring{
		byKID:  make(map[string]*verifyKey, len(r.byKID)),
		anyKID: append([]*verifyKey(nil), r.anyKID...),
		set:    jwk.NewSet(),
	}
	for kid, k := range r.byKID {
		c.byKID[kid] = k
	}
	for i := range r.set.Len() {
		k, _ := r.set.Key(i)
		_ = c.set.AddKey(k)
	}
	return c
}

// verify checks the signature of the compact token buf, whose header
// declares kid and alg (already one of the allowed algorithms), and returns
// the decoded payload. The key is found by kid; only its own alg is
// accepted.
func (r *keyring) verify(buf []byte, kid string, alg jwa.SignatureAlgorithm) ([]byte, error) {
	if kid != "" {
		if k, ok := r.byKID[kid]; ok {
			if k.alg != alg {
				return nil, errAlgMismatch
			}
			return verifyWith(k, buf)
		}
	}
	err := errUnknownKey
	for _, k := range r.anyKID {
		if k.alg != alg {
			continue
		}
		payload, verr := verifyWith(k, buf)
		if verr == nil {
			return payload, nil
		}
		err = verr
	}
	return nil, err
}

func verifyWith(k *verifyKey, buf []byte) ([]byte, error) {
	if ec, ok := k.raw.(*ecdsa.PublicKey); ok && !k.anyS {
		if _, sig, ok := sigParts(buf); ok && !lowS(ec, sig) {
			return nil, errBadSignature
		}
	}
	payload, err := jws.VerifyCompactFast(k.raw, buf, k.alg)
	if err != nil {
		if errors.Is(err, jws.ErrCritPresent()) || errors.Is(err, jws.ErrB64Present()) {
			return nil, errBadHeader
		}
		return nil, errBadSignature
	}
	return payload, nil
}
