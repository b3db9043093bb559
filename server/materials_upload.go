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
	"github.com/learnd/learnd/store/materials"
)

var uploadResponses = materialResponses[api.UploadSourceMaterialResponseObject]{
	op: "uploadSourceMaterial",
	badRequest: func(p api.BadRequestApplicationProblemPlusJSONResponse) api.UploadSourceMaterialResponseObject {
		return api.UploadSourceMaterial400ApplicationProblemPlusJSONResponse{BadRequestApplicationProblemPlusJSONResponse: p}
	},
	forbidden: func(p api.ForbiddenApplicationProblemPlusJSONResponse) api.UploadSourceMaterialResponseObject {
		return api.UploadSourceMaterial403ApplicationProblemPlusJSONResponse{ForbiddenApplicationProblemPlusJSONResponse: p}
	},
	notFound: func(p api.NotFoundApplicationProblemPlusJSONResponse) api.UploadSourceMaterialResponseObject {
		return api.UploadSourceMaterial404ApplicationProblemPlusJSONResponse{NotFoundApplicationProblemPlusJSONResponse: p}
	},
	tooLarge: func(p api.PayloadTooLargeApplicationProblemPlusJSONResponse) api.UploadSourceMaterialResponseObject {
		return api.UploadSourceMaterial413ApplicationProblemPlusJSONResponse{PayloadTooLargeApplicationProblemPlusJSONResponse: p}
	},
	invalid: func(p api.UnprocessableEntityApplicationProblemPlusJSONResponse) api.UploadSourceMaterialResponseObject {
		return api.UploadSourceMaterial422ApplicationProblemPlusJSONResponse{UnprocessableEntityApplicationProblemPlusJSONResponse: p}
	},
	tooMany: func(p api.TooManyRequestsApplicationProblemPlusJSONResponse) api.UploadSourceMaterialResponseObject {
		return api.UploadSourceMaterial429ApplicationProblemPlusJSONResponse{TooManyRequestsApplicationProblemPlusJSONResponse: p}
	},
	unavailable: func(p api.SourceMaterialUnavailableApplicationProblemPlusJSONResponse) api.UploadSourceMaterialResponseObject {
		return api.UploadSourceMaterial503ApplicationProblemPlusJSONResponse{SourceMaterialUnavailableApplicationProblemPlusJSONResponse: p}
	},
}

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
	if p := aiGate(ctx, true); p != nil {
		return uploadResponses.problem(p, 0)
	}
	form, p, err := readUploadForm(ctx, req.Body)
	if err != nil {
		return nil, err
	}
	if p != nil {
		return uploadResponses.problem(p, 0)
	}
	mat := s.materials.Materials()
	if form.session != nil {
		files, err := mat.Files(ctx, *form.session)
		if err != nil {
			if p := materialStoreProblem(ctx, *form.session, err); p != nil {
				return uploadResponses.problem(p, 0)
			}
			return nil, err
		}
		if len(files) >= materials.MaxSessionFiles {
			return uploadResponses.problem(materialStoreProblem(ctx, *form.session, materials.ErrSessionFull), 0)
		}
	}
	ex, p, err := s.extractMaterial(ctx, form.data)
	if err != nil {
		return nil, err
	}
	if p != nil {
		return uploadResponses.problem(p, 0)
	}
	f, err := mat.Upload(ctx, materials.MaterialUpload{
		Session: form.session, Filename: form.filename, Kind: string(ex.kind), MediaType: ex.kind.MediaType(),
		Content: form.data, TextChars: ex.chars, Chunks: ex.chunks,
	})
	if err != nil {
		session := uuid.Nil
		if form.session != nil {
			session = *form.session
		}
		if p := materialStoreProblem(ctx, session, err); p != nil {
			return uploadResponses.problem(p, 0)
		}
		return nil, err
	}
	files, err := mat.Files(ctx, f.SessionID)
	if err != nil {
		return nil, err
	}
	return api.UploadSourceMaterial201JSONResponse{Body: toAPISourceMaterialResult(f, files, nil, materialMessage("Uploaded", f, files))}, nil
}

// readUploadForm reads the form: one `file` part of at most 20 MB (more is a 413), and an
// optional `sessionId`. Unknown parts are refused by the contract before this runs.
func readUploadForm(ctx context.Context, r *multipart.Reader) (uploadForm, *api.Problem, error) {
	var form uploadForm
	invalid := func(field, detail string) (uploadForm, *api.Problem, error) {
		p := withFields(newProblem(ctx, kindValidation, "the form is invalid: "+field+" "+detail), []api.FieldError{{Pointer: ptr("/" + field), Detail: detail}})
		return uploadForm{}, &p, nil
	}
	if r == nil {
		return invalid("file", "is required")
	}
	seenFile := false
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if isTooLarge(err) {
				p := withCode(newProblem(ctx, kindTooLarge, sourceMaterialTooLarge), "file_too_large")
				return uploadForm{}, &p, nil
			}
			p := newProblem(ctx, kindBadRequest, "the multipart form is malformed: "+err.Error())
			return uploadForm{}, &p, nil
		}
		switch part.FormName() {
		case "file":
			if seenFile {
				return invalid("file", "must be sent once: upload one file per call")
			}
			seenFile = true
			form.filename = part.FileName()
			form.data, err = io.ReadAll(io.LimitReader(part, materials.MaxMaterialBytes+1))
			if err != nil {
				if isTooLarge(err) {
					p := withCode(newProblem(ctx, kindTooLarge, sourceMaterialTooLarge), "file_too_large")
					return uploadForm{}, &p, nil
				}
				p := newProblem(ctx, kindBadRequest, "the multipart form is malformed: "+err.Error())
				return uploadForm{}, &p, nil
			}
			if len(form.data) > materials.MaxMaterialBytes {
				p := withCode(newProblem(ctx, kindTooLarge, sourceMaterialTooLarge), "file_too_large")
				return uploadForm{}, &p, nil
			}
		case "sessionId":
			b, err := io.ReadAll(io.LimitReader(part, 256))
			if err != nil {
				p := newProblem(ctx, kindBadRequest, "the multipart form is malformed: "+err.Error())
				return uploadForm{}, &p, nil
			}
			if raw := strings.TrimSpace(string(b)); raw != "" {
				id, p := materialID(ctx, materials.MaterialSessionPrefix, "sessionId", raw)
				if p != nil {
					return uploadForm{}, p, nil
				}
				form.session = &id
			}
		}
		_ = part.Close()
	}
	if !seenFile {
		return invalid("file", "is required")
	}
	if len(form.data) == 0 {
		return invalid("file", "is empty")
	}
	if form.filename == "" {
		if k, _ := extract.Detect(form.data); k != "" {
			form.filename = "upload." + string(k)
		}
	}
	return form, nil, nil
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
