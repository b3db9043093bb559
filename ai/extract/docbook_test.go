package extract

import (
	"strings"
	"testing"
)

// TestExtractDocBookHeadings reads antiword's DocBook: chapter and section titles are
// headings at their levels; the book's title and bookinfo are not text; list items and
// table entries are paragraphs.
func TestExtractDocBookHeadings(t *testing.T) {
	t.Parallel()
	in := `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE book PUBLIC "-//OASIS//DTD DocBook XML V4.1.2//EN"
	"http://www.oasis-open.org/docbook/xml/4.1.2/docbookx.dtd">
<book lang='en_US'>
<title>Microsoft Word - manual.doc</title>
<bookinfo><title>Microsoft Word - manual.doc</title><author><surname>Jo</surname></author></bookinfo>
 <chapter>
<title>Confined Spaces</title>
  <para>
Spaces with limited entry &amp; exit.
  </para>
  <sect1>
<title>Gas Testing</title>
   <para>Test for <emphasis>oxygen</emphasis> first.</para>
   <itemizedlist><listitem><para>Carry a meter.</para></listitem></itemizedlist>
   <informaltable><tgroup cols='1'><tbody><row><entry>Cell text</entry></row></tbody></tgroup></informaltable>
  </sect1>
 </chapter>
</book>`
	blocks, ok := docbookBlocks([]byte(in))
	if !ok {
		t.Fatal("not read")
	}
	var got []string
	for _, b := range blocks {
		s := b.Text
		if b.Heading {
			s = "H" + string(rune('0'+b.Level)) + " " + s
		}
		got = append(got, strings.Join(strings.Fields(s), " "))
	}
	want := []string{"H1 Confined Spaces", "Spaces with limited entry & exit.", "H2 Gas Testing", "Test for oxygen first.", "Carry a meter.", "Cell text"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("blocks = %q\nwant     %q", got, want)
	}
	if _, ok := docbookBlocks([]byte("<book><para>unclosed")); ok {
		t.Error("broken XML was accepted")
	}
}
