package extract_test

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/learnd/learnd/ai/chunk"
	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/ai/extract/extracttest"
)

// needProgram fails (not skips) when a program the tests need is missing: make test
// installs them (scripts/ensure-tools.sh).
func needProgram(t *testing.T, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed: run scripts/ensure-tools.sh (make test does)", name)
	}
}

func headings(d extract.Document) []string { return d.Headings() }

func TestExtractDetect(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		data []byte
		kind extract.Kind
		what string // for refused data, part of the description
	}{
		{"pdf", extracttest.PDF("T", extracttest.Safety), extract.PDF, ""},
		{"docx", extracttest.DOCX("T", extracttest.Safety), extract.DOCX, ""},
		{"doc", extracttest.PlainDOC([]string{"Hello"}), extract.DOC, ""},
		{"png", extracttest.PNG([]string{"Hi"}), extract.PNG, ""},
		{"jpeg", extracttest.JPEG([]string{"Hi"}), extract.JPEG, ""},
		{"gif", extracttest.GIF([]string{"Hi"}), extract.GIF, ""},
		{"webp", extracttest.WebPHeader(), extract.WebP, ""},
		{"zip", extracttest.ZIP(), "", "ZIP archive"},
		{"exe", extracttest.EXE(), "", "Windows executable"},
		{"xls", extracttest.OLE("Workbook"), "", "Excel"},
		{"ole", extracttest.OLE("Other"), "", "not a Word document"},
		{"text", []byte("just some notes\nand more"), "", "plain text"},
		{"html", []byte("<!DOCTYPE html><html><body>x</body></html>"), "", "HTML"},
		{"empty", nil, "", "empty"},
		{"truncated png", []byte("\x89PNG\r\n\x1a\n"), "", ""},
		{"pdf header only in name", []byte("hello %PDF"), "", "plain text"},
	}
	for _, c := range cases {
		kind, what := extract.Detect(c.data)
		if kind != c.kind {
			t.Errorf("%s: kind %q, want %q (%s)", c.name, kind, c.kind, what)
		}
		if c.kind == "" && !strings.Contains(what, c.what) {
			t.Errorf("%s: description %q, want it to mention %q", c.name, what, c.what)
		}
	}
}

func TestExtractPDF(t *testing.T) {
	t.Parallel()
	doc, err := extracttest.Extractor.Extract(context.Background(), extract.PDF, extracttest.PDF("Working Safely in Confined Spaces", extracttest.Safety))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Working Safely in Confined Spaces", "1. Confined Space Hazards", "2. Entry Permits", "3. Rescue Procedures"}
	if got := headings(doc); !slices.Equal(got, want) {
		t.Errorf("headings = %q, want %q", got, want)
	}
	if doc.Blocks[0].Level != 1 || doc.Blocks[1].Level != 2 {
		t.Errorf("levels: title %d, section %d; want 1 and 2", doc.Blocks[0].Level, doc.Blocks[1].Level)
	}
	text := doc.Text()
	for _, w := range []string{"asphyxiation within minutes", "hydrogen sulphide", "retrieval tripod", "signed by the supervisor"} {
		if !strings.Contains(text, w) {
			t.Errorf("the text lacks %q:\n%s", w, text)
		}
	}
	// Paragraphs are rebuilt from wrapped lines: the first body paragraph is one block.
	var paras []string
	for _, b := range doc.Blocks {
		if !b.Heading {
			paras = append(paras, b.Text)
		}
	}
	if len(paras) != 4 || !strings.HasPrefix(paras[0], "A confined space has limited") || !strings.HasSuffix(paras[0], "before anyone enters.") {
		t.Errorf("paragraphs = %q", paras)
	}
}

// TestExtractPDFFurniture: running headers, footers and page numbers are dropped; the
// headings opening every page are kept.
func TestExtractPDFFurniture(t *testing.T) {
	t.Parallel()
	var sections []extracttest.Section
	var want []string
	for i := 1; i <= 6; i++ {
		h := fmt.Sprintf("%d. Procedure number %d", i, i)
		want = append(want, h)
		sections = append(sections, extracttest.Section{Heading: h, Paragraphs: []string{
			fmt.Sprintf("Step %d explains how the crew checks ventilation before the work begins.", i)}})
	}
	doc, err := extracttest.Extractor.Extract(context.Background(), extract.PDF, extracttest.ManualPDF("Safety Manual", sections))
	if err != nil {
		t.Fatal(err)
	}
	if got := headings(doc); !slices.Equal(got, append([]string{"Safety Manual"}, want...)) {
		t.Errorf("headings = %q", got)
	}
	text := doc.Text()
	if strings.Contains(text, "ACME Safety Manual") || strings.Contains(text, "Page 3") || !strings.Contains(text, "Step 6 explains") {
		t.Errorf("furniture kept or text lost:\n%s", text)
	}
}

// TestExtractScannedPDF: a page without a text layer is rendered and read by OCR.
func TestExtractScannedPDF(t *testing.T) {
	t.Parallel()
	doc, err := extracttest.Extractor.Extract(context.Background(), extract.PDF, extracttest.ScannedPDF())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.Text(), "Scanned page") {
		t.Fatalf("OCR of the scanned page = %q, want it to read \"Scanned page\"", doc.Text())
	}
}

func TestExtractDOCX(t *testing.T) {
	t.Parallel()
	doc, err := extracttest.Extractor.Extract(context.Background(), extract.DOCX, extracttest.DOCX("Working Safely in Confined Spaces", extracttest.Safety))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Working Safely in Confined Spaces", "1. Confined Space Hazards", "2. Entry Permits", "3. Rescue Procedures"}
	if got := headings(doc); !slices.Equal(got, want) {
		t.Errorf("headings = %q, want %q", got, want)
	}
	text := doc.Text()
	for _, w := range []string{"asphyxiation", "Kept text.", "lockout tagout", "breathing apparatus"} {
		if !strings.Contains(text, w) {
			t.Errorf("the text lacks %q", w)
		}
	}
	if strings.Contains(text, "REMOVEDWORD") {
		t.Error("deleted text was extracted")
	}
	if _, err := extracttest.Extractor.Extract(context.Background(), extract.DOCX, extracttest.ZIP()); err == nil {
		t.Error("a ZIP without word/document.xml should not extract")
	}
}

func TestExtractDOC(t *testing.T) {
	t.Parallel()
	needProgram(t, "antiword")
	// Heading styles (istd 1) become headings through antiword's DocBook.
	doc, err := extracttest.Extractor.Extract(context.Background(), extract.DOC, extracttest.DOC(extracttest.Safety))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1. Confined Space Hazards", "2. Entry Permits", "3. Rescue Procedures"}
	if got := headings(doc); !slices.Equal(got, want) {
		t.Errorf("headings = %q, want %q", got, want)
	}
	for _, w := range []string{"asphyxiation within minutes", "hydrogen sulphide", "retrieval tripod"} {
		if !strings.Contains(doc.Text(), w) {
			t.Errorf("the text lacks %q:\n%s", w, doc.Text())
		}
	}
	// Without styles, headings are guessed from short title-like paragraphs.
	doc, err = extracttest.Extractor.Extract(context.Background(), extract.DOC, extracttest.PlainDOC([]string{
		"Fire Safety Basics",
		"Every warehouse keeps extinguishers near the loading dock and checks them monthly.",
		"Evacuation Routes",
		"Exit signs glow in the dark; the assembly point is the north car park.",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if got := headings(doc); !slices.Equal(got, []string{"Fire Safety Basics", "Evacuation Routes"}) {
		t.Errorf("headings = %q", got)
	}
	for _, w := range []string{"extinguishers near the loading dock", "assembly point is the north car park"} {
		if !strings.Contains(doc.Text(), w) {
			t.Errorf("the text lacks %q:\n%s", w, doc.Text())
		}
	}
}

func TestExtractOCR(t *testing.T) {
	t.Parallel()
	needProgram(t, "tesseract")
	lines := []string{"Emergency Exits", "", "Keep every fire door closed.", "Know the assembly point outside."}
	cases := []struct {
		kind extract.Kind
		data []byte
	}{
		{extract.PNG, extracttest.PNG(lines)},
		{extract.JPEG, extracttest.JPEG(lines)},
		{extract.GIF, extracttest.GIF(lines)},
	}
	for _, c := range cases {
		doc, err := extracttest.Extractor.Extract(context.Background(), c.kind, c.data)
		if err != nil {
			t.Errorf("%s: %v", c.kind, err)
			continue
		}
		text := strings.ToLower(doc.Text())
		for _, w := range []string{"emergency", "exits", "fire door", "assembly point"} {
			if !strings.Contains(text, w) {
				t.Errorf("%s: OCR text lacks %q: %q", c.kind, w, text)
			}
		}
		if c.kind == extract.PNG && !slices.Equal(headings(doc), []string{"Emergency Exits"}) {
			t.Errorf("png headings = %q", headings(doc))
		}
	}
	// A blank image has no text: a clear error, never an empty document.
	_, err := extracttest.Extractor.Extract(context.Background(), extract.PNG, extracttest.PNG([]string{""}))
	var nt *extract.NoTextError
	if !errors.As(err, &nt) || !strings.Contains(err.Error(), "no text was recognised") {
		t.Errorf("blank image: err = %v", err)
	}
}

func TestExtractMissingProgram(t *testing.T) {
	t.Parallel()
	x := extract.Extractor{Antiword: "/nonexistent/antiword", Tesseract: "/nonexistent/tesseract"}
	cases := []struct {
		kind    extract.Kind
		data    []byte
		program string
		pkg     string
	}{
		{extract.DOC, extracttest.PlainDOC([]string{"x"}), "antiword", "antiword"},
		{extract.PNG, extracttest.PNG([]string{"x"}), "tesseract", "tesseract-ocr"},
	}
	for _, c := range cases {
		_, err := x.Extract(context.Background(), c.kind, c.data)
		var mp *extract.MissingProgramError
		if !errors.As(err, &mp) || mp.Program != c.program || mp.Package != c.pkg || !strings.Contains(err.Error(), `"`+c.program+`"`) {
			t.Errorf("%s: err = %v, want a MissingProgramError naming %s", c.kind, err, c.program)
		}
	}
}

// TestExtractChunksKeepHeadings runs the extracted PDF through the chunker: each chunk
// carries its section's heading.
func TestExtractChunksKeepHeadings(t *testing.T) {
	t.Parallel()
	doc, err := extracttest.Extractor.Extract(context.Background(), extract.PDF, extracttest.PDF("Working Safely", extracttest.Safety))
	if err != nil {
		t.Fatal(err)
	}
	chunks := chunk.Split(doc.Blocks)
	got := map[string]string{}
	for _, c := range chunks {
		got[c.Heading] += c.Text
	}
	if !strings.Contains(got["2. Entry Permits"], "written permit") || !strings.Contains(got["3. Rescue Procedures"], "tripod") || !strings.Contains(got["1. Confined Space Hazards"], "hydrogen sulphide") {
		t.Errorf("chunks by heading = %q", got)
	}
}
