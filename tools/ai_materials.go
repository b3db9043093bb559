package tools

// upload_source_material (seed 003's AI course generation): one file as a source for
// create_course_from_files, uploaded (multipart) and then processed.
//
// Where the file comes from depends on the transport. Over stdio (Config.LocalFiles) the
// server runs on the user's machine and reads filePath, as the seed says. Over HTTP the
// server is not the user's machine: it never reads its own disk, refuses filePath, and
// takes the file's content (contentBase64 with a filename) instead.

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/internal/stages"
)

// sessionPrefix is the prefix of source-material session ids (ses_…).
const sessionPrefix = "ses"

// maxUploadBytes is the API's limit per file (20 MB).
const maxUploadBytes = 20 << 20

// maxFilename bounds a filename input.
const maxFilename = 255

// uploadSteps is the total of an upload's progress: read, upload (extract, chunk, embed),
// processing check, done.
const uploadSteps = 4

// uploadDescription follows the sentence that says where the file comes from.
const uploadDescription = "Text is extracted and embedded immediately. " +
	"PDF / DOC / DOCX / PNG / JPG / GIF / WebP, 20 MB max per file. Reports progress when the call carries a progressToken. Returns a sessionId: pass it to " +
	"create_course_from_files (and to further uploads to bundle files into one course-generation context). "

func init() {
	Register(Spec{
		Kind: KindAI,
		Tool: mcp.Tool{
			Name: "upload_source_material",
			Description: "Read a local file off the user’s machine and upload it as a course source. " + uploadDescription +
				"Give filePath (an absolute path), or the file's bytes as contentBase64 with a filename. Needs course_edit " +
				"and the AI licence; does not count against the daily AI quota.",
			Annotations: Additive("Upload source material", false),
		},
		Schema:  func(s *jsonschema.Schema) { uploadSchema(s, true) },
		Enabled: func(c Config) bool { return c.LocalFiles },
	}, uploadSourceMaterial)
	Register(Spec{
		Kind: KindAI,
		Tool: mcp.Tool{
			Name: "upload_source_material",
			Description: "Upload a file as a course source. " + uploadDescription + "This server is reached over HTTP and cannot read files on your machine: send " +
				"the file's bytes base64-encoded as contentBase64, with its filename. Needs course_edit and the AI licence; " +
				"does not count against the daily AI quota.",
			Annotations: Additive("Upload source material", false),
		},
		Schema:  func(s *jsonschema.Schema) { uploadSchema(s, false) },
		Enabled: func(c Config) bool { return !c.LocalFiles },
	}, uploadSourceMaterial)
}

// uploadSchema describes the inputs of the stdio (local) or the HTTP variant.
func uploadSchema(s *jsonschema.Schema, local bool) {
	SetLength(s, "filename", 1, maxFilename)
	SetLength(s, "contentBase64", 1, 0)
	if local {
		property(s, "filePath").Description = "Absolute path to a local file on the user’s machine. Or omit it and send contentBase64 with filename."
		property(s, "contentBase64").Description = "Optional, instead of filePath: the file's bytes, base64-encoded."
		property(s, "filename").Description = "The file's name (e.g. confined-spaces.pdf): required with contentBase64; with filePath, optional (default the path's last element)."
		return
	}
	property(s, "filePath").Description = "Not accepted here: over HTTP the server never reads files from its own disk. Send contentBase64 and filename instead."
	property(s, "contentBase64").Description = "The file's bytes, base64-encoded (20 MB max once decoded)."
	property(s, "filename").Description = "The file's name, e.g. confined-spaces.pdf."
}

type uploadIn struct {
	FilePath      *string `json:"filePath,omitempty"`
	ContentBase64 *string `json:"contentBase64,omitempty"`
	Filename      *string `json:"filename,omitempty"`
	SessionID     *string `json:"sessionId,omitempty" jsonschema:"Optional. Reuse the same sessionId across multiple uploads to bundle files into one course-generation context. Omit and the tool generates one."`
}

type uploadOut struct {
	SessionID         string `json:"sessionId"`
	FileID            string `json:"fileId"`
	Filename          string `json:"filename"`
	Kind              string `json:"kind"`
	SizeBytes         int    `json:"sizeBytes"`
	ChunkCount        int    `json:"chunkCount"`
	SessionFileCount  int    `json:"sessionFileCount"`
	SessionChunkCount int    `json:"sessionChunkCount"`
	// Headings are the file's first headings (they become the course's sections).
	Headings []string `json:"headings"`
	Message  string   `json:"message"`
}

// uploadHeadingsMax bounds the headings an upload reports.
const uploadHeadingsMax = 20

func (o uploadOut) Text() string {
	s := fmt.Sprintf("Uploaded %s (%s, %d bytes) as %s: %d %s; session %s now holds %d %s with %d %s.",
		o.Filename, o.Kind, o.SizeBytes, o.FileID, o.ChunkCount, plural(o.ChunkCount, "chunk", "chunks"), o.SessionID,
		o.SessionFileCount, plural(o.SessionFileCount, "file", "files"), o.SessionChunkCount, plural(o.SessionChunkCount, "chunk", "chunks"))
	if len(o.Headings) > 0 {
		s += "\nHeadings: " + strings.Join(o.Headings, "; ")
	}
	return s + "\n" + o.Message
}

func uploadSourceMaterial(ctx context.Context, env *Env, in uploadIn) (uploadOut, error) {
	var session string
	if in.SessionID != nil {
		s, err := ID("sessionId", sessionPrefix, *in.SessionID)
		if err != nil {
			return uploadOut{}, err
		}
		session = s
	}
	prog := ProgressFrom(ctx)
	name, data, err := uploadContent(env.Config.LocalFiles, in)
	if err != nil {
		return uploadOut{}, err
	}
	prog.Report(ctx, 1, uploadSteps, "read %s (%s)", name, sizeText(int64(len(data))))
	step := &uploadStep{name: name, step: "extracting the text, chunking and embedding it"}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if session != "" {
		if err := w.WriteField("sessionId", session); err != nil {
			return uploadOut{}, fmt.Errorf("upload: %w", err)
		}
	}
	fw, err := w.CreateFormFile("file", name)
	if err != nil {
		return uploadOut{}, fmt.Errorf("upload: %w", err)
	}
	if _, err := fw.Write(data); err != nil {
		return uploadOut{}, fmt.Errorf("upload: %w", err)
	}
	if err := w.Close(); err != nil {
		return uploadOut{}, fmt.Errorf("upload: %w", err)
	}
	var up *client.SourceMaterialResult
	err = prog.While(ctx, 1, 3, uploadSteps, progressInterval, step.message, func() error {
		var err error
		// The API names its steps when it runs in this process (over HTTP); a remote one
		// (stdio) does not, and the heartbeat says what the steps are.
		up, err = env.API.LMS.SourceMaterials.Upload(stages.With(ctx, step.reporter(ctx, prog)), nil, w.FormDataContentType(), &body)
		return err
	})
	if err != nil {
		return uploadOut{}, err
	}
	prog.Report(ctx, 3, uploadSteps, "stored %s: %d chunks embedded; checking the processing", name, up.ChunkCount)
	res := up
	// The seed's second step: process the session's file (a no-op report unless it must be
	// re-embedded). The upload already stored and embedded the file, so a failure here
	// does not undo it: report the upload with what went wrong.
	fileID := up.FileId
	pr, perr := env.API.LMS.SourceMaterials.Process(ctx, client.SourceMaterialProcess{SessionId: up.SessionId, FileId: &fileID})
	if perr == nil {
		res = pr
	}
	prog.Report(ctx, uploadSteps, uploadSteps, "done: %s is part of session %s", name, res.SessionId)
	headings := res.Headings
	if len(headings) > uploadHeadingsMax {
		headings = headings[:uploadHeadingsMax]
	}
	if headings == nil {
		headings = []string{}
	}
	out := uploadOut{SessionID: res.SessionId, FileID: res.FileId, Filename: res.Filename, Kind: string(res.Kind), SizeBytes: res.SizeBytes,
		ChunkCount: res.ChunkCount, SessionFileCount: res.SessionFileCount, SessionChunkCount: res.SessionChunkCount, Headings: headings,
		Message: fmt.Sprintf("Pass sessionId %s to create_course_from_files, or upload more files with the same sessionId to bundle them into one course.", res.SessionId)}
	if perr != nil {
		out.Message += " (The follow-up processing check failed — " + ErrorText(perr) + " — but the file is stored with the chunks above.)"
	}
	return out, nil
}

// uploadContent returns the name and bytes of the file to upload: read from filePath (only
// with local files) or decoded from contentBase64.
func uploadContent(local bool, in uploadIn) (string, []byte, error) {
	var name string
	if in.Filename != nil {
		name = strings.TrimSpace(*in.Filename)
		// Only the last path element is a name ("C:\docs\a.pdf" and "docs/a.pdf" alike).
		if i := strings.LastIndexAny(name, `/\`); i >= 0 {
			name = name[i+1:]
		}
		if name == "" || name == "." || name == ".." {
			return "", nil, Invalid("filename must be a file name such as confined-spaces.pdf (got %q)", clip(*in.Filename, 80))
		}
	}
	hasPath := in.FilePath != nil
	hasContent := in.ContentBase64 != nil
	switch {
	case hasPath && !local:
		return "", nil, Invalid("filePath cannot be used over HTTP: this server never reads files from its own disk, and " +
			"it is not your machine. Send the file's bytes base64-encoded as contentBase64, with its filename")
	case hasPath && hasContent:
		return "", nil, Invalid("give filePath or contentBase64, not both")
	case hasPath:
		data, base, err := readLocalFile(*in.FilePath)
		if err != nil {
			return "", nil, err
		}
		if name == "" {
			name = base
		}
		return name, data, nil
	case hasContent:
		if name == "" {
			return "", nil, Invalid("filename is required with contentBase64 (e.g. confined-spaces.pdf)")
		}
		data, err := decodeBase64("contentBase64", *in.ContentBase64)
		if err != nil {
			return "", nil, err
		}
		return name, data, nil
	case local:
		return "", nil, Invalid("give filePath (an absolute path to the file), or contentBase64 with filename")
	}
	return "", nil, Invalid("give contentBase64 (the file's bytes, base64-encoded) with filename")
}

// readLocalFile reads a file of the user's machine (stdio only): an absolute path (a
// leading ~/ is the home directory) to a regular file of at most maxUploadBytes.
func readLocalFile(path string) ([]byte, string, error) {
	p := strings.TrimSpace(path)
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, rest)
		}
	}
	if p == "" || !filepath.IsAbs(p) {
		return nil, "", Invalid("filePath must be an absolute path (got %q)", clip(path, 200))
	}
	p = filepath.Clean(p)
	f, err := os.Open(p)
	if err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil, "", Invalid("filePath: no file at %s", p)
		case errors.Is(err, fs.ErrPermission):
			return nil, "", Invalid("filePath: %s cannot be read (permission denied)", p)
		}
		return nil, "", fmt.Errorf("read %s: %w", p, err)
	}
	defer func() { _ = f.Close() }()
	st, err := f.Stat()
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", p, err)
	}
	if !st.Mode().IsRegular() {
		return nil, "", Invalid("filePath: %s is not a regular file", p)
	}
	if st.Size() > maxUploadBytes {
		return nil, "", Invalid("filePath: %s is %s; the limit is 20 MB per file", p, sizeText(st.Size()))
	}
	data, err := io.ReadAll(io.LimitReader(f, maxUploadBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", p, err)
	}
	if len(data) > maxUploadBytes {
		return nil, "", Invalid("filePath: %s is over the 20 MB limit", p)
	}
	if len(data) == 0 {
		return nil, "", Invalid("filePath: %s is empty", p)
	}
	return data, filepath.Base(p), nil
}

// decodeBase64 decodes a base64 input: standard or URL alphabet, padded or not, with line
// breaks, optionally as a data: URL. At most maxUploadBytes once decoded.
func decodeBase64(field, s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "data:") {
		if i := strings.Index(s, ";base64,"); i >= 0 {
			s = s[i+len(";base64,"):]
		}
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return nil, Invalid("%s is empty", field)
	}
	if base64.RawStdEncoding.DecodedLen(len(strings.TrimRight(s, "="))) > maxUploadBytes {
		return nil, Invalid("%s decodes to more than 20 MB, the limit per file", field)
	}
	raw := strings.TrimRight(s, "=")
	enc := base64.RawStdEncoding
	if strings.ContainsAny(raw, "-_") {
		enc = base64.RawURLEncoding
	}
	data, err := enc.DecodeString(raw)
	if err != nil {
		return nil, Invalid("%s is not valid base64: %v", field, err)
	}
	if len(data) == 0 {
		return nil, Invalid("%s is empty", field)
	}
	return data, nil
}

// sizeText renders a byte count as MB with one decimal.
func sizeText(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
