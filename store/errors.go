package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound means no such record is visible to the caller.
var ErrNotFound = errors.New("not found")

// ErrNotDeleted means a restore was asked of a record that is not deleted.
var ErrNotDeleted = errors.New("record is not deleted")

// VersionMismatchError means the caller's precondition is stale.
type VersionMismatchError struct {
	Expected, Current int
}

func (e *VersionMismatchError) Error() string {
	return fmt.Sprintf("version %d is stale; the current version is %d", e.Expected, e.Current)
}

// FieldError names one invalid member by JSON Pointer.
type FieldError struct {
	Pointer string
	Detail  string
}

// ValidationError is a business-rule violation of a record's fields.
type ValidationError struct {
	Fields []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Pointer + ": " + f.Detail
	}
	return "invalid record: " + strings.Join(parts, "; ")
}

// Add records a violation.
func (e *ValidationError) Add(pointer, format string, args ...any) {
	e.Fields = append(e.Fields, FieldError{Pointer: pointer, Detail: fmt.Sprintf(format, args...)})
}

// Err returns e, or nil when nothing was recorded.
func (e *ValidationError) Err() error {
	if len(e.Fields) == 0 {
		return nil
	}
	return e
}
