package store

import (
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	pgxuuid "github.com/vgarvardt/pgx-google-uuid/v5"
)

// registerTypes teaches a connection's type map how the store's Go values travel:
//
//   - times come back in UTC whatever the process's time zone, as the store writes them
//     (Now), so a row read back and the copy a write answers with look alike;
//   - ids (google/uuid) are sent as uuid in binary. Left to itself, pgx takes a uuid.UUID
//     or a *uuid.UUID for a driver.Valuer: it formats the id as text, fails to encode
//     that as binary, builds the error, parses the text back and encodes the result, for
//     every id of every statement (≈ 1.5 µs each). pgx-google-uuid registers uuid.UUID; a
//     *uuid.UUID (a nullable id column) is dereferenced to it here, as pgx does for
//     pointers that are not a driver.Valuer. Reading an id into a uuid.UUID still goes
//     through its sql.Scanner (pgx prefers a Scanner to the library's scan plan), which
//     parses the id's text.
func registerTypes(c *pgx.Conn) {
	m := c.TypeMap()
	m.RegisterType(&pgtype.Type{Name: "timestamptz", OID: pgtype.TimestamptzOID, Codec: &pgtype.TimestamptzCodec{ScanLocation: time.UTC}})
	pgxuuid.Register(m)
	m.TryWrapEncodePlanFuncs = append([]pgtype.TryWrapEncodePlanFunc{tryWrapUUIDPointer}, m.TryWrapEncodePlanFuncs...)
}

// tryWrapUUIDPointer plans a *uuid.UUID as the uuid.UUID it points to (NULL when nil).
func tryWrapUUIDPointer(value any) (pgtype.WrappedEncodePlanNextSetter, any, bool) {
	if _, ok := value.(*uuid.UUID); ok {
		return &uuidPointerPlan{}, uuid.UUID{}, true
	}
	return nil, nil, false
}

type uuidPointerPlan struct{ next pgtype.EncodePlan }

var _ pgtype.WrappedEncodePlanNextSetter = (*uuidPointerPlan)(nil)

func (p *uuidPointerPlan) SetNext(next pgtype.EncodePlan) { p.next = next }

func (p *uuidPointerPlan) Encode(value any, buf []byte) ([]byte, error) {
	u := value.(*uuid.UUID)
	if u == nil {
		return nil, nil
	}
	return p.next.Encode(*u, buf)
}
