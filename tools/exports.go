package tools

// Exports as resource links: get_audit_log and get_compliance_status with export: true
// answer with a resource_link content item (and its description in the structured
// content) to a learnd://exports/… resource holding every row their filters select, as
// CSV, instead of one page. resources/read serves that resource as text/csv: the API's
// own CSV export (GET /api/v2/audit?format=csv, GET
// /api/v2/courses/{courseId}/statistics/users?format=csv), requested as the session's key,
// so the permission, the tenant scope and the CSV writer are the HTTP export's. The tool
// reads the export once to count its rows and measure it; each resources/read reads it
// again (the rows of that moment).
//
// The API streams an export of any size; an MCP resource is one JSON-RPC message, so a
// read returns at most the session's export budget (defaultExportBudget) and refuses a
// larger export with an error that names the HTTP export to download instead. Sessions of
// pseudonymising keys cannot export: the CSV carries names and e-mail addresses (and the
// audit's before/after views), and aliases are made on results' JSON only.

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/typeid"
)

// defaultExportBudget is the most CSV one resources/read returns: 4 MiB, which JSON
// escaping keeps well under the transports' message limits (the SDK's 16 MiB events)
// and is still a file an agent can hand on.
const defaultExportBudget = 4 << 20

// The export resources' URI templates and media type.
const (
	uriExportAudit      = "learnd://exports/audit{?author,from,to}"
	uriExportCompliance = "learnd://exports/compliance/{courseId}{?groupId,status}"
	mediaCSV            = "text/csv"
)

// exportTemplates are the export resources, listed for every session that may export.
var exportTemplates = []mcp.ResourceTemplate{
	{URITemplate: uriExportAudit, Name: "audit-log-export", Title: "Audit log export", MIMEType: mediaCSV,
		Description: "Every audit-log entry by author (per_…) between from and to (ISO dates), newest first, as CSV (the API's GET /api/v2/audit?format=csv). get_audit_log with export: true links it. Needs audit_view."},
	{URITemplate: uriExportCompliance, Name: "compliance-export", Title: "Compliance report export", MIMEType: mediaCSV,
		Description: "Every user row of a course's compliance report (optionally one group's, one status), as CSV (the API's GET /api/v2/courses/{courseId}/statistics/users?format=csv). get_compliance_status with export: true links it. Needs common_stat."},
}

// exportLink describes an export in a tool's structured content; the content carries
// it as a resource_link.
type exportLink struct {
	URI      string `json:"uri" jsonschema:"The export's resource (learnd://exports/…): read it with resources/read."`
	Name     string `json:"name" jsonschema:"A file name for the CSV."`
	MIMEType string `json:"mimeType" jsonschema:"text/csv"`
	Rows     int    `json:"rows" jsonschema:"Data rows (after the header row) when the tool ran."`
	Size     int64  `json:"size" jsonschema:"Bytes of CSV when the tool ran."`
}

// text is the export's line in a tool's text.
func (e *exportLink) text() string {
	return fmt.Sprintf("export: %d %s + header as CSV (%s, %d bytes, mimeType %s): read the resource %s with resources/read",
		e.Rows, plural(e.Rows, "row", "rows"), e.Name, e.Size, e.MIMEType, e.URI)
}

// links is the export as the result's resource_link (none without an export).
func (e *exportLink) links() []*mcp.ResourceLink {
	if e == nil {
		return nil
	}
	size := e.Size
	return []*mcp.ResourceLink{{URI: e.URI, Name: e.Name, Title: "CSV export", MIMEType: e.MIMEType, Size: &size,
		Description: fmt.Sprintf("%d %s and a header row; read with resources/read.", e.Rows, plural(e.Rows, "row", "rows"))}}
}

// linker is a Result that links resources: the core puts the links after its text.
type linker interface{ links() []*mcp.ResourceLink }

// exportRef is one export: what it is and its API parameters.
type exportRef struct {
	course string // compliance: the course; "" for the audit log
	audit  *client.GetAuditLogParams
	report *client.GetComplianceStatusParams
}

// auditExport is the audit-log export of p's filters.
func auditExport(p *client.GetAuditLogParams) exportRef {
	return exportRef{audit: &client.GetAuditLogParams{FieldsAuthor: p.FieldsAuthor, FieldsCreatedAtFrom: p.FieldsCreatedAtFrom, FieldsCreatedAtTo: p.FieldsCreatedAtTo}}
}

// complianceExport is the compliance export of course with p's filters.
func complianceExport(course string, p *client.GetComplianceStatusParams) exportRef {
	return exportRef{course: course, report: &client.GetComplianceStatusParams{GroupId: p.GroupId, Status: p.Status}}
}

// uri is the export's resource (query parameters in the template's order).
func (r exportRef) uri() string {
	q := url.Values{}
	set := func(k string, v *string) {
		if v != nil && *v != "" {
			q.Set(k, *v)
		}
	}
	base := "learnd://exports/audit"
	if r.report != nil {
		base = "learnd://exports/compliance/" + r.course
		set("groupId", r.report.GroupId)
		set("status", (*string)(r.report.Status))
	} else {
		set("author", r.audit.FieldsAuthor)
		set("from", r.audit.FieldsCreatedAtFrom)
		set("to", r.audit.FieldsCreatedAtTo)
	}
	if len(q) == 0 {
		return base
	}
	return base + "?" + q.Encode() // sorted keys: the templates' order
}

// name is the export's file name (the HTTP export's).
func (r exportRef) name() string {
	if r.report != nil {
		return "compliance-" + r.course + ".csv"
	}
	return "audit-log.csv"
}

// httpExport is the API request that downloads the export without a size limit.
func (r exportRef) httpExport(apiURL string) string {
	q := url.Values{"format": {"csv"}}
	set := func(k string, v *string) {
		if v != nil && *v != "" {
			q.Set(k, *v)
		}
	}
	path := "/api/v2/audit"
	if r.report != nil {
		path = "/api/v2/courses/" + r.course + "/statistics/users"
		set("groupId", r.report.GroupId)
		set("status", (*string)(r.report.Status))
	} else {
		set("fields[author]", r.audit.FieldsAuthor)
		set("fields[createdAt][from]", r.audit.FieldsCreatedAtFrom)
		set("fields[createdAt][to]", r.audit.FieldsCreatedAtTo)
	}
	if apiURL == inProcessURL { // /mcp: the API is this server's
		apiURL = ""
	}
	return "GET " + strings.TrimSuffix(apiURL, "/") + path + "?" + q.Encode()
}

// parseExport is the export of uri (a learnd://exports/… URI), its inputs checked as the
// tools check them.
func parseExport(uri string) (exportRef, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "learnd" || u.Host != "exports" {
		return exportRef{}, Invalid("%q is not an export", clip(uri, 80))
	}
	q := u.Query()
	opt := func(k string) *string {
		if v := q.Get(k); v != "" {
			return &v
		}
		return nil
	}
	switch course, isReport := strings.CutPrefix(u.Path, "/compliance/"); {
	case u.Path == "/audit":
		p, err := auditParams(auditIn{Author: opt("author"), From: opt("from"), To: opt("to")})
		if err != nil {
			return exportRef{}, err
		}
		return auditExport(p), nil
	case isReport && course != "" && !strings.Contains(course, "/"):
		id, err := ID("courseId", typeid.Course, course)
		if err != nil {
			return exportRef{}, err
		}
		p := &client.GetComplianceStatusParams{}
		if g := opt("groupId"); g != nil {
			gid, err := ID("groupId", typeid.Group, *g)
			if err != nil {
				return exportRef{}, err
			}
			p.GroupId = &gid
		}
		if s := opt("status"); s != nil {
			p.Status = Ptr(client.ComplianceStatus(*s))
		}
		return complianceExport(id, p), nil
	}
	return exportRef{}, Invalid("%q is not an export", clip(uri, 80))
}

// exportTooLargeError is an export larger than one resources/read returns.
type exportTooLargeError struct {
	Budget int64
	HTTP   string // the API request that downloads it
}

func (e *exportTooLargeError) Error() string {
	return fmt.Sprintf("the export is larger than %d bytes, more than one MCP message carries; download it from the API instead: %s (Authorization: Bearer with your API key)", e.Budget, e.HTTP)
}

// exportBudget is the session's export budget.
func (env *Env) exportBudget() int64 {
	if env.Config.exportBudget > 0 {
		return env.Config.exportBudget
	}
	return defaultExportBudget
}

// fetchCSV reads the export r from the API: the whole CSV, at most the export budget.
func (env *Env) fetchCSV(ctx context.Context, r exportRef) ([]byte, error) {
	if env.pseudo != nil {
		return nil, Invalid("export is not available to a pseudonymised key: the CSV would show names and e-mail addresses; page the results without export (they show aliases)")
	}
	budget := env.exportBudget()
	ctx = withResponseLimit(ctx, budget) // in-process (/mcp): stop the API's stream beyond it
	var rsp *http.Response
	var err error
	csvFormat := client.ExportFormat("csv")
	if r.report != nil {
		p := *r.report
		p.Format = &csvFormat
		rsp, err = env.API.Raw().GetComplianceStatus(ctx, r.course, &p)
	} else {
		p := *r.audit
		p.Format = &csvFormat
		rsp, err = env.API.Raw().GetAuditLog(ctx, &p)
	}
	tooLarge := &exportTooLargeError{Budget: budget, HTTP: r.httpExport(env.Config.APIURL)}
	if errors.Is(err, errResponseTooLarge) {
		return nil, tooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if err := sdk.CheckResponse(rsp); err != nil {
		return nil, inputNames(err, "fields[createdAt][from]", "from", "fields[createdAt][to]", "to", "fields[author]", "author")
	}
	defer func() { _ = rsp.Body.Close() }()
	b, err := io.ReadAll(io.LimitReader(rsp.Body, budget+1))
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	if int64(len(b)) > budget {
		return nil, tooLarge
	}
	return b, nil
}

// export reads the export r and describes it for a tool's result.
func (env *Env) export(ctx context.Context, r exportRef) (exportLink, error) {
	b, err := env.fetchCSV(ctx, r)
	if err != nil {
		return exportLink{}, err
	}
	rows, err := csvRows(b)
	if err != nil {
		return exportLink{}, err
	}
	return exportLink{URI: r.uri(), Name: r.name(), MIMEType: mediaCSV, Rows: rows, Size: int64(len(b))}, nil
}

// csvRows counts the data rows of a CSV (its records after the header).
func csvRows(b []byte) (int, error) {
	cr := csv.NewReader(bytes.NewReader(b))
	cr.ReuseRecord = true
	n := 0
	for {
		_, err := cr.Read()
		if err == io.EOF {
			return max(n-1, 0), nil
		}
		if err != nil {
			return 0, fmt.Errorf("export: the API's CSV: %w", err)
		}
		n++
	}
}

// readExport is resources/read of an export URI.
func readExport(ctx context.Context, env *Env, uri string) ([]*mcp.ResourceContents, error) {
	r, err := parseExport(uri)
	if err != nil { // the template matched, but an id or a date is malformed
		return nil, fmt.Errorf("read %s: %s", uri, ErrorText(err))
	}
	b, err := env.fetchCSV(ctx, r)
	if sdk.StatusCode(err) == http.StatusNotFound {
		return nil, mcp.ResourceNotFoundError(uri)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %s", uri, ErrorText(err))
	}
	return []*mcp.ResourceContents{{URI: uri, MIMEType: mediaCSV, Text: string(b)}}, nil
}

// addExports registers the export templates on s for a session that may export.
func addExports(s *mcp.Server, env *Env) {
	if env.pseudo != nil {
		return
	}
	for _, t := range exportTemplates {
		s.AddResourceTemplate(&t, func(ctx context.Context, req *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
			contents, err := readExport(requestCredential(ctx, req.Extra), env, req.Params.URI)
			if err != nil {
				return nil, err
			}
			return &mcp.ReadResourceResult{Contents: contents}, nil
		})
	}
}
