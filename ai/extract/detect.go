package extract

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"net/http"
	"strings"
	"unicode/utf16"
)

// Kind is an accepted type of source material, detected from the content.
type Kind string

// The accepted kinds.
const (
	PDF  Kind = "pdf"
	DOC  Kind = "doc"
	DOCX Kind = "docx"
	PNG  Kind = "png"
	JPEG Kind = "jpeg"
	GIF  Kind = "gif"
	WebP Kind = "webp"
)

// Kinds lists the accepted kinds.
var Kinds = []Kind{PDF, DOC, DOCX, PNG, JPEG, GIF, WebP}

// MediaType is the kind's IANA media type.
func (k Kind) MediaType() string {
	switch k {
	case PDF:
		return "application/pdf"
	case DOC:
		return "application/msword"
	case DOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case PNG:
		return "image/png"
	case JPEG:
		return "image/jpeg"
	case GIF:
		return "image/gif"
	case WebP:
		return "image/webp"
	}
	return "application/octet-stream"
}

// Label names the kind for people ("PDF", "Word 97-2003 document (DOC)").
func (k Kind) Label() string {
	switch k {
	case PDF:
		return "PDF"
	case DOC:
		return "Word 97-2003 document (DOC)"
	case DOCX:
		return "Word document (DOCX)"
	case PNG:
		return "PNG image"
	case JPEG:
		return "JPEG image"
	case GIF:
		return "GIF image"
	case WebP:
		return "WebP image"
	}
	return string(k)
}

// Image reports whether the kind is read by OCR.
func (k Kind) Image() bool { return k == PNG || k == JPEG || k == GIF || k == WebP }

// Detect identifies data by its content (magic bytes and structure; never a file name).
// It returns the accepted kind, or "" and a description of what the data is instead
// ("ZIP archive", "Windows executable (EXE/DLL)", "plain text", …).
func Detect(data []byte) (Kind, string) {
	switch {
	case len(data) == 0:
		return "", "an empty file"
	case isPDF(data):
		return PDF, PDF.Label()
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) && len(data) > 16 && string(data[12:16]) == "IHDR":
		return PNG, PNG.Label()
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG, JPEG.Label()
	case bytes.HasPrefix(data, []byte("GIF87a")) || bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF, GIF.Label()
	case len(data) >= 16 && string(data[0:4]) == "RIFF" && string(data[8:12]) == "WEBP" && strings.HasPrefix(string(data[12:16]), "VP8"):
		return WebP, WebP.Label()
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return detectZIP(data)
	case bytes.HasPrefix(data, oleMagic):
		return detectOLE(data)
	}
	return "", describe(data)
}

// isPDF: the header "%PDF-" must start within the first 1024 bytes (PDF 32000-1, 7.5.2
// readers tolerate leading junk) and be followed by a version digit.
func isPDF(data []byte) bool {
	head := data[:min(len(data), 1024)]
	i := bytes.Index(head, []byte("%PDF-"))
	return i >= 0 && i+5 < len(data) && data[i+5] >= '1' && data[i+5] <= '2'
}

// detectZIP tells a DOCX (a ZIP package with word/document.xml) from other ZIP-based
// formats.
func detectZIP(data []byte) (Kind, string) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", "a damaged ZIP archive"
	}
	names := map[string]bool{}
	for _, f := range zr.File {
		names[f.Name] = true
	}
	switch {
	case names["word/document.xml"] && names["[Content_Types].xml"]:
		return DOCX, DOCX.Label()
	case names["xl/workbook.xml"]:
		return "", "an Excel workbook (XLSX)"
	case names["ppt/presentation.xml"]:
		return "", "a PowerPoint presentation (PPTX)"
	case names["mimetype"] && names["content.xml"]:
		return "", "an OpenDocument file (ODT/ODS/ODP)"
	case names["META-INF/container.xml"]:
		return "", "an EPUB e-book"
	case names["META-INF/MANIFEST.MF"]:
		return "", "a Java archive (JAR)"
	}
	return "", "a ZIP archive"
}

var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// detectOLE reads the directory of an OLE2 compound file: a Word document has a
// "WordDocument" stream; Excel and PowerPoint files have their own.
func detectOLE(data []byte) (Kind, string) {
	names, ok := oleNames(data)
	if !ok {
		return "", "a damaged OLE2 compound file"
	}
	switch {
	case names["WordDocument"]:
		return DOC, DOC.Label()
	case names["Workbook"] || names["Book"]:
		return "", "an Excel 97-2003 workbook (XLS)"
	case names["PowerPoint Document"]:
		return "", "a PowerPoint 97-2003 presentation (PPT)"
	case names["__substg1.0_0037001F"] || names["__substg1.0_0037001E"]:
		return "", "an Outlook message (MSG)"
	}
	return "", "an OLE2 compound file that is not a Word document"
}

// oleNames lists the directory entry names of a compound file (MS-CFB): the header gives
// the sector size, the FAT sectors (109 in the header, then the DIFAT chain) and the first
// directory sector; the directory is a FAT chain of 128-byte entries.
func oleNames(data []byte) (map[string]bool, bool) {
	if len(data) < 512 {
		return nil, false
	}
	le := binary.LittleEndian
	shift := le.Uint16(data[0x1E:])
	if shift != 9 && shift != 12 {
		return nil, false
	}
	size := 1 << shift
	sector := func(n uint32) []byte {
		off := (int64(n) + 1) * int64(size)
		if n >= 0xFFFFFFFA || off+int64(size) > int64(len(data)) {
			return nil
		}
		return data[off : off+int64(size)]
	}
	// FAT sector numbers: 109 in the header, more in the DIFAT chain.
	var fatSectors []uint32
	for i := 0; i < 109; i++ {
		fatSectors = append(fatSectors, le.Uint32(data[0x4C+4*i:]))
	}
	next := le.Uint32(data[0x44:])
	for hops := 0; next < 0xFFFFFFFA && hops < 1<<16; hops++ {
		s := sector(next)
		if s == nil {
			return nil, false
		}
		for i := 0; i < size/4-1; i++ {
			fatSectors = append(fatSectors, le.Uint32(s[4*i:]))
		}
		next = le.Uint32(s[size-4:])
	}
	var fat []uint32
	for _, n := range fatSectors {
		if n >= 0xFFFFFFFA {
			continue
		}
		s := sector(n)
		if s == nil {
			return nil, false
		}
		for i := 0; i < size/4; i++ {
			fat = append(fat, le.Uint32(s[4*i:]))
		}
	}
	names := map[string]bool{}
	dir := le.Uint32(data[0x30:])
	for hops := 0; dir < 0xFFFFFFFA; hops++ {
		if hops > len(fat) {
			return nil, false // a loop
		}
		s := sector(dir)
		if s == nil {
			return nil, false
		}
		for off := 0; off+128 <= size; off += 128 {
			e := s[off : off+128]
			n := int(le.Uint16(e[0x40:]))
			if e[0x42] == 0 || n < 2 || n > 64 {
				continue
			}
			u := make([]uint16, n/2-1)
			for i := range u {
				u[i] = le.Uint16(e[2*i:])
			}
			names[string(utf16.Decode(u))] = true
		}
		if int(dir) >= len(fat) {
			return nil, false
		}
		dir = fat[dir]
	}
	return names, len(names) > 0
}

// describe names content that is not accepted.
func describe(data []byte) string {
	magic := []struct {
		prefix string
		what   string
	}{
		{"MZ", "a Windows executable (EXE/DLL)"},
		{"\x7fELF", "an ELF executable"},
		{"\xCA\xFE\xBA\xBE", "a Mach-O or Java class file"},
		{"\xCF\xFA\xED\xFE", "a Mach-O executable"},
		{"#!", "a script"},
		{"Rar!\x1A\x07", "a RAR archive"},
		{"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"},
		{"\x1F\x8B", "a gzip archive"},
		{"BZh", "a bzip2 archive"},
		{"\xFD7zXZ\x00", "an XZ archive"},
		{"BM", "a BMP image"},
		{"II*\x00", "a TIFF image"},
		{"MM\x00*", "a TIFF image"},
		{"\x00\x00\x01\x00", "an icon (ICO)"},
		{"8BPS", "a Photoshop image (PSD)"},
		{"{\\rtf", "a rich-text document (RTF)"},
		{"ID3", "an MP3 audio file"},
		{"OggS", "an Ogg media file"},
		{"fLaC", "a FLAC audio file"},
		{"\x1A\x45\xDF\xA3", "a Matroska/WebM video"},
		{"SQLite format 3\x00", "an SQLite database"},
		{"%!PS", "a PostScript document"},
	}
	for _, m := range magic {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return m.what
		}
	}
	if len(data) >= 12 && string(data[4:8]) == "ftyp" {
		if b := string(data[8:12]); b == "heic" || b == "heix" || b == "mif1" || b == "avif" {
			return "a HEIC/AVIF image"
		}
		return "an MP4/QuickTime video"
	}
	if len(data) >= 12 && string(data[0:4]) == "RIFF" {
		return "a RIFF media file (" + strings.TrimSpace(string(data[8:12])) + ")"
	}
	ct := http.DetectContentType(data)
	switch {
	case strings.HasPrefix(ct, "text/html"):
		return "an HTML page"
	case strings.HasPrefix(ct, "text/xml"):
		if bytes.Contains(data[:min(len(data), 1024)], []byte("<svg")) {
			return "an SVG image"
		}
		return "an XML document"
	case strings.HasPrefix(ct, "text/plain"):
		return "plain text"
	case ct == "application/octet-stream":
		return "unrecognised binary data"
	}
	return ct
}
