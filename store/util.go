package store

import (
	"slices"
	"strconv"

	"github.com/google/uuid"
)

func itoa(i int) string { return strconv.Itoa(i) }

// Without is ids without id (a copy).
func Without(ids []uuid.UUID, id uuid.UUID) []uuid.UUID {
	return slices.DeleteFunc(slices.Clone(ids), func(x uuid.UUID) bool { return x == id })
}
