package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
)

// Limits of get_recertification_due (the API's).
const (
	recertDueWithinDefault = 30
	recertDueWithinMax     = 3650
	recertDueLimitDefault  = 20
	recertDueLimitMax      = 50
)

func init() {
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "get_recertification_due",
			Description: "Certificates due for renewal across the tenant: each learner's newest certificate of a course that " +
				"expires within withinDays days (default 30) or has expired already, soonest first, with when the course " +
				"is (or was) assigned again for courses that recertify. Pages with limit and pageToken. Needs common_stat.",
			Annotations: ReadOnly("Get certificates due for renewal"),
		},
		Schema: func(s *jsonschema.Schema) {
			SetRange(s, "withinDays", 1, recertDueWithinMax)
			SetDefault(s, "withinDays", recertDueWithinDefault)
			SetRange(s, "limit", 1, recertDueLimitMax)
			SetDefault(s, "limit", recertDueLimitDefault)
		},
	}, getRecertificationDue)
}

// --- get_recertification_due

type recertDueIn struct {
	WithinDays int     `json:"withinDays,omitempty" jsonschema:"Window in days from now (default 30, max 3650); expired certificates are always included."`
	Limit      int     `json:"limit,omitempty" jsonschema:"Certificates per page (default 20, max 50)."`
	PageToken  *string `json:"pageToken,omitempty" jsonschema:"Optional. The nextPageToken of the previous page."`
}

type recertDue struct {
	ID           string  `json:"id"`
	Number       string  `json:"number"`
	UserID       string  `json:"userId"`
	UserName     string  `json:"userName"`
	CourseID     string  `json:"courseId"`
	CourseName   string  `json:"courseName"`
	ExpiresAt    string  `json:"expiresAt"`
	Expired      bool    `json:"expired"`
	ReassignAt   *string `json:"reassignAt,omitempty"`
	ReassignedAt *string `json:"reassignedAt,omitempty"`
}

type recertDueOut struct {
	WithinDays    int         `json:"withinDays"`
	Certificates  []recertDue `json:"certificates"`
	NextPageToken *string     `json:"nextPageToken,omitempty"`
}

func (o recertDueOut) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s due for renewal within %d days", len(o.Certificates), plural(len(o.Certificates), "certificate", "certificates"), o.WithinDays)
	if o.NextPageToken != nil {
		b.WriteString(" (this page)")
	}
	for _, c := range o.Certificates {
		fmt.Fprintf(&b, "\n- %s (%s): %s (%s), no. %s", c.UserName, c.UserID, c.CourseName, c.CourseID, c.Number)
		if c.Expired {
			b.WriteString(", EXPIRED " + c.ExpiresAt)
		} else {
			b.WriteString(", expires " + c.ExpiresAt)
		}
		switch {
		case c.ReassignedAt != nil:
			b.WriteString("; re-assigned " + *c.ReassignedAt)
		case c.ReassignAt != nil:
			b.WriteString("; re-assigned automatically from " + *c.ReassignAt)
		default:
			b.WriteString("; the course does not recertify automatically")
		}
		b.WriteString(" [" + c.ID + "]")
	}
	writeMore(&b, o.NextPageToken)
	return b.String()
}

func getRecertificationDue(ctx context.Context, env *Env, in recertDueIn) (recertDueOut, error) {
	if in.WithinDays == 0 {
		in.WithinDays = recertDueWithinDefault
	}
	if in.Limit == 0 {
		in.Limit = recertDueLimitDefault
	}
	p := &client.ListRecertificationDueParams{WithinDays: &in.WithinDays, Limit: &in.Limit}
	var err error
	if p.PageToken, err = pageToken(in.PageToken); err != nil {
		return recertDueOut{}, err
	}
	r, err := env.API.LMS.Certificates.ListDue(ctx, p)
	if err != nil {
		return recertDueOut{}, err
	}
	out := recertDueOut{WithinDays: in.WithinDays, Certificates: make([]recertDue, 0, len(r.Data))}
	for _, c := range r.Data {
		out.Certificates = append(out.Certificates, recertDue{ID: c.Id, Number: c.Number, UserID: c.UserId, UserName: c.UserName,
			CourseID: c.CourseId, CourseName: c.CourseName, ExpiresAt: Time(c.ExpiresAt), Expired: c.Expired,
			ReassignAt: TimePtr(c.ReassignAt), ReassignedAt: TimePtr(c.ReassignedAt)})
	}
	if r.HasMore {
		out.NextPageToken = r.NextPageToken
	}
	return out, nil
}
