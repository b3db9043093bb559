package server

import (
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// toAPISourceMaterialResult is the answer of an upload or a process: file f of a session
// whose files are files (f included, in its current state).
func toAPISourceMaterialResult(f materials.MaterialFile, files []materials.MaterialFile, processed *bool, message string) api.SourceMaterialResult {
	nf, nc := sessionTotals(files)
	return api.SourceMaterialResult{
		SessionId:         typeid.Format(materials.MaterialSessionPrefix, f.SessionID),
		FileId:            typeid.Format(materials.MaterialFilePrefix, f.ID),
		Filename:          f.Filename,
		Kind:              api.SourceMaterialKind(f.Kind),
		MediaType:         f.MediaType,
		SizeBytes:         f.SizeBytes,
		ChunkCount:        f.Chunks,
		SessionFileCount:  nf,
		SessionChunkCount: nc,
		Headings:          headingsOf(f),
		Processed:         processed,
		Message:           message,
	}
}

// toAPISourceMaterialFile is a file of a session's listing.
func toAPISourceMaterialFile(f materials.MaterialFile) api.SourceMaterialFile {
	return api.SourceMaterialFile{
		Id:          typeid.Format(materials.MaterialFilePrefix, f.ID),
		Filename:    f.Filename,
		Kind:        api.SourceMaterialKind(f.Kind),
		MediaType:   f.MediaType,
		SizeBytes:   f.SizeBytes,
		Sha256:      f.SHA256,
		TextChars:   f.TextChars,
		ChunkCount:  f.Chunks,
		Headings:    headingsOf(f),
		Embedder:    f.Embedder,
		CreatedAt:   f.CreatedAt,
		ProcessedAt: f.ProcessedAt,
	}
}

// headingsOf is f's headings, never null in JSON.
func headingsOf(f materials.MaterialFile) []string {
	if f.Headings == nil {
		return []string{}
	}
	return f.Headings
}
