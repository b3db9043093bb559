// Package pseudonym makes the stable aliases under which a pseudonymise API key's MCP
// tool results show people: an alias is the HMAC-SHA256 of the tenant and the person's id
// under a server key, its first 40 bits in base32 (8 characters), written as a name
// ("Learner 4F7K2Q9X") or an e-mail address (learner-4f7k2q9x@pseudonymous.invalid). The
// same person has the same alias in every session of every key of the tenant, and another
// alias in another tenant; only someone holding the server key can tell who it is, which
// is what GET /api/v2/pseudonyms/{alias} does for a person.
package pseudonym

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"github.com/google/uuid"
)

// Domain is the e-mail domain of aliases (RFC 2606: .invalid never resolves).
const Domain = "pseudonymous.invalid"

// namePrefix and mailPrefix start an alias written as a name and as an e-mail address.
const (
	namePrefix = "Learner "
	mailPrefix = "learner-"
)

// codeLen is the length of an alias's code: 8 base32 characters, 40 bits.
const codeLen = 8

var encoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// Key is the server key aliases are derived with (at least 32 bytes).
type Key []byte

// Code is person's alias code in tenant: 8 characters of A–Z and 2–7.
func (k Key) Code(tenant string, person uuid.UUID) string {
	return k.code("person|" + tenant + "|" + person.String())
}

// MailCode is the alias code of an e-mail address that names no known person in a result
// (for instance in an audit entry's changes): stable too, but resolvable by no one.
func (k Key) MailCode(tenant, email string) string {
	return k.code("mail|" + tenant + "|" + strings.ToLower(email))
}

func (k Key) code(msg string) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(msg))
	return encoding.EncodeToString(m.Sum(nil)[:5])
}

// Name is code written as a name: "Learner 4F7K2Q9X".
func Name(code string) string { return namePrefix + code }

// Email is code written as an e-mail address: "learner-4f7k2q9x@pseudonymous.invalid".
func Email(code string) string { return mailPrefix + strings.ToLower(code) + "@" + Domain }

// HiddenEmail is an e-mail address of no known person, hidden under its MailCode.
func HiddenEmail(code string) string { return "hidden-" + strings.ToLower(code) + "@" + Domain }

// Parse reads an alias in any of its forms (the name, the e-mail address, or the bare
// code, in any case) and returns its code; ok is false when s is none of them.
func Parse(s string) (code string, ok bool) {
	s = strings.TrimSpace(s)
	switch {
	case len(s) > len(namePrefix) && strings.EqualFold(s[:len(namePrefix)], namePrefix):
		s = s[len(namePrefix):]
	case len(s) > len(mailPrefix) && strings.EqualFold(s[:len(mailPrefix)], mailPrefix):
		local, domain, found := strings.Cut(s[len(mailPrefix):], "@")
		if !found || !strings.EqualFold(domain, Domain) {
			return "", false
		}
		s = local
	}
	if len(s) != codeLen {
		return "", false
	}
	s = strings.ToUpper(s)
	if _, err := encoding.DecodeString(s); err != nil {
		return "", false
	}
	return s, true
}
