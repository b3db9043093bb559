package extract

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"github.com/learnd/learnd/ai/chunk"
)

// extractDOC runs antiword. Its DocBook output (-x db) keeps the Word heading styles as
// chapter/sect1…sect5 titles; a document without heading styles gets the plain-text
// heading heuristic on its paragraphs. Should the DocBook conversion fail, the plain text
// output (-w 0: a paragraph a line) is used instead.
func (x Extractor) extractDOC(ctx context.Context, w *workdir, data []byte) ([]chunk.Block, error) {
	path, err := program(DOC, "antiword", "antiword", x.Antiword)
	if err != nil {
		return nil, err
	}
	file, err := w.write("upload.doc", data)
	if err != nil {
		return nil, err
	}
	out, err := x.sandboxRun(ctx, DOC, "antiword", path, w.dir, "-x", "db", file)
	if err == nil {
		if blocks, ok := docbookBlocks(out); ok {
			return blocks, nil
		}
	}
	if err != nil && ctx.Err() != nil {
		return nil, err
	}
	out, err = x.sandboxRun(ctx, DOC, "antiword", path, w.dir, "-w", "0", "-m", "UTF-8.txt", file)
	if err != nil {
		return nil, err
	}
	var paras []string
	for _, line := range strings.Split(string(out), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			paras = append(paras, line)
		}
	}
	return plainBlocks(paras), nil
}

// docbookBlocks reads antiword's DocBook: <title> inside <chapter> (level 1) or <sectN>
// (level N+1) is a heading; <para> (also in lists) and a table's <entry> are paragraphs; the book's
// own title and bookinfo (document properties) are skipped. ok is false when the XML
// cannot be read.
func docbookBlocks(b []byte) ([]chunk.Block, bool) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	dec.AutoClose = xml.HTMLAutoClose
	dec.Entity = xml.HTMLEntity
	var (
		out    []chunk.Block
		stack  []string
		text   strings.Builder
		titles int
		row    []string
	)
	level := func() int {
		for i := len(stack) - 1; i >= 0; i-- {
			switch s := stack[i]; {
			case s == "chapter":
				return 1
			case len(s) == 5 && strings.HasPrefix(s, "sect") && s[4] >= '1' && s[4] <= '5':
				return int(s[4]-'0') + 1
			}
		}
		return 0
	}
	inside := func(name string) bool {
		for _, s := range stack {
			if s == name {
				return true
			}
		}
		return false
	}
	var paras []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			stack = append(stack, t.Name.Local)
			if t.Name.Local == "title" || t.Name.Local == "para" || t.Name.Local == "entry" {
				text.Reset()
			}
			if t.Name.Local == "row" {
				row = row[:0]
			}
		case xml.EndElement:
			if len(stack) == 0 {
				return nil, false
			}
			name := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			s := strings.TrimSpace(text.String())
			switch {
			case s == "" || inside("bookinfo"):
			case name == "title" && level() > 0:
				out = append(out, chunk.Block{Heading: true, Level: level(), Text: s})
				titles++
			case name == "entry" || (name == "para" && inside("entry")):
				row = append(row, s)
			case name == "para":
				out = append(out, chunk.Block{Text: s})
				paras = append(paras, s)
			}
			if name == "row" && len(row) > 0 {
				// A table row is one paragraph, its cells apart: "cell | cell".
				r := strings.Join(row, " | ")
				out = append(out, chunk.Block{Text: r})
				paras = append(paras, r)
				row = row[:0]
			}
			if name == "title" || name == "para" || name == "entry" {
				text.Reset()
			}
		case xml.CharData:
			text.Write(t)
		}
	}
	if titles == 0 {
		return plainBlocks(paras), true
	}
	return out, true
}
