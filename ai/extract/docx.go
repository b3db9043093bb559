package extract

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/learnd/learnd/ai/chunk"
)

// maxXMLPart bounds one decompressed part of a DOCX (a ZIP bomb stops here).
const maxXMLPart = 64 << 20

// extractDOCX reads word/document.xml paragraph by paragraph. A paragraph is a heading
// when its style is a heading ("heading 1"…"heading 9", "Title"; by name or by id) or
// carries an outline level (on the paragraph or its style, followed through basedOn).
// Text runs (w:t), tabs and breaks count; deleted text, field codes, footnotes and
// headers do not. A table row is one paragraph, "cell | cell". The parts are taken out
// of the ZIP package by unzip in the sandbox, at most maxXMLPart each.
func (x Extractor) extractDOCX(ctx context.Context, w *workdir, data []byte) ([]chunk.Block, error) {
	path, err := program(DOCX, "unzip", "unzip", x.Unzip)
	if err != nil {
		return nil, err
	}
	file, err := w.write("upload.docx", data)
	if err != nil {
		return nil, err
	}
	part := func(name string) ([]byte, error) {
		lim := x
		lim.Limits.Output = maxXMLPart
		b, err := lim.sandboxRun(ctx, DOCX, "unzip", path, w.dir, "-p", "-qq", file, name)
		var unreadable *UnreadableError
		if errors.As(err, &unreadable) && strings.Contains(unreadable.Detail, "more than") {
			return nil, &UnreadableError{Kind: DOCX, Detail: name + " is larger than 64 MB uncompressed"}
		}
		return b, err
	}
	doc, err := part("word/document.xml")
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(doc)) == 0 {
		return nil, &UnreadableError{Kind: DOCX, Detail: "word/document.xml is missing"}
	}
	levels := map[string]int{}
	if styles, err := part("word/styles.xml"); err == nil {
		levels = styleLevels(styles)
	} else if ctx.Err() != nil {
		return nil, err
	}
	return docxBlocks(doc, levels)
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// headingStyleLevel maps a style name or id to a heading level (0: not a heading).
func headingStyleLevel(s string) int {
	n := strings.ToLower(strings.ReplaceAll(s, " ", ""))
	switch {
	case n == "title":
		return 1
	case n == "subtitle":
		return 2
	case strings.HasPrefix(n, "heading"):
		if l, err := strconv.Atoi(strings.TrimPrefix(n, "heading")); err == nil && l >= 1 && l <= 9 {
			return l
		}
	}
	return 0
}

// styleLevels reads styles.xml: styleId → heading level, from the style's name, its
// outline level, or the style it is based on.
func styleLevels(b []byte) map[string]int {
	type style struct {
		name, basedOn string
		outline       int // 1-based; 0 none
	}
	all := map[string]*style{}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var cur *style
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "style":
				if attr(t, "type") == "paragraph" {
					cur = &style{}
					all[attr(t, "styleId")] = cur
				} else {
					cur = nil
				}
			case "name":
				if cur != nil {
					cur.name = attr(t, "val")
				}
			case "basedOn":
				if cur != nil {
					cur.basedOn = attr(t, "val")
				}
			case "outlineLvl":
				if cur != nil {
					if l, err := strconv.Atoi(attr(t, "val")); err == nil && l >= 0 && l < 9 {
						cur.outline = l + 1
					}
				}
			}
		case xml.EndElement:
			if t.Name.Local == "style" {
				cur = nil
			}
		}
	}
	out := map[string]int{}
	for id := range all {
		s, hops := all[id], 0
		for s != nil && hops < 10 {
			if l := headingStyleLevel(s.name); l > 0 {
				out[id] = l
				break
			}
			if s.outline > 0 {
				out[id] = s.outline
				break
			}
			s = all[s.basedOn]
			hops++
		}
	}
	return out
}

func docxBlocks(b []byte, levels map[string]int) ([]chunk.Block, error) {
	type para struct {
		text  strings.Builder
		level int
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	var (
		out      []chunk.Block
		stack    []*para // a text box's paragraphs nest inside a paragraph
		inText   bool
		skip     int // depth inside deleted text, field codes and other ignored parts
		paraSeen bool
		rows     [][]string // the open table rows (tables nest)
		cell     []string   // the paragraphs of the open cell
	)
	top := func() *para {
		if len(stack) == 0 {
			return nil
		}
		return stack[len(stack)-1]
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &UnreadableError{Kind: DOCX, Detail: fmt.Sprintf("word/document.xml: %v", err)}
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			p := top()
			switch t.Name.Local {
			case "p":
				stack = append(stack, &para{})
				paraSeen = true
			case "tr":
				rows = append(rows, nil)
			case "tc":
				cell = cell[:0]
			case "pStyle":
				if p != nil {
					id := attr(t, "val")
					if l, ok := levels[id]; ok {
						p.level = l
					} else if l := headingStyleLevel(id); l > 0 {
						p.level = l
					}
				}
			case "outlineLvl":
				if p != nil {
					if l, err := strconv.Atoi(attr(t, "val")); err == nil && l >= 0 && l < 9 {
						p.level = l + 1
					}
				}
			case "t":
				inText = true
			case "tab", "br", "cr":
				if p != nil {
					p.text.WriteByte(' ')
				}
			case "noBreakHyphen":
				if p != nil {
					p.text.WriteByte('-')
				}
			case "del", "delText", "instrText", "fldData", "rPrChange", "pPrChange", "footnoteReference", "commentReference":
				skip = 1
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if p := top(); p != nil {
					stack = stack[:len(stack)-1]
					s := strings.TrimSpace(p.text.String())
					switch {
					case s == "":
					case len(rows) > 0:
						cell = append(cell, s)
					default:
						out = append(out, chunk.Block{Heading: p.level > 0, Level: p.level, Text: s})
					}
				}
			case "tc":
				if n := len(rows); n > 0 {
					rows[n-1] = append(rows[n-1], strings.Join(cell, " "))
					cell = cell[:0]
				}
			case "tr":
				if n := len(rows); n > 0 {
					row := rows[n-1]
					rows = rows[:n-1]
					if r := strings.Join(row, " | "); strings.Trim(r, " |") != "" {
						if len(rows) > 0 { // a table inside a cell: its row joins the cell
							cell = append(cell, r)
						} else {
							out = append(out, chunk.Block{Text: r})
						}
					}
				}
			}
		case xml.CharData:
			if p := top(); inText && skip == 0 && p != nil {
				p.text.Write(t)
			}
		}
	}
	if !paraSeen {
		return nil, &UnreadableError{Kind: DOCX, Detail: "word/document.xml has no paragraphs"}
	}
	return out, nil
}
