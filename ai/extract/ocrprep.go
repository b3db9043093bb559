package extract

import (
	"bytes"
	"image"
	"image/png"
	"math"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"
)

// Preparing an image for OCR. tesseract reads text best at some 20–30 pixels per line
// of text; a screenshot at 1× has about 12–16, and misreads small words ("md5" as "MDS").
// So an image narrower than ocrTargetWidth is scaled up (Catmull-Rom) by a whole factor
// of 2 or 3, made grey and straightened (a 2° tilt halves what tesseract reads of the
// corpus screenshot); larger images (scans, photos) go to tesseract as they are.
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
	// Grey at the original size (white first: transparent pixels are paper, not ink),
	// for the skew estimate and as the source of the scaling.
	grey := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(grey, grey.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(grey, grey.Bounds(), src, b.Min, draw.Over)
	dst := image.NewGray(image.Rect(0, 0, b.Dx()*factor, b.Dy()*factor))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Transform(dst, scaleRotate(grey.Bounds(), float64(factor), skewAngle(grey)), grey, grey.Bounds(), draw.Over, nil)
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, dst); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

// skewAngle estimates the tilt of the text lines of g, within ±maxSkew degrees, in
// radians: the angle whose horizontal projection of the ink is sharpest (the largest
// sum of squared row counts — text lines and the gaps between them line up). Ink is what
// differs clearly from the image's mean brightness, so light text on dark works too. A
// tilt under minSkew is reported as none.
func skewAngle(g *image.Gray) float64 {
	const (
		maxSkew = 6.0  // degrees
		step    = 0.25 // degrees
		minSkew = 0.4  // degrees
	)
	w, h := g.Rect.Dx(), g.Rect.Dy()
	var sum int
	for _, v := range g.Pix {
		sum += int(v)
	}
	mean := sum / max(len(g.Pix), 1)
	type pt struct{ x, y float64 }
	var ink []pt
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x, v := range row {
			if d := int(v) - mean; d > 80 || d < -80 {
				ink = append(ink, pt{float64(x), float64(y)})
			}
		}
	}
	if len(ink) < 100 {
		return 0
	}
	diag := int(math.Hypot(float64(w), float64(h))) + 2
	hist := make([]int, 2*diag)
	best, bestScore := 0.0, -1.0
	for deg := -maxSkew; deg <= maxSkew+1e-9; deg += step {
		a := deg * math.Pi / 180
		sin, cos := math.Sin(a), math.Cos(a)
		clear(hist)
		for _, p := range ink {
			hist[int(p.x*sin+p.y*cos)+diag]++
		}
		score := 0.0
		for _, n := range hist {
			score += float64(n) * float64(n)
		}
		if score > bestScore || score == bestScore && math.Abs(deg) < math.Abs(best) {
			best, bestScore = deg, score
		}
	}
	if math.Abs(best) < minSkew {
		return 0
	}
	return best * math.Pi / 180
}

// scaleRotate maps the source rectangle r onto a destination factor times its size,
// rotated by angle about the centre (the rotation skewAngle found makes lines level).
func scaleRotate(r image.Rectangle, factor, angle float64) f64.Aff3 {
	sin, cos := math.Sin(angle), math.Cos(angle)
	cx, cy := float64(r.Dx())/2, float64(r.Dy())/2
	dx, dy := cx*factor, cy*factor
	return f64.Aff3{
		factor * cos, -factor * sin, dx - factor*(cos*cx-sin*cy),
		factor * sin, factor * cos, dy - factor*(sin*cx+cos*cy),
	}
}
