package extract_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/learnd/learnd/ai/extract"
)

// pngHeader returns a PNG signature, an IHDR chunk declaring w × h RGB pixels and an
// IEND chunk: a few dozen bytes that declare an image of any size (no pixel data).
func pngHeader(w, h uint32, badCRC bool) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		sum := crc.Sum32()
		if badCRC {
			sum++
		}
		_ = binary.Write(&b, binary.BigEndian, sum)
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB, deflate, no filter method, no interlace
	chunk("IHDR", ihdr)
	chunk("IEND", nil)
	return b.Bytes()
}

// gifHeader returns a GIF header and logical screen descriptor of w × h.
func gifHeader(w, h uint16) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	return append(b, 0, 0, 0, ';') // no colour table, background, aspect; trailer
}

// jpegHeader returns a JPEG start of image, a baseline frame header (SOF0) of w × h
// grey pixels and a start of scan marker.
func jpegHeader(w, h uint16) []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8}
	b = binary.BigEndian.AppendUint16(b, h)
	b = binary.BigEndian.AppendUint16(b, w)
	b = append(b, 1, 1, 0x11, 0) // one component: id 1, 1×1 sampling, table 0
	return append(b, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0)
}

// webpHeader returns an extended WebP (VP8X chunk) whose canvas is w × h.
func webpHeader(w, h uint32) []byte {
	vp8x := []byte{0, 0, 0, 0}
	vp8x = append(vp8x, byte(w-1), byte((w-1)>>8), byte((w-1)>>16), byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	b := []byte("RIFF")
	b = binary.LittleEndian.AppendUint32(b, uint32(4+8+len(vp8x)))
	b = append(b, "WEBPVP8X"...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(vp8x)))
	return append(b, vp8x...)
}

// TestExtractImageLimits: an image whose header declares more than MaxImagePixels, or
// whose header cannot be read, is refused before tesseract runs (the extractor is given
// a tesseract that does not exist: reaching it would be a MissingProgramError).
func TestExtractImageLimits(t *testing.T) {
	t.Parallel()
	x := extract.Extractor{Tesseract: "/nonexistent/tesseract"}
	cases := []struct {
		name string
		kind extract.Kind
		data []byte
		want string
	}{
		{"png 20000×20000", extract.PNG, pngHeader(20000, 20000, false), "20000 × 20000 pixels (400.0 megapixels), more than the 50 megapixels"},
		{"png just over", extract.PNG, pngHeader(10000, 5001, false), "10000 × 5001 pixels (50.0 megapixels)"},
		{"gif", extract.GIF, gifHeader(65535, 65535), "65535 × 65535 pixels"},
		{"jpeg", extract.JPEG, jpegHeader(60000, 60000), "60000 × 60000 pixels"},
		{"webp", extract.WebP, webpHeader(10000, 10000), "10000 × 10000 pixels"},
		{"damaged png header", extract.PNG, pngHeader(100, 100, true), "its header cannot be read"},
	}
	for _, c := range cases {
		if k, _ := extract.Detect(c.data); k != c.kind {
			t.Errorf("%s: detected %q, want %q", c.name, k, c.kind)
			continue
		}
		_, err := x.Extract(context.Background(), c.kind, c.data)
		var ue *extract.UnreadableError
		if !errors.As(err, &ue) || ue.Kind != c.kind || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want an UnreadableError saying %q", c.name, err, c.want)
		}
	}
	// At the limit, the image goes on to OCR (here: the missing program).
	_, err := x.Extract(context.Background(), extract.PNG, pngHeader(10000, 5000, false))
	var mp *extract.MissingProgramError
	if !errors.As(err, &mp) {
		t.Errorf("a 50-megapixel PNG: err = %v, want it to reach tesseract", err)
	}
}
