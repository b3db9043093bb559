// Small helpers the domain packages share.

package store

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Without is ids without id (a copy).
func Without(ids []uuid.UUID, id uuid.UUID) []uuid.UUID {
	return slices.DeleteFunc(slices.Clone(ids), func(x uuid.UUID) bool { return x == id })
}

// Now is the server clock at the database's precision.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// EscapeLike escapes the LIKE wildcards (and the escape character) in s.
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
