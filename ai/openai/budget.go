package openai

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/learnd/learnd/ai"
)

// The context budget of one call (see the package comment). Sizes are counted in bytes
// at bytesPerToken bytes a token: English runs about four characters a token, and other
// scripts take two to three bytes a character at one to three characters a token, so a
// budget in bytes holds for them too.
const (
	defaultContextTokens = 16384
	minContextTokens     = 8192
	bytesPerToken        = 3
	// retryReserve is what a retry adds besides the earlier reply: the reasons
	// (maxRetryReason), the words around them and the chat template's per-message tokens.
	retryReserve = maxRetryReason + 300
	// minSourceRoom is the least source text a call is given, even when the rest of the
	// prompt leaves less (a chunk is then cut to it).
	minSourceRoom = 600
	// minPrompt is the least prompt budget that holds the longest system prompt, a
	// request and a little source text.
	minPrompt = 8000
)

// budget is one configuration's split of the context window.
type budget struct {
	context int // tokens in the model's context window
	reply   int // max_tokens of a reply
}

func newBudget(contextTokens, replyTokens int) (budget, error) {
	if contextTokens <= 0 {
		contextTokens = defaultContextTokens
	}
	if contextTokens < minContextTokens {
		return budget{}, fmt.Errorf("openai generator: LEARND_LLM_CONTEXT_TOKENS must be at least %d (it is %d)", minContextTokens, contextTokens)
	}
	b := budget{context: contextTokens, reply: replyTokens}
	if b.reply <= 0 {
		b.reply = min(max(contextTokens/4, 1024), 4096)
	}
	if b.prompt() < minPrompt {
		return budget{}, fmt.Errorf("openai generator: %d reply tokens leave too little of a %d-token context for the prompt", b.reply, contextTokens)
	}
	return b, nil
}

// prompt is the bytes the system and user messages of a first call may hold: the window
// less the reply, less room for a retry (the earlier reply and the reasons).
func (b budget) prompt() int {
	return (b.context-2*b.reply)*bytesPerToken - retryReserve
}

// room is what is left of the prompt budget for source text once the fixed parts (the
// system message, the request) are in; never less than minSourceRoom.
func (b budget) room(fixed ...string) int {
	n := b.prompt()
	for _, s := range fixed {
		n -= len(s)
	}
	return max(n, minSourceRoom)
}

// replyChars is the reply length the model is asked to stay under: the reply's tokens at
// bytesPerToken characters a token, below what most text takes.
func (b budget) replyChars() int { return b.reply * bytesPerToken }

// chunkHeader is the line above a chunk's text in a prompt.
func chunkHeader(n int, ch ai.Chunk) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\n[%d]", n)
	if ch.Source != "" {
		fmt.Fprintf(&b, " source=%q", ch.Source)
	}
	if ch.Heading != "" {
		fmt.Fprintf(&b, " heading=%q", ch.Heading)
	}
	b.WriteString("\n")
	return b.String()
}

// chunkCost is the bytes a chunk takes in a prompt (its number taken as three digits).
func chunkCost(ch ai.Chunk) int {
	return len(chunkHeader(100, ch)) + len(strings.TrimSpace(ch.Text)) + 1
}

const chunksIntro = "\nSource chunks, numbered:\n"

// writeChunks appends the numbered chunks to a user message.
func writeChunks(b *strings.Builder, chunks []ai.Chunk) {
	if len(chunks) == 0 {
		return
	}
	b.WriteString(chunksIntro)
	for i, ch := range chunks {
		b.WriteString(chunkHeader(i+1, ch))
		b.WriteString(strings.TrimSpace(ch.Text))
		b.WriteString("\n")
	}
}

// fit keeps the leading chunks that fit in room bytes (as writeChunks writes them); a
// first chunk larger than room is cut to fit.
func fit(chunks []ai.Chunk, room int) []ai.Chunk {
	total := len(chunksIntro)
	for i, ch := range chunks {
		total += chunkCost(ch)
		if total <= room {
			continue
		}
		if i > 0 {
			return chunks[:i]
		}
		cut := ch
		cut.Text = cutBytes(strings.TrimSpace(ch.Text), room-len(chunksIntro)-len(chunkHeader(100, ch))-1)
		if cut.Text == "" {
			return nil
		}
		return []ai.Chunk{cut}
	}
	return chunks
}

// spread picks evenly spaced chunks (keeping their order) that fit in room bytes: all of
// them when they fit.
func spread(chunks []ai.Chunk, room int) []ai.Chunk {
	total := len(chunksIntro)
	for _, ch := range chunks {
		total += chunkCost(ch)
	}
	if total <= room || len(chunks) <= 1 {
		return fit(chunks, room)
	}
	avg := max((total-len(chunksIntro))/len(chunks), 1)
	for n := min(max(room/avg, 1), len(chunks)); n >= 1; n-- {
		picked := make([]ai.Chunk, 0, n)
		size := len(chunksIntro)
		for i := range n {
			ch := chunks[i*len(chunks)/n]
			picked = append(picked, ch)
			size += chunkCost(ch)
		}
		if size <= room || n == 1 {
			return fit(picked, room)
		}
	}
	return nil
}

// outlineSource is the document as the outline call sees it: the whole text (with its
// headings) when it fits in room bytes; else its distinct headings in order (evenly
// thinned to a third of room when there are more) and excerpts of evenly spread chunks.
// whole says which.
func outlineSource(chunks []ai.Chunk, room int) (text string, whole bool) {
	var full strings.Builder
	full.WriteString("\nThe document:\n")
	heading := ""
	for _, ch := range chunks {
		if ch.Heading != "" && ch.Heading != heading {
			heading = ch.Heading
			fmt.Fprintf(&full, "\n## %s\n", heading)
		}
		full.WriteString(strings.TrimSpace(ch.Text))
		full.WriteString("\n")
	}
	if full.Len() <= room {
		return full.String(), true
	}
	var headings []string
	seen := map[string]bool{}
	size := 0
	for _, ch := range chunks {
		if h := strings.TrimSpace(ch.Heading); h != "" && !seen[h] {
			seen[h] = true
			headings = append(headings, h)
			size += len(h) + 3
		}
	}
	var b strings.Builder
	b.WriteString("\nThe document is too long to show whole. ")
	if len(headings) > 0 {
		if size > room/3 {
			keep := max(len(headings)*(room/3)/size, 1)
			thinned := make([]string, 0, keep)
			for i := range keep {
				thinned = append(thinned, headings[i*len(headings)/keep])
			}
			headings = thinned
			b.WriteString("A selection of its headings, evenly spread, in order:\n")
		} else {
			b.WriteString("Its headings, in order:\n")
		}
		for _, h := range headings {
			fmt.Fprintf(&b, "- %s\n", h)
		}
	}
	b.WriteString("\nExcerpts, evenly spread through the document:\n")
	const excerpt = 400
	left := room - b.Len()
	n := min(max(left/(excerpt+60), 1), len(chunks))
	for i := range n {
		ch := chunks[i*len(chunks)/n]
		line := "\n"
		if ch.Heading != "" {
			line = fmt.Sprintf("\n(%s) ", cutBytes(ch.Heading, 50))
		}
		line += cutBytes(strings.Join(strings.Fields(ch.Text), " "), excerpt) + "\n"
		if b.Len()+len(line) > room {
			break
		}
		b.WriteString(line)
	}
	return b.String(), false
}

// cutBytes shortens s to at most n bytes, at a rune boundary.
func cutBytes(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
