package extract_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/ai/extract/extracttest"
)

// rotate turns img by deg degrees about its centre on white paper.
func rotate(img image.Image, deg float64) []byte {
	b := img.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, image.White, image.Point{}, draw.Src)
	a := deg * math.Pi / 180
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	c, s := math.Cos(a), math.Sin(a)
	draw.CatmullRom.Transform(dst, f64.Aff3{c, -s, cx - c*cx + s*cy, s, c, cy - s*cx - c*cy}, img, b, draw.Over, nil)
	var buf bytes.Buffer
	_ = png.Encode(&buf, dst)
	return buf.Bytes()
}

// TestOCRSkewedScreenshot: the corpus screenshot photographed or scanned a few degrees
// off level reads as well as the straight one, because images are straightened before
// OCR (without it a 2° tilt read md5 4 times of 10 and lost a third of the words).
func TestOCRSkewedScreenshot(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join(corpusDir(t), "pg-auth-password-screenshot.png"))
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	straight, err := extracttest.Extractor.Extract(context.Background(), extract.PNG, data)
	if err != nil {
		t.Fatal(err)
	}
	want := len(strings.Fields(straight.Text()))
	for _, deg := range []float64{-3, 2.5} {
		doc, err := extracttest.Extractor.Extract(context.Background(), extract.PNG, rotate(img, deg))
		if err != nil {
			t.Fatal(err)
		}
		words, md5 := len(strings.Fields(doc.Text())), strings.Count(strings.ToLower(doc.Text()), "md5")
		t.Logf("tilted %.1f°: %d words (straight: %d), md5 read %d times of 10", deg, words, want, md5)
		if words < want*95/100 || md5 < 7 {
			t.Errorf("tilted %.1f°: %d words of %d, md5 %d times: the image was not straightened", deg, words, want, md5)
		}
	}
}
