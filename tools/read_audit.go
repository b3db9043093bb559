package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

// --- get_audit_log

type auditIn struct {
	Author         *string `json:"author,omitempty" jsonschema:"Optional. Filter by acting user (per_…)."`
	From           *string `json:"from,omitempty" jsonschema:"Optional. ISO date or YYYY-MM-DD — start of window."`
	To             *string `json:"to,omitempty" jsonschema:"Optional. ISO date or YYYY-MM-DD — end of window (a date includes that whole day)."`
	Limit          int     `json:"limit,omitempty" jsonschema:"Max results (default 50, max 250)."`
	Offset         int     `json:"offset,omitempty" jsonschema:"Pagination offset (default 0)."`
	IncludeChanges bool    `json:"includeChanges,omitempty" jsonschema:"Optional. Include each entry's before/after values (larger output)."`
	Export         bool    `json:"export,omitempty" jsonschema:"Optional. Instead of a page, return a link (resource_link) to a CSV of every entry matching author, from and to, with before/after; read it with resources/read. limit, offset and includeChanges do not apply."`
}

type auditEntry struct {
	ID         string  `json:"id"`
	CreatedAt  string  `json:"createdAt"`
	Action     string  `json:"action"`
	Surface    string  `json:"surface"`
	ActorID    *string `json:"actorId,omitempty"`
	KeyID      *string `json:"keyId,omitempty"`
	AppID      *string `json:"appId,omitempty"`
	TargetType string  `json:"targetType"`
	TargetID   *string `json:"targetId,omitempty"`
	Before     any     `json:"before,omitempty"`
	After      any     `json:"after,omitempty"`
}

type auditOut struct {
	Entries []auditEntry `json:"entries"`
	Total   int          `json:"total"`
	Offset  int          `json:"offset"`
	// NextOffset is the offset of the next page, when there is one.
	NextOffset *int `json:"nextOffset,omitempty"`
	// Export, with export: true, is the CSV of every matching entry (Entries is empty).
	Export *exportLink `json:"export,omitempty"`
}

func (a auditOut) links() []*mcp.ResourceLink { return a.Export.links() }

func (a auditOut) Text() string {
	var b strings.Builder
	if a.Export != nil {
		fmt.Fprintf(&b, "Audit log export: %d matching %s", a.Total, plural(a.Total, "entry", "entries"))
		b.WriteString("\n" + a.Export.text())
		return b.String()
	}
	if len(a.Entries) == 0 {
		fmt.Fprintf(&b, "No audit entries (of %d matching)", a.Total)
	} else {
		fmt.Fprintf(&b, "Audit entries %d–%d of %d", a.Offset+1, a.Offset+len(a.Entries), a.Total)
	}
	for _, e := range a.Entries {
		fmt.Fprintf(&b, "\n- %s %s via %s", e.CreatedAt, e.Action, e.Surface)
		if e.ActorID != nil {
			b.WriteString(" by " + *e.ActorID)
		}
		if e.KeyID != nil {
			b.WriteString(" (key " + *e.KeyID + ")")
		}
		b.WriteString(" on " + e.TargetType)
		if e.TargetID != nil {
			b.WriteString(" " + *e.TargetID)
		}
		if e.AppID != nil {
			b.WriteString(" (app " + *e.AppID + ")")
		}
		b.WriteString(" [" + e.ID + "]")
		writeChanges(&b, e.Before, e.After)
	}
	if a.NextOffset != nil {
		fmt.Fprintf(&b, "\nmore: offset=%d", *a.NextOffset)
	}
	return b.String()
}

// auditParams are the API's parameters for in's filters (author, from, to).
func auditParams(in auditIn) (*client.GetAuditLogParams, error) {
	p := &client.GetAuditLogParams{}
	if in.Author != nil && *in.Author != "" {
		id, err := ID("author", typeid.Person, *in.Author)
		if err != nil {
			return nil, err
		}
		p.FieldsAuthor = &id
	}
	var err error
	if p.FieldsCreatedAtFrom, err = dateInput("from", in.From); err != nil {
		return nil, err
	}
	if p.FieldsCreatedAtTo, err = dateInput("to", in.To); err != nil {
		return nil, err
	}
	return p, nil
}

func getAuditLog(ctx context.Context, env *Env, in auditIn) (auditOut, error) {
	p, err := auditParams(in)
	if err != nil {
		return auditOut{}, err
	}
	if in.Export {
		link, err := env.export(ctx, auditExport(p))
		if err != nil {
			return auditOut{}, err
		}
		return auditOut{Entries: []auditEntry{}, Total: link.Rows, Export: &link}, nil
	}
	p.Limit, p.Offset = &in.Limit, &in.Offset
	r, err := env.API.LMS.Audit.List(ctx, p)
	if err != nil {
		return auditOut{}, inputNames(err, "fields[createdAt][from]", "from", "fields[createdAt][to]", "to", "fields[author]", "author")
	}
	out := auditOut{Entries: make([]auditEntry, 0, len(r.Data)), Total: r.Total, Offset: r.Offset}
	for _, e := range r.Data {
		ae := auditEntry{
			ID: e.Id, CreatedAt: Time(e.CreatedAt), Action: e.Action, Surface: string(e.Surface),
			ActorID: e.ActorId, KeyID: e.KeyId, AppID: e.AppId, TargetType: e.TargetType, TargetID: e.TargetId,
		}
		if in.IncludeChanges {
			ae.Before, ae.After = e.Before, e.After
		}
		out.Entries = append(out.Entries, ae)
	}
	if r.HasMore {
		out.NextOffset = Ptr(r.Offset + len(r.Data))
	}
	return out, nil
}
