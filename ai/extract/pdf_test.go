package extract_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/learnd/learnd/ai/extract"
)

// bombPDF returns a minimal PDF (hand-written objects, a correct cross-reference table)
// with pages pages that all show the one FlateDecode content stream made of op repeated
// times times: a few kilobytes that inflate to len(op)*times bytes a page.
func bombPDF(t *testing.T, pages int, op string, times int) []byte {
	t.Helper()
	var z bytes.Buffer
	zw, err := zlib.NewWriterLevel(&z, zlib.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	block := []byte(strings.Repeat(op, max(1, 64<<10/len(op))))
	for written := 0; written < times; {
		n := min(times-written, 64<<10/len(op))
		if _, err := zw.Write(block[:n*len(op)]); err != nil {
			t.Fatal(err)
		}
		written += n
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}

	// Objects: 1 catalog, 2 page tree, 3 font, 4 content stream, 5… pages.
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"", // the page tree, once the pages are numbered
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes()),
	}
	var kids []string
	for i := range pages {
		kids = append(kids, fmt.Sprintf("%d 0 R", 5+i))
		objs = append(objs, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "+
			"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages)

	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// TestExtractPDFLimits: PDFs whose small compressed content inflates beyond the limits
// are refused with an *UnreadableError saying why, before their glyphs are read; a small
// PDF of the same construction still reads.
func TestExtractPDFLimits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		pdf   []byte
		want  string // in the error; "" means it extracts
		inDoc string // for a document that extracts: in its text
	}{
		{"small", bombPDF(t, 2, "BT /F1 12 Tf 72 700 Td (Ventilate the tank before entry.) Tj ET\n", 1), "", "Ventilate the tank"},
		// One page whose single stream inflates past the total: a graphics bomb.
		{"content over the total", bombPDF(t, 1, "0 0 m 1 1 l S\n", extract.MaxPDFContentBytes/14+1),
			fmt.Sprintf("its page content is over %d MB uncompressed", extract.MaxPDFContentBytes>>20), ""},
		// A modest stream shown by many pages counts once a page.
		{"shared stream over the total", bombPDF(t, 70, "0 0 m 1 1 l S\n", (1<<20)/14+1),
			fmt.Sprintf("its page content is over %d MB uncompressed", extract.MaxPDFContentBytes>>20), ""},
		// The reported bomb: a 14 MB "(A) Tj" stream, two million glyphs on one page.
		{"glyphs of a page", bombPDF(t, 1, "BT /F1 12 Tf 72 700 Td (A) Tj ET\n", 14<<20/34),
			"page 1 shows more than 400,000 bytes of text", ""},
		// Pages under the page limit that together hold too many glyphs.
		{"glyphs of the document", bombPDF(t, extract.MaxPDFGlyphs/(extract.MaxPDFPageTextBytes-10_000)+1,
			"BT /F1 12 Tf 72 700 Td ("+strings.Repeat("A", 10_000)+") Tj ET\n", (extract.MaxPDFPageTextBytes-10_000)/10_000),
			"more than 3,000,000 characters of text", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			if len(c.pdf) > 200<<10 {
				t.Fatalf("the fixture is %d bytes; keep it small", len(c.pdf))
			}
			doc, err := extract.Extractor{}.Extract(context.Background(), extract.PDF, c.pdf)
			if c.want == "" {
				if err != nil || !strings.Contains(doc.Text(), c.inDoc) {
					t.Fatalf("err = %v, text %q; want it to contain %q", err, doc.Text(), c.inDoc)
				}
				return
			}
			var ue *extract.UnreadableError
			if !errors.As(err, &ue) || ue.Kind != extract.PDF || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "too large") {
				t.Fatalf("err = %v, want an UnreadableError saying %q", err, c.want)
			}
		})
	}
}

// TestExtractPDFBombMemory: refusing the reported bomb (a 14 MB "(A) Tj" stream on one
// page, which the library would hold as two million glyphs) allocates little: the content
// is streamed through a bounded reader, never interpreted. Not parallel, so the
// allocation counter sees this test alone.
func TestExtractPDFBombMemory(t *testing.T) {
	data := bombPDF(t, 1, "(A) Tj\n", 14<<20/7)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := extract.Extractor{}.Extract(context.Background(), extract.PDF, data)
	runtime.ReadMemStats(&after)
	var ue *extract.UnreadableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "page 1 shows more than") {
		t.Fatalf("err = %v, want the page refused", err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	if alloc > 32<<20 {
		t.Errorf("refusing a %d-byte PDF allocated %d MB; want under 32 MB", len(data), alloc>>20)
	}
	t.Logf("refused a %d-byte PDF, allocating %d KB", len(data), alloc>>10)
}

// TestExtractPDFCanceled: the page loop stops when the context ends.
func TestExtractPDFCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := extract.Extractor{}.Extract(ctx, extract.PDF, bombPDF(t, 3, "BT /F1 12 Tf 72 700 Td (Hi) Tj ET\n", 1))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
