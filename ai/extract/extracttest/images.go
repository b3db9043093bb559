package extracttest

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

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
