package main

import (
	"strings"
	"unicode"
)

// oapiCamel mirrors oapi-codegen's default name normaliser (codegen.ToCamelCase), which
// turns an operationId into the Go name of its client method: listCohorts → ListCohorts.
// The result is checked against the client source, so a drift is an error, not bad code.
func oapiCamel(s string) string {
	const separators = "-#@!$&=.+:;_~ (){}[]"
	var b strings.Builder
	capNext := true
	for _, r := range strings.Trim(s, " ") {
		switch {
		case unicode.IsUpper(r), unicode.IsDigit(r):
			b.WriteRune(r)
		case unicode.IsLower(r):
			if capNext {
				b.WriteRune(unicode.ToUpper(r))
			} else {
				b.WriteRune(r)
			}
		}
		capNext = strings.ContainsRune(separators, r)
	}
	return b.String()
}

// initialisms are words written in capitals when they form a whole word of an SDK name.
var initialisms = map[string]string{
	"ai": "AI", "api": "API", "http": "HTTP", "id": "ID", "ids": "IDs", "json": "JSON",
	"jwks": "JWKS", "lms": "LMS", "mcp": "MCP", "sso": "SSO", "url": "URL",
}

// exportedName turns an x-sdk-* value (learning, course_chains, courseChains,
// change-email) into an exported Go identifier (Learning, CourseChains, ChangeEmail).
func exportedName(s string) string {
	var words []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = nil
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			// A lower→upper step starts a new word (camelCase input).
			if unicode.IsUpper(r) && i > 0 && unicode.IsLower(rs[i-1]) {
				flush()
			}
			cur = append(cur, r)
		default:
			flush()
		}
	}
	flush()
	var b strings.Builder
	for _, w := range words {
		if up, ok := initialisms[strings.ToLower(w)]; ok {
			b.WriteString(up)
			continue
		}
		r := []rune(w)
		b.WriteRune(unicode.ToUpper(r[0]))
		b.WriteString(string(r[1:]))
	}
	out := b.String()
	if out != "" && unicode.IsDigit([]rune(out)[0]) {
		out = "X" + out
	}
	return out
}

// fileName turns an x-sdk-group value into a file name stem: courseChains → course_chains.
func fileName(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case unicode.IsUpper(r):
			if i > 0 && unicode.IsLower(rs[i-1]) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return strings.Trim(b.String(), "_")
}
