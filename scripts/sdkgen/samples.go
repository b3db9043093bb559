package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/format"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// sample is one code sample of an operation, as the explorer shows it (x-codeSamples).
type sample struct {
	Lang   string `json:"lang"`
	Label  string `json:"label"`
	Source string `json:"source"`
}

// samples returns every operation's code samples by operationId: a curl command and a Go
// SDK call, both runnable after `source .data/demo.env` (LEARND_URL and a token per role),
// with the contract's examples for path parameters and bodies.
func samples(m *model) (map[string][]sample, error) {
	out := map[string][]sample{}
	for _, g := range m.Groups {
		for _, r := range g.Resources {
			for _, meth := range r.Methods {
				goSrc, err := goSample(g, r, meth)
				if err != nil {
					return nil, fmt.Errorf("sample of %s: %w", meth.OperationID, err)
				}
				out[meth.OperationID] = []sample{
					{Lang: "Shell", Label: "curl", Source: curlSample(meth)},
					{Lang: "Go", Label: "Go SDK", Source: goSrc},
				}
			}
		}
	}
	return out, nil
}

// tokenVar is the demo environment's token an operation's sample uses: the owner's for
// what only owners may do, none for public operations, else the admin's.
func tokenVar(op *openapi3.Operation) string {
	if op.Security != nil && !usesScheme(*op.Security, "bearerAuth") {
		return "" // public, or its own credentials (the token endpoint's client)
	}
	d := strings.ToLower(op.Description + " " + op.Summary)
	if strings.Contains(d, "owner role") || strings.Contains(d, "owners only") || strings.Contains(d, "owner-only") || strings.Contains(d, "only owners") {
		return "OWNER_TOKEN"
	}
	return "ADMIN_TOKEN"
}

func usesScheme(reqs openapi3.SecurityRequirements, scheme string) bool {
	for _, r := range reqs {
		if _, ok := r[scheme]; ok {
			return true
		}
	}
	return false
}

var idPrefix = regexp.MustCompile(`^\^([a-z]{3})\(_`)

// paramExample is a parameter's example value, else one made from its TypeID pattern,
// else its name in braces.
func paramExample(p *openapi3.Parameter) string {
	if p.Example != nil {
		return fmt.Sprint(p.Example)
	}
	if p.Schema != nil && p.Schema.Value != nil {
		s := p.Schema.Value
		if s.Example != nil {
			return fmt.Sprint(s.Example)
		}
		if m := idPrefix.FindStringSubmatch(s.Pattern); m != nil {
			return m[1] + "_01jd8x4k2m3n5p6q7r8s9t0v1w"
		}
		if len(s.Enum) > 0 {
			return fmt.Sprint(s.Enum[0])
		}
	}
	return "{" + p.Name + "}"
}

// pathWith fills a path template with its parameters' examples.
func pathWith(meth *method) string {
	path := meth.Path
	for _, p := range meth.params {
		if p.In == openapi3.ParameterInPath {
			path = strings.ReplaceAll(path, "{"+p.Name+"}", paramExample(p))
		}
	}
	var q []string
	for _, p := range meth.params {
		if p.In == openapi3.ParameterInQuery && p.Required {
			q = append(q, p.Name+"="+paramExample(p))
		}
	}
	if len(q) > 0 {
		path += "?" + strings.Join(q, "&")
	}
	return path
}

func hasParam(meth *method, in, name string) bool {
	for _, p := range meth.params {
		if p.In == in && strings.EqualFold(p.Name, name) {
			return true
		}
	}
	return false
}

// bodyMedia is the request body's media type the sample sends (the SDK's preference: merge
// patch, JSON, form, multipart) and its example.
func bodyMedia(op *openapi3.Operation) (string, *openapi3.MediaType) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return "", nil
	}
	for _, ct := range []string{"application/merge-patch+json", "application/json", "application/x-www-form-urlencoded", "multipart/form-data"} {
		if mt := op.RequestBody.Value.Content.Get(ct); mt != nil {
			return ct, mt
		}
	}
	return "", nil
}

// example is a media type's example (or its first named one, or its schema's), or nil.
func example(mt *openapi3.MediaType) any {
	if mt.Example != nil {
		return mt.Example
	}
	names := make([]string, 0, len(mt.Examples))
	for n := range mt.Examples {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if ex := mt.Examples[n]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value
		}
	}
	if mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Value.Example != nil {
		return mt.Schema.Value.Example
	}
	return nil
}

func compactJSON(v any) string {
	if v == nil {
		return "{}"
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "{}"
	}
	return strings.TrimSpace(b.String())
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func curlSample(meth *method) string {
	op := meth.op
	lines := []string{"curl -s -X " + meth.HTTPMethod + ` "$LEARND_URL` + pathWith(meth) + `"`}
	if tv := tokenVar(op); tv != "" {
		lines = append(lines, `-H "Authorization: Bearer $`+tv+`"`)
	}
	if hasParam(meth, openapi3.ParameterInHeader, "Idempotency-Key") {
		lines = append(lines, `-H "Idempotency-Key: $(python3 -c 'import uuid; print(uuid.uuid4())')"`)
	}
	if hasParam(meth, openapi3.ParameterInHeader, "If-Match") && strings.HasPrefix(meth.Path, "/api/v1/") {
		lines = append(lines, `-H 'If-Match: "1"'`)
	}
	ct, mt := bodyMedia(op)
	switch ct {
	case "":
	case "multipart/form-data":
		lines = append(lines, multipartFields(mt)...)
	case "application/x-www-form-urlencoded":
		if ex, ok := example(mt).(map[string]any); ok {
			keys := make([]string, 0, len(ex))
			for k := range ex {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				lines = append(lines, "--data-urlencode "+shellQuote(fmt.Sprintf("%s=%v", k, ex[k])))
			}
		}
	default:
		lines = append(lines, "-H "+shellQuote("Content-Type: "+ct), "-d "+shellQuote(compactJSON(example(mt))))
	}
	return strings.Join(lines, " \\\n  ")
}

// multipartFields are curl's -F arguments: files from the current directory, other
// required fields from the schema's examples.
func multipartFields(mt *openapi3.MediaType) []string {
	if mt.Schema == nil || mt.Schema.Value == nil {
		return nil
	}
	s := mt.Schema.Value
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []string
	for _, n := range names {
		p := s.Properties[n].Value
		switch {
		case p != nil && p.Format == "binary":
			out = append(out, "-F "+n+"=@manual.pdf")
		case p != nil && p.Example != nil:
			out = append(out, "-F "+shellQuote(fmt.Sprintf("%s=%v", n, p.Example)))
		}
	}
	return out
}

// samplesPackage is package samples: the samples as JSON, embedded.
const samplesPackage = header + `// Package samples holds every operation's code samples (a curl command and a Go SDK call),
// generated from the contract by scripts/sdkgen; the server serves them in its spec as
// x-codeSamples, which the explorer shows.
package samples

import (
	_ "embed"
	"encoding/json"
)

// Sample is one code sample of an operation.
type Sample struct {
	Lang   string ` + "`json:\"lang\"`" + `
	Label  string ` + "`json:\"label\"`" + `
	Source string ` + "`json:\"source\"`" + `
}

//go:embed samples.json
var samplesJSON []byte

// ByOperation returns the samples of every operation, by operationId.
func ByOperation() (map[string][]Sample, error) {
	var out map[string][]Sample
	err := json.Unmarshal(samplesJSON, &out)
	return out, err
}
`

// generateSamples renders package samples: samples.json and the Go file embedding it.
func generateSamples(specPath, clientSrc, clientImport string) (map[string][]byte, error) {
	m, err := load(specPath, clientSrc, clientImport)
	if err != nil {
		return nil, err
	}
	s, err := samples(m)
	if err != nil {
		return nil, err
	}
	js, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	src, err := format.Source([]byte(samplesPackage))
	if err != nil {
		return nil, fmt.Errorf("format samples: %w", err)
	}
	return map[string][]byte{"samples.json": append(js, '\n'), "samples.gen.go": src}, nil
}
