package extracttest

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode/utf16"
)

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
