package scim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// Entra ID sends the enterprise extension's manager as a bare id
// ("urn:…:enterprise:2.0:User:manager": "<id>") where RFC 7643 4.3 has a complex value
// ({"value": "<id>"}); the library's schema check refuses the bare form. managerShim
// rewrites it to the complex form before the library reads a /Users body: in a PATCH
// operation's value (with or without a path) and in a POST or PUT body's extension.
func managerShim(r *http.Request) {
	if r.Body == nil || !strings.HasPrefix(r.URL.Path, "/v2/Users") {
		return
	}
	raw, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(raw))
	if err != nil || !bytes.Contains(bytes.ToLower(raw), []byte("manager")) {
		return
	}
	var doc map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if d.Decode(&doc) != nil {
		return // the library answers invalidSyntax
	}
	changed := wrapManager(doc)
	if ops, ok := doc["Operations"].([]any); ok {
		for _, o := range ops {
			op, _ := o.(map[string]any)
			if path, _ := op["path"].(string); strings.HasSuffix(strings.ToLower(path), ":manager") {
				if s, ok := op["value"].(string); ok {
					op["value"], changed = map[string]any{"value": s}, true
				}
			} else if v, ok := op["value"].(map[string]any); ok && wrapManager(v) {
				changed = true
			}
		}
	}
	if !changed {
		return
	}
	if b, err := json.Marshal(doc); err == nil {
		r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
	}
}

// wrapManager wraps a bare manager id in m's extension object, or under m's
// "<extension>:manager" key; it reports whether it changed anything.
func wrapManager(m map[string]any) bool {
	changed := false
	for k, v := range m {
		s, isStr := v.(string)
		switch lk := strings.ToLower(k); {
		case lk == enterpriseLower:
			if ext, ok := v.(map[string]any); ok {
				if id, ok := ext["manager"].(string); ok {
					ext["manager"], changed = map[string]any{"value": id}, true
				}
			}
		case lk == enterpriseLower+":manager" && isStr:
			m[k], changed = map[string]any{"value": s}, true
		}
	}
	return changed
}
