package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/learnd/learnd/gen/api"
)

// readBody reads the whole request body (within the body limit) and puts it back for the
// next reader. A body that cannot be read is a problem, never an unexpected error: over the
// limit a 413; not arrived by the connection's read deadline (a client trickling it) a
// 400 that closes the connection; broken off a 400.
func readBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	body, err := io.ReadAll(req.Body)
	req.Body = io.NopCloser(bytes.NewReader(body))
	if err == nil {
		return body, nil
	}
	ctx := req.Context()
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, &problemError{problem: newProblem(ctx, kindTooLarge, "the request body exceeds the size limit")}
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, &problemError{
			problem: withCode(newProblem(ctx, kindBadRequest, "the request body did not arrive within the server's read timeout"), "request_timeout"),
			headers: map[string]string{"Connection": "close"},
		}
	}
	return nil, &problemError{
		problem: newProblem(ctx, kindBadRequest, "the request body could not be read"),
		headers: map[string]string{"Connection": "close"},
	}
}

// jsonBody reports whether the request's content type is JSON (application/json or +json).
func jsonBody(req *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// invalidUTF8 finds the strings (values and member names) of a JSON document that hold
// bytes that are not UTF-8, by their JSON Pointers. Decoders silently turn such bytes
// into U+FFFD, so they are refused before any decoding. nil when every string is UTF-8,
// or when the document is not well-formed JSON (the contract's validation says so).
func invalidUTF8(body []byte) []api.FieldError {
	if utf8.Valid(body) {
		return nil
	}
	s := utf8Scan{b: body}
	s.value("")
	s.space()
	if s.bad || s.i != len(s.b) {
		return nil
	}
	return s.out
}

// utf8Scan walks raw JSON, keeping the pointer of each value.
type utf8Scan struct {
	b     []byte
	i     int
	depth int
	bad   bool // not well-formed
	out   []api.FieldError
}

const utf8ScanMaxDepth = 10000 // encoding/json's own limit

func (s *utf8Scan) space() {
	for s.i < len(s.b) && (s.b[s.i] == ' ' || s.b[s.i] == '\t' || s.b[s.i] == '\n' || s.b[s.i] == '\r') {
		s.i++
	}
}

func (s *utf8Scan) fail() { s.bad = true }

func (s *utf8Scan) report(pointer, detail string) {
	p := strings.ToValidUTF8(pointer, "\uFFFD")
	s.out = append(s.out, api.FieldError{Pointer: &p, Detail: detail})
}

func (s *utf8Scan) value(pointer string) {
	s.space()
	if s.bad || s.i >= len(s.b) {
		s.fail()
		return
	}
	switch s.b[s.i] {
	case '{':
		s.container(pointer, '}', true)
	case '[':
		s.container(pointer, ']', false)
	case '"':
		if raw := s.str(); !s.bad && !utf8.Valid(raw) {
			s.report(pointer, "must be valid UTF-8")
		}
	default: // number, true, false, null: up to the next delimiter
		start := s.i
		for s.i < len(s.b) && !strings.ContainsRune(",]} \t\r\n", rune(s.b[s.i])) {
			s.i++
		}
		if s.i == start {
			s.fail()
		}
	}
}

// container walks an object (members) or an array up to its closing byte.
func (s *utf8Scan) container(pointer string, end byte, members bool) {
	if s.depth++; s.depth > utf8ScanMaxDepth {
		s.fail()
		return
	}
	defer func() { s.depth-- }()
	s.i++ // { or [
	s.space()
	if s.i < len(s.b) && s.b[s.i] == end {
		s.i++
		return
	}
	for n := 0; !s.bad; n++ {
		child := fmt.Sprintf("%s/%d", pointer, n)
		if members {
			s.space()
			if s.i >= len(s.b) || s.b[s.i] != '"' {
				s.fail()
				return
			}
			raw := s.str()
			child = pointer + "/" + escapePointer([]string{unescapeJSONString(raw)})[0]
			if !utf8.Valid(raw) {
				s.report(child, "member names must be valid UTF-8")
			}
			s.space()
			if s.i >= len(s.b) || s.b[s.i] != ':' {
				s.fail()
				return
			}
			s.i++
		}
		s.value(child)
		s.space()
		if s.bad || s.i >= len(s.b) {
			s.fail()
			return
		}
		switch s.b[s.i] {
		case ',':
			s.i++
		case end:
			s.i++
			return
		default:
			s.fail()
			return
		}
	}
}

// str consumes a string at s.i and returns its raw bytes between the quotes.
func (s *utf8Scan) str() []byte {
	start := s.i + 1
	for s.i = start; s.i < len(s.b); s.i++ {
		switch s.b[s.i] {
		case '\\':
			s.i++
		case '"':
			s.i++
			return s.b[start : s.i-1]
		}
	}
	s.fail()
	return nil
}

// unescapeJSONString decodes a member name's escapes (invalid bytes become U+FFFD).
func unescapeJSONString(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	var out string
	q := make([]byte, 0, len(raw)+2)
	q = append(append(append(q, '"'), raw...), '"')
	if err := json.Unmarshal(q, &out); err != nil {
		return string(raw)
	}
	return out
}
