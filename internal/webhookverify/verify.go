// Package webhookverify checks webhook deliveries in tests with the npm standardwebhooks
// package (scripts/webhook-verify), a verifier learnd did not write.
package webhookverify

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
)

var ensure struct {
	once sync.Once
	err  error
}

// root is the repository's root (this file is internal/webhookverify/verify.go).
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// ErrRefused wraps standardwebhooks' refusal of a delivery.
var ErrRefused = errors.New("standardwebhooks refused the delivery")

// Verify checks a delivery's body and headers against secret (whsec_…) and returns its
// payload; a delivery the library refuses is an ErrRefused, anything else that goes wrong
// (the package cannot be installed, node is missing) another error.
func Verify(secret string, body []byte, header http.Header) (map[string]any, error) {
	ensure.once.Do(func() {
		if out, err := exec.Command("bash", filepath.Join(root(), "scripts", "ensure-webhook-verify.sh")).CombinedOutput(); err != nil {
			ensure.err = fmt.Errorf("ensure-webhook-verify.sh: %w\n%s", err, out)
		}
	})
	if ensure.err != nil {
		return nil, ensure.err
	}
	in, err := json.Marshal(map[string]any{"secret": secret, "body": string(body), "headers": map[string]string{
		"webhook-id": header.Get("webhook-id"), "webhook-timestamp": header.Get("webhook-timestamp"),
		"webhook-signature": header.Get("webhook-signature")}})
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("node", filepath.Join(root(), "scripts", "webhook-verify", "verify.mjs"))
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		return nil, fmt.Errorf("%w: %s", ErrRefused, out)
	case err != nil:
		return nil, fmt.Errorf("verify.mjs: %w", err)
	}
	var payload map[string]any
	if err := json.Unmarshal(out, &payload); err != nil {
		return nil, fmt.Errorf("verify.mjs printed %q: %w", out, err)
	}
	return payload, nil
}
