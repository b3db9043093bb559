// Package extracttest builds source-material fixtures for tests, in memory: a PDF
// (go-pdf/fpdf) with headings, a DOCX (zip + WordprocessingML) with heading styles, a
// Word 97 DOC (a minimal OLE2 compound file with a WordDocument stream and a piece table
// that antiword reads), images with rendered text for OCR (PNG, JPEG, GIF; Go font at a
// large size), and a scanned-looking PDF (an image, no text layer).
package extracttest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"html"
	"strings"

	"github.com/go-pdf/fpdf"
)

// Section is a heading and the paragraphs under it.
type Section struct {
	Heading    string
	Paragraphs []string
}

// Safety is a small document about confined spaces: known headings, known words.
var Safety = []Section{
	{Heading: "1. Confined Space Hazards", Paragraphs: []string{
		"A confined space has limited openings for entry and exit and is not designed for continuous occupancy. " +
			"Oxygen deficiency causes asphyxiation within minutes, so the atmosphere must be tested before anyone enters.",
		"Toxic gases such as hydrogen sulphide collect in low points. Continuous ventilation keeps the air safe to breathe.",
	}},
	{Heading: "2. Entry Permits", Paragraphs: []string{
		"Every entry needs a written permit signed by the supervisor. The permit lists the hazards, the isolation of " +
			"pipes and the rescue plan. An attendant stays outside and keeps count of the entrants at all times.",
	}},
	{Heading: "3. Rescue Procedures", Paragraphs: []string{
		"Rescuers never enter without breathing apparatus. The attendant calls the emergency team and uses the retrieval " +
			"tripod to lift the worker out. Practise the rescue drill twice a year.",
	}},
}

// PDF returns a PDF of sections: a 20 pt bold title, 15 pt bold numbered headings, 11 pt
// body text, one section per page after the first.
func PDF(title string, sections []Section) []byte {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(20, 20, 20)
	p.AddPage()
	p.SetFont("Helvetica", "B", 20)
	p.MultiCell(0, 10, title, "", "L", false)
	p.Ln(4)
	for i, s := range sections {
		if i > 1 {
			p.AddPage()
		}
		p.SetFont("Helvetica", "B", 15)
		p.MultiCell(0, 8, s.Heading, "", "L", false)
		p.Ln(2)
		p.SetFont("Helvetica", "", 11)
		for _, para := range s.Paragraphs {
			p.MultiCell(0, 5.5, para, "", "L", false)
			p.Ln(4)
		}
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		panic(fmt.Sprintf("extracttest: pdf: %v", err))
	}
	return b.Bytes()
}

// ManualPDF returns a PDF with page furniture: a running header ("ACME Safety Manual",
// 9 pt) and footer ("Page N of M", 9 pt) on every page, the title page first, then one
// section a page, each opening with its 15 pt bold heading.
func ManualPDF(title string, sections []Section) []byte {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(20, 20, 20)
	p.AliasNbPages("")
	p.SetHeaderFunc(func() {
		p.SetFont("Helvetica", "", 9)
		p.CellFormat(0, 6, "ACME Safety Manual", "", 1, "R", false, 0, "")
		p.Ln(4)
	})
	p.SetFooterFunc(func() {
		p.SetY(-15)
		p.SetFont("Helvetica", "", 9)
		p.CellFormat(0, 6, fmt.Sprintf("Page %d of {nb}", p.PageNo()), "", 0, "C", false, 0, "")
	})
	p.AddPage()
	p.SetFont("Helvetica", "B", 20)
	p.MultiCell(0, 10, title, "", "L", false)
	for _, s := range sections {
		p.AddPage()
		p.SetFont("Helvetica", "B", 15)
		p.MultiCell(0, 8, s.Heading, "", "L", false)
		p.Ln(2)
		p.SetFont("Helvetica", "", 11)
		for _, para := range s.Paragraphs {
			p.MultiCell(0, 5.5, para, "", "L", false)
			p.Ln(4)
		}
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		panic(fmt.Sprintf("extracttest: pdf: %v", err))
	}
	return b.Bytes()
}

// ScannedPDF returns a PDF whose pages hold only an image of text (no text layer).
func ScannedPDF() []byte {
	p := fpdf.New("P", "mm", "A4", "")
	p.AddPage()
	p.RegisterImageOptionsReader("scan", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(PNG([]string{"Scanned page"})))
	p.ImageOptions("scan", 20, 20, 150, 0, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		panic(fmt.Sprintf("extracttest: pdf: %v", err))
	}
	return b.Bytes()
}

// DOCX returns a Word document: the title in the Title style, each heading in
// "heading 1" (by style id Heading1), paragraphs in Normal; a deleted run that must not
// be extracted, and a table with one cell.
func DOCX(title string, sections []Section) []byte {
	var body strings.Builder
	para := func(style, text string) {
		body.WriteString(`<w:p>`)
		if style != "" {
			body.WriteString(`<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`)
		}
		body.WriteString(`<w:r><w:t xml:space="preserve">` + html.EscapeString(text) + `</w:t></w:r></w:p>`)
	}
	para("Title", title)
	for i, s := range sections {
		para("Heading1", s.Heading)
		for _, p := range s.Paragraphs {
			para("", p)
		}
		if i == 0 {
			body.WriteString(`<w:p><w:r><w:t>Kept text.</w:t></w:r><w:del w:id="1" w:author="x"><w:r><w:delText>REMOVEDWORD</w:delText></w:r></w:del></w:p>`)
			body.WriteString(`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Table cell about lockout tagout.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`)
		}
	}
	const ns = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"`
	files := map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/_rels/document.xml.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
		"word/styles.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ` + ns + `><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style></w:styles>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + ns + `><w:body>` + body.String() + `<w:sectPr/></w:body></w:document>`,
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/styles.xml", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			panic(err)
		}
		if _, err := w.Write([]byte(files[name])); err != nil {
			panic(err)
		}
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// ZIP returns a plain ZIP archive with one text file.
func ZIP() []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("notes.txt")
	_, _ = w.Write([]byte("not a document"))
	_ = zw.Close()
	return b.Bytes()
}

// EXE returns the start of a Windows executable (an MS-DOS stub with the PE signature).
func EXE() []byte {
	b := make([]byte, 1024)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3C:], 0x80)
	copy(b[0x80:], "PE\x00\x00")
	copy(b[0x4E:], "This program cannot be run in DOS mode.")
	return b
}
