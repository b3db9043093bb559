package extract_test

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/ai/extract/extracttest"
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

// noChildrenLeft fails when a program started for extraction still runs a second later.
func noChildrenLeft(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for {
		left := map[int]string{}
		for pid, comm := range extracttest.Children() {
			switch comm {
			case "pdftohtml", "pdfinfo", "pdftoppm", "tesseract", "antiword", "unzip", "prlimit":
				left[pid] = comm
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("programs still running a second after the extraction returned: %v", left)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSandboxLimits: a PDF whose few kilobytes inflate to a huge page is stopped by each
// limit in turn, with an *UnreadableError saying which, and nothing keeps running.
func TestSandboxLimits(t *testing.T) {
	// Not parallel: it counts this process's children.
	heavy := bombPDF(t, 40, "BT /F1 1 Tf 0 0 Td (ABCDEFGH) Tj ET\n", 200_000)
	cases := []struct {
		name   string
		limits extract.Limits
		want   string
	}{
		{"deadline", extract.Limits{Deadline: 300 * time.Millisecond}, "longer than the 300ms"},
		{"cpu", extract.Limits{CPU: time.Second}, "CPU time"},
		{"memory", extract.Limits{Memory: 24 << 20}, "pdf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, err := extract.Extractor{Limits: c.limits}.Extract(context.Background(), extract.PDF, heavy)
			var ue *extract.UnreadableError
			if !errors.As(err, &ue) || !strings.Contains(strings.ToLower(err.Error()), strings.ToLower(c.want)) {
				t.Fatalf("err = %v, want an UnreadableError mentioning %q", err, c.want)
			}
			t.Logf("%s: %v (%s)", c.name, err, time.Since(start).Round(time.Millisecond))
			noChildrenLeft(t)
		})
	}
}

// TestSandboxCanceled: when the caller goes away, the program is killed at once.
func TestSandboxCanceled(t *testing.T) {
	heavy := bombPDF(t, 40, "BT /F1 1 Tf 0 0 Td (ABCDEFGH) Tj ET\n", 200_000)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, err := extract.Extractor{}.Extract(ctx, extract.PDF, heavy)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("returned %s after the start, want soon after the cancel at 200ms", d)
	}
	noChildrenLeft(t)
}

// TestSandboxBusy: with every slot taken, an extraction waits QueueWait and is refused
// as busy.
func TestSandboxBusy(t *testing.T) {
	t.Parallel()
	heavy := bombPDF(t, 40, "BT /F1 1 Tf 0 0 Td (ABCDEFGH) Tj ET\n", 200_000)
	limits := extract.Limits{Concurrent: 3, QueueWait: 200 * time.Millisecond, Deadline: 2 * time.Second} // 3: a pool of its own
	done := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := extract.Extractor{Limits: limits}.Extract(context.Background(), extract.PDF, heavy)
			done <- err
		}()
	}
	time.Sleep(300 * time.Millisecond)
	_, err := extract.Extractor{Limits: limits}.Extract(context.Background(), extract.PDF, heavy)
	var busy *extract.BusyError
	if !errors.As(err, &busy) {
		t.Errorf("err = %v, want a BusyError", err)
	}
	for range 3 {
		<-done
	}
}

// TestSandboxZipBomb: a DOCX whose document.xml inflates past 64 MB is refused by the
// output limit of unzip, without inflating the rest.
func TestSandboxZipBomb(t *testing.T) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if name == "word/document.xml" {
			io.WriteString(w, `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>`)
			chunk := bytes.Repeat([]byte(" "), 1<<20)
			for range 100 {
				if _, err := w.Write(chunk); err != nil {
					t.Fatal(err)
				}
			}
			io.WriteString(w, `</w:t></w:r></w:p></w:body></w:document>`)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if k, what := extract.Detect(b.Bytes()); k != extract.DOCX {
		t.Fatalf("detected %q (%s), want docx", k, what)
	}
	_, err := extract.Extractor{}.Extract(context.Background(), extract.DOCX, b.Bytes())
	var ue *extract.UnreadableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), "larger than 64 MB uncompressed") {
		t.Fatalf("err = %v, want the part refused as larger than 64 MB", err)
	}
	t.Logf("a %d KB DOCX: %v", b.Len()>>10, err)
	noChildrenLeft(t)
}
