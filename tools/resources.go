package tools

// MCP resources: a course, a course generation (the draft it made) and a course's
// compliance report, read through the same API calls as get_course,
// get_course_generation_status and get_compliance_status, as a text rendering and the
// JSON of the matching tool's structured content. Clients may subscribe to them: the
// server reads a subscribed resource again every little while and sends
// notifications/resources/updated when it changed (a generation: until it finishes).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
)

// The resources' URI templates.
const (
	uriCourse     = "learnd://courses/{courseId}"
	uriGeneration = "learnd://generations/{jobId}"
	uriCompliance = "learnd://reports/compliance/{courseId}"
)

// complianceMaxPages bounds the pages of 250 users a compliance report resource reads.
const complianceMaxPages = 20

// resourceKind is one of the resource templates: who sees it and how it is read.
type resourceKind struct {
	kind     Kind
	template mcp.ResourceTemplate
	prefix   string // the URI up to the id
	// read returns the resource's rendering and structured content, and whether it can
	// still change (false: a finished generation, no more polling).
	read func(ctx context.Context, env *Env, id string) (Result, bool, error)
}

var resourceKinds = []resourceKind{
	{
		kind: KindRead, prefix: "learnd://courses/",
		template: mcp.ResourceTemplate{URITemplate: uriCourse, Name: "course", Title: "Course", MIMEType: "text/plain",
			Description: "A course: settings, status and its structure (sections, elements, quiz questions), as get_course returns it. Subscribe to hear when it changes."},
		read: func(ctx context.Context, env *Env, id string) (Result, bool, error) {
			c, err := getCourse(ctx, env, getCourseIn{CourseID: id})
			return c, true, err
		},
	},
	{
		kind: KindAI, prefix: "learnd://generations/",
		template: mcp.ResourceTemplate{URITemplate: uriGeneration, Name: "course-generation", Title: "Course generation", MIMEType: "text/plain",
			Description: "A course generation job (gen_…) of yours: its status and, once completed, the generated draft course's id. Subscribe to hear when it completes or fails."},
		read: func(ctx context.Context, env *Env, id string) (Result, bool, error) {
			j, err := getCourseGenerationStatus(ctx, env, generationStatusIn{JobID: id})
			return j, j.Status == string(client.CourseGenerationStatusQueued) || j.Status == string(client.CourseGenerationStatusRunning), err
		},
	},
	{
		kind: KindRead, prefix: "learnd://reports/compliance/",
		template: mcp.ResourceTemplate{URITemplate: uriCompliance, Name: "compliance-report", Title: "Compliance report", MIMEType: "text/plain",
			Description: "A course's compliance report: totals and every assigned user's status, due date and completion (all pages), as get_compliance_status returns them. Subscribe to hear when it changes."},
		read: readComplianceReport,
	},
}

// readComplianceReport reads every page of a course's compliance report.
func readComplianceReport(ctx context.Context, env *Env, id string) (Result, bool, error) {
	in := complianceIn{CourseID: id, Limit: 250}
	var all complianceOut
	for page := 0; ; page++ {
		out, err := getComplianceStatus(ctx, env, in)
		if err != nil {
			return nil, true, err
		}
		if page == 0 {
			all = out
		} else {
			all.Users = append(all.Users, out.Users...)
			all.NextPageToken = out.NextPageToken
		}
		if out.NextPageToken == nil || *out.NextPageToken == "" || page+1 == complianceMaxPages {
			return all, true, nil
		}
		in.PageToken = out.NextPageToken
	}
}

// resourceFor finds the resource kind and id of uri.
func resourceFor(uri string) (resourceKind, string, bool) {
	for _, k := range resourceKinds {
		if id, ok := strings.CutPrefix(uri, k.prefix); ok && id != "" && !strings.ContainsAny(id, "/?#") {
			return k, id, true
		}
	}
	return resourceKind{}, "", false
}

// readResource reads uri for env: its contents, and whether it can still change.
func readResource(ctx context.Context, env *Env, uri string) ([]*mcp.ResourceContents, bool, error) {
	k, id, ok := resourceFor(uri)
	if !ok || !Allowed(k.kind, env.Me) || !granted(k.kind, env.Config) {
		return nil, false, mcp.ResourceNotFoundError(uri)
	}
	res, live, err := k.read(ctx, env, id)
	if err != nil {
		var ie *InvalidError
		if sdk.StatusCode(err) == http.StatusNotFound || errors.As(err, &ie) {
			return nil, false, mcp.ResourceNotFoundError(uri)
		}
		return nil, false, fmt.Errorf("read %s: %s", uri, ErrorText(err))
	}
	if env.pseudo != nil {
		if res, err = env.pseudo.result(res); err != nil {
			return nil, false, fmt.Errorf("read %s: %w", uri, err)
		}
	}
	b, err := json.Marshal(res)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", uri, err)
	}
	return []*mcp.ResourceContents{
		{URI: uri, MIMEType: "text/plain", Text: res.Text()},
		{URI: uri, MIMEType: "application/json", Text: string(b)},
	}, live, nil
}

// addResources registers the resource templates env may read on s (and the exports',
// exports.go).
func addResources(s *mcp.Server, env *Env) {
	if Allowed(KindRead, env.Me) && granted(KindRead, env.Config) {
		addExports(s, env)
	}
	for _, k := range resourceKinds {
		if !Allowed(k.kind, env.Me) || !granted(k.kind, env.Config) {
			continue
		}
		t := k.template
		s.AddResourceTemplate(&t, func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			contents, _, err := readResource(requestCredential(ctx, req.Extra), env, req.Params.URI)
			if err != nil {
				return nil, err
			}
			return &mcp.ReadResourceResult{Contents: contents}, nil
		})
	}
}

// requestCredential carries the access token of an MCP request (OAuth sessions) into the
// API calls made for it.
func requestCredential(ctx context.Context, extra *mcp.RequestExtra) context.Context {
	if extra != nil && extra.TokenInfo != nil {
		if tok, ok := extra.TokenInfo.Extra[extraToken].(string); ok {
			return withCredential(ctx, tok)
		}
	}
	return ctx
}
