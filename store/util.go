package store

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

func itoa(i int) string { return strconv.Itoa(i) }

// Without is ids without id (a copy).
func Without(ids []uuid.UUID, id uuid.UUID) []uuid.UUID {
	return slices.DeleteFunc(slices.Clone(ids), func(x uuid.UUID) bool { return x == id })
}

// Now is the server clock at the database's precision.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
