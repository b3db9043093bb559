package server

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"
	"github.com/munnerz/goautoneg"

	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/typeid"
)

// CSV exports: the audit log and the compliance report also answer text/csv, every row for
// the filters given, streamed. The handler picks the format (exportFormat), starts the
// export (streamCSV) and returns the generated text/csv response with the stream as its
// body; the rows travel from one database query through encoding/csv into the response
// as they are read, so memory stays flat whatever the size.

const (
	formatJSON = "json"
	formatCSV  = "csv"

	mediaJSON = "application/json"
	mediaCSV  = "text/csv"

	// csvFlushRows is how many rows the CSV writer buffers at most before it hands them to
	// the response (it also does whenever its 4 KiB buffer fills).
	csvFlushRows = 256
)

// exportFormat decides what a report answers: the format parameter wins (json or csv; any
// other value is a 422 naming it); without it Accept decides between application/json
// and text/csv (no Accept: JSON; nothing acceptable: 406).
func exportFormat(ctx context.Context, format *string) (string, error) {
	if format != nil {
		switch *format {
		case formatJSON, formatCSV:
			return *format, nil
		}
		return "", fail(withFields(newProblem(ctx, kindValidation, "format must be json or csv"),
			[]api.FieldError{{Parameter: ptr("format"), Detail: "must be json or csv"}}))
	}
	accept := acceptFrom(ctx)
	switch negotiate(accept) {
	case mediaJSON:
		return formatJSON, nil
	case mediaCSV:
		return formatCSV, nil
	}
	return "", fail(newProblem(ctx, kindNotAcceptable, "Accept "+strconv.Quote(accept)+
		" cannot be answered; accept application/json or text/csv (or send format=csv)"))
}

// negotiate picks application/json or text/csv for an Accept header (goautoneg parses
// it; a range with q=0 excludes): the first of the client's preferred ranges that one
// of them matches, JSON on a tie; JSON when there is no Accept; "" when neither is
// acceptable.
func negotiate(accept string) string {
	if strings.TrimSpace(accept) == "" {
		return mediaJSON
	}
	for _, r := range goautoneg.ParseAccept(accept) {
		if r.Q <= 0 {
			continue
		}
		for _, m := range []string{mediaJSON, mediaCSV} {
			typ, sub, _ := strings.Cut(m, "/")
			if (r.Type == "*" && r.SubType == "*") || (r.Type == typ && (r.SubType == "*" || r.SubType == sub)) {
				return m
			}
		}
	}
	return ""
}

// csvExport reports whether req asks a report for CSV (its deadlines become the long
// ones: Timeouts.Long is an export's time budget).
func csvExport(req *http.Request) bool {
	if req.Method != http.MethodGet {
		return false
	}
	p := req.URL.Path
	if p != "/api/v2/audit" && !(strings.HasPrefix(p, "/api/v2/courses/") && strings.HasSuffix(p, "/statistics/users")) {
		return false
	}
	q, err := url.ParseQuery(req.URL.RawQuery)
	if err != nil {
		return false
	}
	if q.Has("format") {
		return q.Get("format") == formatCSV
	}
	return negotiate(req.Header.Get(echo.HeaderAccept)) == mediaCSV
}

// streamError is a failure after an export's first row: the response has begun, so it
// cannot become a problem; the connection is cut instead (abortStream).
type streamError struct{ err error }

func (e *streamError) Error() string { return "export cut short: " + e.err.Error() }
func (e *streamError) Unwrap() error { return e.err }

// streamCSV writes header and the records produce emits as CSV (RFC 4180, CRLF) into a
// pipe, from a goroutine, and returns the pipe's reader once the first record is ready or
// produce has ended: an error before any record (a missing course, the database down) is
// returned here and answered as a problem; a later one cuts the response short.
//
// The goroutine writes only as fast as the response is read, and it ends when produce
// does. produce runs with the request's context, which ends when the request does
// (answered, the client gone, the time budget spent); the reader is closed then too, so
// a goroutine blocked on a client that stopped reading is released, and the database
// query and its connection with it.
//
// Each export holds one of the process's export slots until its goroutine ends
// (exportSlots); without a free slot it is refused with 429 exports_busy.
func (s *Server) streamCSV(ctx context.Context, header []string, produce func(ctx context.Context, emit func([]string) error) error) (io.ReadCloser, error) {
	release, err := s.exports.take(ctx)
	if err != nil {
		return nil, err
	}
	pr, pw := io.Pipe()
	context.AfterFunc(ctx, func() { pr.CloseWithError(&streamError{err: context.Cause(ctx)}) })
	ready := make(chan error, 1)
	go func() {
		defer release()
		started := false
		start := func(err error) {
			if !started {
				started = true
				ready <- err
			}
		}
		cw := csv.NewWriter(pw)
		cw.UseCRLF = true
		rows := 0
		err := cw.Write(header)
		if err == nil {
			err = produce(ctx, func(rec []string) error {
				start(nil)
				if err := cw.Write(rec); err != nil {
					return err
				}
				if rows++; rows%csvFlushRows == 0 {
					cw.Flush()
					return cw.Error()
				}
				return nil
			})
		}
		if err == nil {
			start(nil) // an export of no rows is its header: the reader must exist before the flush blocks on it
			cw.Flush()
			err = cw.Error()
		}
		start(err)
		if err != nil {
			pw.CloseWithError(&streamError{err: err})
			return
		}
		pw.Close()
	}()
	if err := <-ready; err != nil {
		return nil, err
	}
	return pr, nil
}

// abortStream cuts the connection of a response an export has begun and could not finish
// (a streamError), so the client sees a broken transfer, never a complete-looking file.
// Any other error on a begun response (the client went away) needs nothing more.
func abortStream(c echo.Context, err error, log *slog.Logger) {
	var se *streamError
	if !errors.As(err, &se) {
		return
	}
	ctx := c.Request().Context()
	level := slog.LevelWarn
	if errors.Is(se.err, context.Canceled) {
		level = slog.LevelDebug // the client went away
	}
	log.Log(ctx, level, "export cut short", "request_id", requestIDFrom(ctx), "path", c.Request().URL.Path, "err", se.err)
	panic(http.ErrAbortHandler)
}

// attachment is a Content-Disposition naming a download; filename is one of ours (ASCII
// letters, digits, '-', '_' and '.'), so quoting it is all it needs.
func attachment(filename string) string {
	return `attachment; filename="` + filename + `"`
}

// csvText is a text cell guarded against formula injection (OWASP's CSV injection
// advice): a value a spreadsheet could run (starting with =, +, -, @, a tab or a carriage
// return) gets a leading '.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvTextPtr is csvText of an optional value ("" when absent).
func csvTextPtr(s *string) string {
	if s == nil {
		return ""
	}
	return csvText(*s)
}

// csvTime is an instant in RFC 3339 (UTC, fractional seconds as stored).
func csvTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// csvTimePtr is csvTime of an optional instant ("" when absent).
func csvTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return csvTime(*t)
}

// csvID is an optional id as its TypeID ("" when absent).
func csvID(prefix string, id *uuid.UUID) string {
	if id == nil {
		return ""
	}
	return typeid.Format(prefix, *id)
}

// csvNumber is an optional number in its shortest form ("" when absent).
func csvNumber(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}
