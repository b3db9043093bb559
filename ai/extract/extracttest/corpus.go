package extracttest

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// CorpusFile is one real document of ../shared/corpus (see its README): the file, the
// reference text beside it (poppler's pdftotext or antiword output, or the DOCX's w:t
// text; "" where there is none) and headings the document really has.
type CorpusFile struct {
	Name      string
	Reference string
	Headings  []string
}

// Corpus lists the real documents, with headings from the corpus README.
var Corpus = []CorpusFile{
	{Name: "pg-backup-libreoffice.pdf", Reference: "pg-backup-libreoffice.pdftotext.txt", Headings: []string{
		"Chapter 26. Backup and Restore", "26.1. SQL Dump", "26.1.1. Restoring the Dump", "26.1.2. Using pg_dumpall",
		"26.1.3. Handling Large Databases", "26.2. File System Level Backup",
		"26.3. Continuous Archiving and Point-in-Time Recovery (PITR)", "26.3.1. Setting Up WAL Archiving",
		"26.3.2. Making a Base Backup", "26.3.3. Making a Base Backup Using the Low Level API",
		"26.3.3.1. Backing Up the Data Directory", "26.3.4. Recovering Using a Continuous Archive Backup",
		"26.3.5. Timelines", "26.3.6. Tips and Examples", "26.3.6.1. Standalone Hot Backups",
		"26.3.6.2. Compressed Archive Logs", "26.3.6.3. archive_command Scripts", "26.3.7. Caveats",
	}},
	{Name: "libtasn1-texinfo.pdf", Reference: "libtasn1-texinfo.pdftotext.txt", Headings: []string{
		"Introduction", "ASN.1 structure handling", "ASN.1 syntax", "Naming", "Simple parsing", "Utilities",
		"Invoking asn1Parser", "Function reference", "DER functions",
	}},
	{Name: "debian-reference-auth.docx", Reference: "debian-reference-auth.docx.txt", Headings: []string{
		"Authentication and access controls", "Normal Unix authentication", "Managing account and password information",
		"Good password", "Creating encrypted password", "PAM and NSS", "Security of authentication",
		"Secure password on the Internet", "Secure Shell", "Extra security measures for the Internet",
		"Securing the root password", "Other access controls", "sudo", "PolicyKit",
		"Restricting access to some server services", "Linux security features",
	}},
	{Name: "gpl3-word97.doc", Reference: "gpl3-word97.antiword.txt", Headings: []string{
		"Preamble", "TERMS AND CONDITIONS", "0. Definitions", "17. Interpretation of Sections 15 and 16",
		"END OF TERMS AND CONDITIONS", "How to Apply These Terms to Your New Programs",
	}},
	{Name: "pg-auth-password-screenshot.png"},
}

// Hostile lists the hostile files of the corpus (its hostile/ folder), by path inside it.
func Hostile(dir string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, "hostile", "*"))
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("no hostile files in %s", dir)
	}
	return m, nil
}

// CorpusDir finds ../shared/corpus from the module root (the folder holding go.mod),
// walking up from the working directory; LEARND_CORPUS overrides it.
func CorpusDir() (string, error) {
	if d := os.Getenv("LEARND_CORPUS"); d != "" {
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			c := filepath.Join(filepath.Dir(d), "shared", "corpus")
			if _, err := os.Stat(filepath.Join(c, "README.md")); err != nil {
				return "", fmt.Errorf("the corpus is not at %s (set LEARND_CORPUS): %w", c, err)
			}
			return c, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
	}
}

// Quality compares extracted text with its reference.
type Quality struct {
	Words       int     // whitespace-separated words of the extracted text
	Coverage    float64 // share of the reference's distinct words (letters and digits, lower case) found in the text
	Missing     []string
	StrayRatio  float64 // single-letter words beyond the reference's own, per word
	Stray       int
	BadChars    []string // Ω, U+FFFD, private-use characters, ligatures, found in the text
	LeaderLines int      // runs of 5+ dots or ":::::"
}

func (q Quality) String() string {
	miss := q.Missing
	if len(miss) > 15 {
		miss = miss[:15]
	}
	return fmt.Sprintf("words %d, coverage %.2f%% (missing e.g. %q), stray single letters %d (%.3f%%), bad characters %q, leader runs %d",
		q.Words, 100*q.Coverage, miss, q.Stray, 100*q.StrayRatio, q.BadChars, q.LeaderLines)
}

// tokens splits text into lower-case runs of letters and digits.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// singles counts whitespace words that are a single letter other than a, A and I.
func singles(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		w = strings.Trim(w, ".,;:()[]\"'")
		r := []rune(w)
		if len(r) == 1 && unicode.IsLetter(r[0]) && !strings.ContainsRune("aAI", r[0]) {
			n++
		}
	}
	return n
}

// Furniture the extractor removes on purpose, and so is left out of the reference before
// comparing: markup that leaked into a reference (the DOCX reference carries some w:tab
// elements), lines of a table of contents or index (dot leaders and a page number:
// navigation, not content) and lines that are only a page number.
var (
	markup      = regexp.MustCompile(`<[^<>]{1,400}>`)
	leaderLine  = regexp.MustCompile(`(?:\s?\.){4,}\s*(?:\d+|[ivxlc]+)?\s*$`)
	numericLine = regexp.MustCompile(`^\s*(?:\d{1,4}|[ivxlc]{1,6})\s*$`)
)

// referenceContent is ref without the furniture above.
func referenceContent(ref string) string {
	ref = markup.ReplaceAllString(ref, " ")
	var b strings.Builder
	for _, line := range strings.Split(ref, "\n") {
		if leaderLine.MatchString(line) || numericLine.MatchString(line) {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// Measure compares text with ref (without its furniture: referenceContent).
func Measure(text, ref string) Quality {
	var q Quality
	ref = referenceContent(ref)
	q.Words = len(strings.Fields(text))
	have := map[string]bool{}
	for _, t := range tokens(text) {
		have[t] = true
	}
	want := map[string]bool{}
	for _, t := range tokens(ref) {
		want[t] = true
	}
	found := 0
	for t := range want {
		if have[t] {
			found++
		} else {
			q.Missing = append(q.Missing, t)
		}
	}
	if len(want) > 0 {
		q.Coverage = float64(found) / float64(len(want))
	} else {
		q.Coverage = 1
	}
	q.Stray = max(0, singles(text)-singles(ref))
	if q.Words > 0 {
		q.StrayRatio = float64(q.Stray) / float64(q.Words)
	}
	seen := map[rune]bool{}
	for _, r := range text {
		bad := r == 'Ω' || r == unicode.ReplacementChar || (r >= 0xE000 && r <= 0xF8FF) || (r >= 0xFB00 && r <= 0xFB06)
		if bad && !seen[r] {
			seen[r] = true
			q.BadChars = append(q.BadChars, fmt.Sprintf("%U", r))
		}
	}
	q.LeaderLines = strings.Count(text, ".....") + strings.Count(text, ". . . . .") + strings.Count(text, ":::::")
	return q
}

// Read returns the file's content and its reference text ("" when it has none).
func (c CorpusFile) Read(dir string) (data []byte, ref string, err error) {
	data, err = os.ReadFile(filepath.Join(dir, c.Name))
	if err != nil || c.Reference == "" {
		return data, "", err
	}
	b, err := os.ReadFile(filepath.Join(dir, c.Reference))
	return data, string(b), err
}

// Check holds extracted text and headings to the corpus's bar, reporting through t:
// ≥ 99% of the reference's words, stray single letters ≤ 0.1% of words, no Ω, U+FFFD,
// private-use characters, ligatures or dot leaders, and every heading the document
// really has (equal, or with its section number: "2.2 Naming" for "Naming").
func (c CorpusFile) Check(t testing.TB, text string, headings []string, ref string) Quality {
	t.Helper()
	q := Measure(text, ref)
	t.Logf("%s: %s", c.Name, q)
	if ref != "" && q.Coverage < 0.99 {
		t.Errorf("%s: coverage %.2f%% < 99%%: %s", c.Name, 100*q.Coverage, q)
	}
	if q.StrayRatio > 0.001 {
		t.Errorf("%s: stray single letters %.3f%% > 0.1%%: %s", c.Name, 100*q.StrayRatio, q)
	}
	if len(q.BadChars) > 0 || q.LeaderLines > 0 {
		t.Errorf("%s: bad characters or dot leaders: %s", c.Name, q)
	}
	for _, want := range c.Headings {
		if !HasHeading(headings, want) {
			t.Errorf("%s: heading %q missing; headings: %q", c.Name, want, headings)
		}
	}
	return q
}

// HasHeading: a heading equal to want, or want with its section number before it,
// ignoring case.
func HasHeading(got []string, want string) bool {
	w := strings.ToLower(want)
	for _, h := range got {
		h = strings.ToLower(h)
		if h == w || strings.HasSuffix(h, " "+w) {
			return true
		}
	}
	return false
}
