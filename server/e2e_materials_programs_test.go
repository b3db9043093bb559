package server_test

import (
	"testing"

	"github.com/learnd/learnd/ai/extract/extracttest"
	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2EMaterialsMissingProgram: without antiword or tesseract on the server (simulated by
// an empty PATH), a DOC or an image upload is a 503 naming the program and its Debian
// package — never an empty result — and stores, audits and counts nothing. PDF and DOCX
// need no program. Not parallel: it changes PATH for the whole process.
func TestE2EMaterialsMissingProgram(t *testing.T) {
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	const tenant = "mat-programs"
	e2eMatTenant(t, env, tenant)
	u := e2eMatUserOf(t, env, tenant, auth.RoleOwner)
	t.Setenv("PATH", t.TempDir())

	cases := []struct {
		file string
		data []byte
		want []string
	}{
		{"legacy.doc", extracttest.PlainDOC([]string{"Fire Safety Basics", "Keep exits clear."}), []string{`"antiword"`, "Debian package antiword", "not installed"}},
		{"poster.png", extracttest.PNG([]string{"Emergency Exits"}), []string{`"tesseract"`, "Debian package tesseract-ocr"}},
		{"photo.jpg", extracttest.JPEG([]string{"Emergency Exits"}), []string{`"tesseract"`}},
		{"guide.pdf", extracttest.PDF("Guide", extracttest.Safety), []string{`"pdfinfo"`, "Debian package poppler-utils"}},
		{"permits.docx", extracttest.DOCX("Permits", extracttest.Safety), []string{`"unzip"`, "Debian package unzip"}},
	}
	for _, c := range cases {
		_, err := e2eMatUpload(ctx, t, u.Client, "", c.file, c.data)
		e := e2eMatProblem(t, err, 503, c.file, c.want...)
		if e.Problem == nil || e.Problem.Code == nil || *e.Problem.Code != "extractor_unavailable" {
			t.Errorf("%s: %s", c.file, e.Body)
		}
	}
	if files, chunks := e2eMatStoredFiles(t, env, tenant); files != 0 || chunks != 0 {
		t.Errorf("stored %d files, %d chunks", files, chunks)
	}
	if n := e2eMatQuota(t, env, tenant); n != 0 {
		t.Errorf("counted %d AI calls", n)
	}
}
