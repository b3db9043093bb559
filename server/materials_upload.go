package server

import (
	"context"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/google/uuid"

	"github.com/learnd/learnd/ai/extract"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/internal/stages"
	"github.com/learnd/learnd/store/materials"
)

// uploadForm is the multipart form of an upload.
type uploadForm struct {
	filename string
	data     []byte
	session  *uuid.UUID
}

// UploadSourceMaterial stores one file in the caller's session, extracted, chunked and
// embedded (upload_source_material). Order: licence and permission (403), the form (400,
// 413, 422), the session (404, 422 when full), the type and the text (422, 503), the quota
// (429, counted only now), then the store (one transaction, audited "material.upload").
func (s *Server) UploadSourceMaterial(ctx context.Context, req api.UploadSourceMaterialRequestObject) (api.UploadSourceMaterialResponseObject, error) {
	if err := aiGate(ctx, true); err != nil {
		return nil, err
	}
	form, err := readUploadForm(ctx, req.Body)
	if err != nil {
		return nil, err
	}
	mat := s.materials.Materials()
	session := uuid.Nil // a new session
	if form.session != nil {
		session = *form.session
		files, err := mat.Files(ctx, session)
		if err != nil {
			return nil, aboutSession(err, session)
		}
		if len(files) >= materials.MaxSessionFiles {
			return nil, materials.ErrSessionFull
		}
	}
	stages.Report(ctx, "extracting the text")
	ex, err := s.extractMaterial(ctx, form.data)
	if err != nil {
		return nil, err
	}
	stages.Report(ctx, "embedding and storing the chunks")
	f, err := mat.Upload(ctx, materials.MaterialUpload{
		Session: form.session, Filename: form.filename, Kind: string(ex.kind), MediaType: ex.kind.MediaType(),
		Content: form.data, TextChars: ex.chars, Chunks: ex.chunks,
	})
	if err != nil {
		return nil, aboutSession(err, session)
	}
	files, err := mat.Files(ctx, f.SessionID)
	if err != nil {
		return nil, err
	}
	return api.UploadSourceMaterial201JSONResponse{Body: toAPISourceMaterialResult(f, files, nil, materialMessage("Uploaded", f, files))}, nil
}

// readUploadForm reads the form: one `file` part of at most 20 MB (more is a 413), and an
// optional `sessionId`. Unknown parts are refused by the contract before this runs.
func readUploadForm(ctx context.Context, r *multipart.Reader) (uploadForm, error) {
	var form uploadForm
	invalid := func(field, detail string) error {
		return fail(withFields(newProblem(ctx, kindValidation, "the form is invalid: "+field+" "+detail), []api.FieldError{{Pointer: ptr("/" + field), Detail: detail}}))
	}
	malformed := func(err error) error {
		if isTooLarge(err) {
			return fail(withCode(newProblem(ctx, kindTooLarge, sourceMaterialTooLarge), "file_too_large"))
		}
		return fail(newProblem(ctx, kindBadRequest, "the multipart form is malformed: "+err.Error()))
	}
	if r == nil {
		return form, invalid("file", "is required")
	}
	seenFile := false
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return form, malformed(err)
		}
		switch part.FormName() {
		case "file":
			if seenFile {
				return form, invalid("file", "must be sent once: upload one file per call")
			}
			seenFile = true
			form.filename = part.FileName()
			form.data, err = io.ReadAll(io.LimitReader(part, materials.MaxMaterialBytes+1))
			if err != nil {
				return form, malformed(err)
			}
			if len(form.data) > materials.MaxMaterialBytes {
				return form, fail(withCode(newProblem(ctx, kindTooLarge, sourceMaterialTooLarge), "file_too_large"))
			}
		case "sessionId":
			b, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				return form, fail(newProblem(ctx, kindBadRequest, "the multipart form is malformed: "+err.Error()))
			}
			if raw := strings.TrimSpace(string(b)); raw != "" {
				id, err := materialID(ctx, materials.MaterialSessionPrefix, "sessionId", raw)
				if err != nil {
					return form, err
				}
				form.session = &id
			}
		}
		_ = part.Close()
	}
	if !seenFile {
		return form, invalid("file", "is required")
	}
	if len(form.data) == 0 {
		return form, invalid("file", "is empty")
	}
	if form.filename == "" {
		if k, _ := extract.Detect(form.data); k != "" {
			form.filename = "upload." + string(k)
		}
	}
	return form, nil
}

// isTooLarge reports a read cut by the body limit (Echo's, or net/http's).
func isTooLarge(err error) bool {
	if err == nil {
		return false
	}
	var mbe *http.MaxBytesError
	var he *echo.HTTPError
	if errors.As(err, &mbe) || (errors.As(err, &he) && he.Code == http.StatusRequestEntityTooLarge) {
		return true
	}
	return strings.Contains(err.Error(), "Request Entity Too Large")
}
