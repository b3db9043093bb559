// Package typeid implements TypeIDs: a type prefix, an underscore and the
// 26-character Crockford base32 encoding of a UUIDv7 (e.g. coh_01jd…).
//
// It follows the TypeID specification (github.com/jetify-com/typeid); the
// reference Go module is not reachable from this project's module proxy, so
// the encoding is implemented here over github.com/google/uuid. Parse also
// accepts the legacy form "<prefix>-<uuid>" used by older clients
// (e.g. "grp-0190…"); output is always canonical.
package typeid

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// suffixLen is the length of the base32 suffix.
const suffixLen = 26

var decTable = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = 0xFF
	}
	for i := 0; i < len(alphabet); i++ {
		t[alphabet[i]] = byte(i)
	}
	return t
}()

// ErrInvalid is returned (wrapped) for any malformed id.
var ErrInvalid = errors.New("invalid id")

// New returns a new TypeID string with the given prefix and a fresh UUIDv7.
func New(prefix string) (string, uuid.UUID) {
	u := uuid.Must(uuid.NewV7())
	return Format(prefix, u), u
}

// Format renders prefix and u as a canonical TypeID.
func Format(prefix string, u uuid.UUID) string {
	var b strings.Builder
	b.Grow(len(prefix) + 1 + suffixLen)
	b.WriteString(prefix)
	b.WriteByte('_')
	b.WriteString(encode(u))
	return b.String()
}

// Parse decodes s, which must carry the given prefix, into its UUID. It
// accepts the canonical "prefix_<base32>" and the legacy "prefix-<uuid>".
func Parse(prefix, s string) (uuid.UUID, error) {
	if len(s) > len(prefix)+1 && strings.HasPrefix(s, prefix) {
		rest := s[len(prefix):]
		switch rest[0] {
		case '_':
			u, err := decode(rest[1:])
			if err != nil {
				return uuid.Nil, fmt.Errorf("%w: %q: %v", ErrInvalid, s, err)
			}
			return u, nil
		case '-':
			if len(rest)-1 != 36 {
				return uuid.Nil, fmt.Errorf("%w: %q: want %s-<uuid>", ErrInvalid, s, prefix)
			}
			u, err := uuid.Parse(rest[1:])
			if err != nil {
				return uuid.Nil, fmt.Errorf("%w: %q: %v", ErrInvalid, s, err)
			}
			return u, nil
		}
	}
	return uuid.Nil, fmt.Errorf("%w: %q: want %s_<26 base32 chars>", ErrInvalid, s, prefix)
}

// Canonical parses s with the given prefix and re-renders it canonically.
func Canonical(prefix, s string) (string, error) {
	u, err := Parse(prefix, s)
	if err != nil {
		return "", err
	}
	return Format(prefix, u), nil
}

func encode(u uuid.UUID) string {
	var d [suffixLen]byte
	// 130 bits: two leading zero bits then the 128 bits of the UUID.
	d[0] = alphabet[(u[0]&224)>>5]
	d[1] = alphabet[u[0]&31]
	d[2] = alphabet[(u[1]&248)>>3]
	d[3] = alphabet[((u[1]&7)<<2)|((u[2]&192)>>6)]
	d[4] = alphabet[(u[2]&62)>>1]
	d[5] = alphabet[((u[2]&1)<<4)|((u[3]&240)>>4)]
	d[6] = alphabet[((u[3]&15)<<1)|((u[4]&128)>>7)]
	d[7] = alphabet[(u[4]&124)>>2]
	d[8] = alphabet[((u[4]&3)<<3)|((u[5]&224)>>5)]
	d[9] = alphabet[u[5]&31]
	d[10] = alphabet[(u[6]&248)>>3]
	d[11] = alphabet[((u[6]&7)<<2)|((u[7]&192)>>6)]
	d[12] = alphabet[(u[7]&62)>>1]
	d[13] = alphabet[((u[7]&1)<<4)|((u[8]&240)>>4)]
	d[14] = alphabet[((u[8]&15)<<1)|((u[9]&128)>>7)]
	d[15] = alphabet[(u[9]&124)>>2]
	d[16] = alphabet[((u[9]&3)<<3)|((u[10]&224)>>5)]
	d[17] = alphabet[u[10]&31]
	d[18] = alphabet[(u[11]&248)>>3]
	d[19] = alphabet[((u[11]&7)<<2)|((u[12]&192)>>6)]
	d[20] = alphabet[(u[12]&62)>>1]
	d[21] = alphabet[((u[12]&1)<<4)|((u[13]&240)>>4)]
	d[22] = alphabet[((u[13]&15)<<1)|((u[14]&128)>>7)]
	d[23] = alphabet[(u[14]&124)>>2]
	d[24] = alphabet[((u[14]&3)<<3)|((u[15]&224)>>5)]
	d[25] = alphabet[u[15]&31]
	return string(d[:])
}

func decode(s string) (uuid.UUID, error) {
	var u uuid.UUID
	if len(s) != suffixLen {
		return u, fmt.Errorf("suffix must be %d characters", suffixLen)
	}
	var v [suffixLen]byte
	for i := 0; i < suffixLen; i++ {
		c := decTable[s[i]]
		if c == 0xFF {
			return u, fmt.Errorf("character %q is not in the base32 alphabet", s[i])
		}
		v[i] = c
	}
	if v[0] > 7 {
		return u, errors.New("suffix overflows 128 bits")
	}
	u[0] = (v[0] << 5) | v[1]
	u[1] = (v[2] << 3) | (v[3] >> 2)
	u[2] = (v[3] << 6) | (v[4] << 1) | (v[5] >> 4)
	u[3] = (v[5] << 4) | (v[6] >> 1)
	u[4] = (v[6] << 7) | (v[7] << 2) | (v[8] >> 3)
	u[5] = (v[8] << 5) | v[9]
	u[6] = (v[10] << 3) | (v[11] >> 2)
	u[7] = (v[11] << 6) | (v[12] << 1) | (v[13] >> 4)
	u[8] = (v[13] << 4) | (v[14] >> 1)
	u[9] = (v[14] << 7) | (v[15] << 2) | (v[16] >> 3)
	u[10] = (v[16] << 5) | v[17]
	u[11] = (v[18] << 3) | (v[19] >> 2)
	u[12] = (v[19] << 6) | (v[20] << 1) | (v[21] >> 4)
	u[13] = (v[21] << 4) | (v[22] >> 1)
	u[14] = (v[22] << 7) | (v[23] << 2) | (v[24] >> 3)
	u[15] = (v[24] << 5) | v[25]
	return u, nil
}
