package extract

import (
	"bytes"
	"image"
	"image/png"

	"golang.org/x/image/draw"
)

// Preparing an image for OCR. tesseract reads text best at some 20–30 pixels per line
// of text; a screenshot at 1× has about 12–16, and misreads small words ("md5" as "MDS").
// So an image narrower than ocrTargetWidth is scaled up (Catmull-Rom) by a whole factor
// of 2 or 3 and made grey; larger images (scans, photos) go to tesseract as they are.
const (
	ocrTargetWidth = 2000
	// ocrMaxPreparePixels bounds the images decoded here (by their header's dimensions,
	// checked before decoding): 4 megapixels, 16 MB decoded; larger ones are not upscaled.
	ocrMaxPreparePixels = 4_000_000
)

// prepareForOCR returns the image upscaled and grey as PNG, and true; or false when the
// image is large enough already or cannot be decoded (tesseract then reads the original
// and reports on it).
func prepareForOCR(data []byte) (out []byte, ok bool) {
	defer func() {
		if recover() != nil {
			out, ok = nil, false
		}
	}()
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width >= ocrTargetWidth ||
		int64(cfg.Width)*int64(cfg.Height) > ocrMaxPreparePixels {
		return nil, false
	}
	factor := 2
	if cfg.Width*2 < ocrTargetWidth*2/3 {
		factor = 3
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	b := src.Bounds()
	dst := image.NewGray(image.Rect(0, 0, b.Dx()*factor, b.Dy()*factor))
	// White first: transparent pixels are paper, not ink.
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, dst); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}
