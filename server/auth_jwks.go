package server

import (
	"net/http"

	"github.com/learnd/learnd/gen/api"
)

// jwksResponse writes the key set exactly as the issuer rendered it, cacheable for an hour.
type jwksResponse []byte

var _ api.GetJWKSResponseObject = jwksResponse(nil)

func (r jwksResponse) VisitGetJWKSResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(r)
	return err
}
