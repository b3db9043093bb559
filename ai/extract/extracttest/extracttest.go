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
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"strings"
	"unicode/utf16"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
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

// DOC returns a Word 97 binary document (nFib 193) of sections: each heading in the
// built-in style "heading 1" (istd 1), each paragraph in Normal (istd 0). Built from the
// specifications ([MS-CFB] compound file, [MS-DOC] FIB, piece table, style sheet and
// paragraph properties): the WordDocument stream holds the FIB, the 8-bit text and one
// PAPX FKP page; the 1Table stream holds the CLX (one piece), a minimal STSH and the
// PlcBtePapx. antiword's DocBook output shows the headings as chapter titles.
func DOC(sections []Section) []byte {
	var paras []string
	var istds []uint16
	for _, s := range sections {
		paras, istds = append(paras, s.Heading), append(istds, 1)
		for _, p := range s.Paragraphs {
			paras, istds = append(paras, p), append(istds, 0)
		}
	}
	return wordDoc(paras, istds)
}

// PlainDOC returns a Word 97 binary document whose paragraphs carry no styles (no
// paragraph properties at all): its headings can only be guessed from the text.
func PlainDOC(paragraphs []string) []byte { return wordDoc(paragraphs, nil) }

func wordDoc(paras []string, istds []uint16) []byte {
	text := []byte(strings.Join(paras, "\r") + "\r")
	for i, c := range text { // the piece is "compressed": one byte per character, cp1252
		if c >= 0x80 {
			text[i] = '?'
		}
	}
	const fcMin = 0x600
	le16 := binary.LittleEndian.PutUint16
	le32 := binary.LittleEndian.PutUint32
	wd := make([]byte, fcMin, fcMin+len(text))
	le16(wd[0x00:], 0xA5EC) // wIdent
	le16(wd[0x02:], 0x00C1) // nFib: Word 97
	le16(wd[0x06:], 0x0409) // lid: en-US
	le16(wd[0x0A:], 1<<9)   // fWhichTblStm: the table stream is 1Table
	le32(wd[0x18:], fcMin)  // fcMin
	le32(wd[0x1C:], uint32(fcMin+len(text)))
	le32(wd[0x4C:], uint32(len(text))) // ccpText
	wd = append(wd, text...)
	// CLX: one Pcdt holding a PlcPcd with one piece: CPs 0…ccpText, the PCD's fc with the
	// "compressed" bit (30) set and the byte offset doubled.
	plc := make([]byte, 16)
	le32(plc[4:], uint32(len(text)))
	le32(plc[10:], uint32(fcMin*2)|0x40000000)
	clx := append([]byte{0x02, 0, 0, 0, 0}, plc...)
	le32(clx[1:], uint32(len(plc)))
	// STSH: the style sheet header (STSHI, 18 bytes) and one empty style slot.
	stsh := make([]byte, 2+18+2)
	le16(stsh[0:], 18) // cbStshi
	le16(stsh[2:], 1)  // cstd
	le16(stsh[4:], 10) // cbSTDBaseInFile
	table := append(append([]byte{}, clx...), stsh...)
	le32(wd[0x1A2:], 0)                // fcClx
	le32(wd[0x1A6:], uint32(len(clx))) // lcbClx
	le32(wd[0xA2:], uint32(len(clx)))  // fcStshf
	le32(wd[0xA6:], uint32(len(stsh))) // lcbStshf
	if istds != nil && len(paras) <= 25 {
		// One FKP page of PAPXs after the text, 512-byte aligned: rgfc[crun+1], then
		// rgbx[crun] (a word offset and a 12-byte PHE each), the PAPXs (cb = 2: istd and a
		// pad byte) at the end of the page, crun in the last byte.
		for len(wd)%512 != 0 {
			wd = append(wd, 0)
		}
		pn := len(wd) / 512
		fkp := make([]byte, 512)
		crun := len(paras)
		fc := uint32(fcMin)
		for i, p := range paras {
			le32(fkp[4*i:], fc)
			fc += uint32(len(p) + 1)
		}
		le32(fkp[4*crun:], fc)
		papx := map[uint16]int{0: 0x1F0, 1: 0x1F8}
		for off, istd := range map[int]uint16{0x1F0: 0, 0x1F8: 1} {
			fkp[off] = 2
			le16(fkp[off+1:], istd)
		}
		for i, istd := range istds {
			fkp[4*(crun+1)+13*i] = byte(papx[istd] / 2)
		}
		fkp[511] = byte(crun)
		wd = append(wd, fkp...)
		bte := make([]byte, 12) // PlcBtePapx: aFC[2], aPnBtePapx[1]
		le32(bte[0:], fcMin)
		le32(bte[4:], fc)
		le32(bte[8:], uint32(pn))
		le32(wd[0x102:], uint32(len(table))) // fcPlcfbtePapx
		le32(wd[0x106:], uint32(len(bte)))   // lcbPlcfbtePapx
		table = append(table, bte...)
	}
	return compoundFile(map[string][]byte{"WordDocument": wd, "1Table": table})
}

// OLE returns a compound file with one stream of the given name (e.g. "Workbook": an
// XLS-like file that is not a Word document).
func OLE(stream string) []byte {
	return compoundFile(map[string][]byte{stream: bytes.Repeat([]byte{1}, 100)})
}

// compoundFile writes a version 3 compound file (512-byte sectors): sector 0 the FAT,
// sector 1 the directory, then each stream padded to at least 4096 bytes (so none lives
// in the mini stream). Streams are siblings under the root, chained to the right.
func compoundFile(streams map[string][]byte) []byte {
	const sect = 512
	le16 := binary.LittleEndian.PutUint16
	le32 := binary.LittleEndian.PutUint32
	names := make([]string, 0, len(streams))
	for n := range streams {
		names = append(names, n)
	}
	// A stable order: WordDocument first, then by name.
	for i := range names {
		for j := i + 1; j < len(names); j++ {
			if names[j] == "WordDocument" || (names[i] != "WordDocument" && names[j] < names[i]) {
				names[i], names[j] = names[j], names[i]
			}
		}
	}
	fat := make([]byte, sect)
	for i := 0; i < sect/4; i++ {
		le32(fat[4*i:], 0xFFFFFFFF) // free
	}
	le32(fat[0:], 0xFFFFFFFD) // the FAT itself
	le32(fat[4:], 0xFFFFFFFE) // the directory: one sector
	dir := make([]byte, 0, sect)
	entry := func(name string, typ byte, right, child, start, size uint32) []byte {
		e := make([]byte, 128)
		u := utf16.Encode([]rune(name))
		for i, c := range u {
			le16(e[2*i:], c)
		}
		if name != "" {
			le16(e[0x40:], uint16(2*(len(u)+1)))
		}
		e[0x42] = typ
		e[0x43] = 1 // black
		le32(e[0x44:], 0xFFFFFFFF)
		le32(e[0x48:], right)
		le32(e[0x4C:], child)
		le32(e[0x74:], start)
		le32(e[0x78:], size)
		return e
	}
	dir = append(dir, entry("Root Entry", 5, 0xFFFFFFFF, 1, 0xFFFFFFFE, 0)...)
	var data []byte
	next := uint32(2)
	for i, n := range names {
		s := streams[n]
		size := max(len(s), 4096)
		padded := make([]byte, (size+sect-1)/sect*sect)
		copy(padded, s)
		count := uint32(len(padded) / sect)
		for k := uint32(0); k < count; k++ {
			v := next + k + 1
			if k == count-1 {
				v = 0xFFFFFFFE
			}
			le32(fat[4*(next+k):], v)
		}
		right := uint32(0xFFFFFFFF)
		if i+1 < len(names) {
			right = uint32(i + 2)
		}
		dir = append(dir, entry(n, 2, right, 0xFFFFFFFF, next, uint32(size))...)
		data = append(data, padded...)
		next += count
	}
	if next > sect/4 || len(dir) > sect-128 {
		panic("extracttest: compound file too large for one FAT and directory sector")
	}
	for len(dir) < sect {
		dir = append(dir, entry("", 0, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0)...)
	}
	hdr := make([]byte, sect)
	copy(hdr, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	le16(hdr[0x18:], 0x003E) // minor version
	le16(hdr[0x1A:], 0x0003) // major version 3
	le16(hdr[0x1C:], 0xFFFE) // little-endian
	le16(hdr[0x1E:], 9)      // 512-byte sectors
	le16(hdr[0x20:], 6)      // 64-byte mini sectors
	le32(hdr[0x2C:], 1)      // FAT sectors
	le32(hdr[0x30:], 1)      // first directory sector
	le32(hdr[0x38:], 4096)   // mini stream cutoff
	le32(hdr[0x3C:], 0xFFFFFFFE)
	le32(hdr[0x44:], 0xFFFFFFFE)
	for i := 0; i < 109; i++ {
		le32(hdr[0x4C+4*i:], 0xFFFFFFFF)
	}
	le32(hdr[0x4C:], 0) // the FAT is sector 0
	out := append(hdr, fat...)
	out = append(out, dir...)
	return append(out, data...)
}

// TextImage renders lines of black text on white in the Go Regular font at 44 px, one
// line every 70 px, with margins: large, clean glyphs that OCR reads reliably.
func TextImage(lines []string) *image.RGBA {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err)
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: 44, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err)
	}
	defer face.Close()
	width := 200
	for _, l := range lines {
		width = max(width, font.MeasureString(face, l).Ceil()+120)
	}
	img := image.NewRGBA(image.Rect(0, 0, width, 70*len(lines)+100))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: face}
	for i, l := range lines {
		d.Dot = fixed.P(60, 90+70*i)
		d.DrawString(l)
	}
	return img
}

// PNG renders lines (TextImage) as a PNG.
func PNG(lines []string) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, TextImage(lines)); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// JPEG renders lines (TextImage) as a JPEG.
func JPEG(lines []string) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, TextImage(lines), &jpeg.Options{Quality: 92}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// GIF renders lines (TextImage) as a GIF.
func GIF(lines []string) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, TextImage(lines), &gif.Options{NumColors: 16}); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// WebPHeader returns the first bytes of a lossy WebP file (enough for detection, not a
// decodable image: Go has no WebP encoder).
func WebPHeader() []byte {
	b := []byte("RIFF\x00\x00\x00\x00WEBPVP8 \x00\x00\x00\x00")
	return append(b, make([]byte, 32)...)
}
