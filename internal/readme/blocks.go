// Package readme reads the README's shell blocks, for the test that runs them against a
// fresh `learnd serve` (readme_test.go): a newcomer pastes those blocks, so `make test`
// does too, twice each.
package readme

import (
	"bufio"
	"regexp"
	"strconv"
	"strings"
)

// Block is one fenced ```sh block of a Markdown document.
type Block struct {
	Line int    // the line of its opening fence (1-based)
	Code string // its lines, without the fences
	Run  bool   // false when the fence says `sh no-run` (placeholders, outside services)
}

// Blocks returns the document's ```sh (or ```bash) blocks in order.
func Blocks(md string) []Block {
	var out []Block
	var cur *Block
	var code strings.Builder
	sc := bufio.NewScanner(strings.NewReader(md))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fence := strings.HasPrefix(line, "```")
		switch {
		case cur != nil && fence && strings.TrimSpace(line) == "```":
			cur.Code = code.String()
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			code.WriteString(line + "\n")
		case fence:
			info := strings.Fields(strings.TrimPrefix(line, "```"))
			if len(info) > 0 && (info[0] == "sh" || info[0] == "bash") {
				cur = &Block{Line: n, Run: !(len(info) > 1 && info[1] == "no-run")}
				code.Reset()
			}
		}
	}
	return out
}

// Call is one curl command of a block (continuation lines joined) and the error status
// its comment says it answers, if any.
type Call struct {
	Command string
	Status  int // an error status (4xx, 5xx) the line's comment names; 0 for none
}

var (
	commentStatus = regexp.MustCompile(`\b([45][0-9][0-9])\b`)
	curlWord      = regexp.MustCompile(`(^|[\s$(|;&])curl\s`)
)

// Calls returns the curl commands of a block's code in order, each with the status its
// own comment names.
func Calls(code string) []Call {
	var out []Call
	for _, l := range logicalLines(code) {
		cmd, comment := splitComment(l)
		if !curlWord.MatchString(cmd) {
			continue
		}
		c := Call{Command: cmd}
		if m := commentStatus.FindStringSubmatch(comment); m != nil {
			c.Status, _ = strconv.Atoi(m[1])
		}
		out = append(out, c)
	}
	return out
}

// Allowed returns every error status the block's comments name: a call may answer one of
// them; any other 4xx or 5xx is the README saying something that is not so.
func Allowed(code string) map[int]bool {
	out := map[int]bool{}
	for _, l := range logicalLines(code) {
		_, comment := splitComment(l)
		for _, m := range commentStatus.FindAllStringSubmatch(comment, -1) {
			n, _ := strconv.Atoi(m[1])
			out[n] = true
		}
	}
	return out
}

// logicalLines joins lines continued with a trailing backslash.
func logicalLines(code string) []string {
	var out []string
	var cur strings.Builder
	for _, l := range strings.Split(code, "\n") {
		if strings.HasSuffix(l, "\\") {
			cur.WriteString(strings.TrimSuffix(l, "\\") + " ")
			continue
		}
		cur.WriteString(l)
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}

// splitComment cuts a shell line at its first # outside quotes that starts a word.
func splitComment(l string) (cmd, comment string) {
	var quote rune
	prev := ' '
	for i, r := range l {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (prev == ' ' || prev == '\t' || i == 0):
			return l[:i], l[i+1:]
		}
		prev = r
	}
	return l, ""
}
