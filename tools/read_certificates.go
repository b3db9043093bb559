package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

// --- list_certificates

type certificatesIn struct {
	UserID         string `json:"userId" jsonschema:"User whose certificates to list (per_…)."`
	ExpiringWithin *int   `json:"expiringWithin,omitempty" jsonschema:"Optional. Only certificates expiring within this many days from now (and not expired yet), e.g. 90."`
}

type certificateBrief struct {
	ID         string  `json:"id"`
	Number     string  `json:"number"`
	CourseID   string  `json:"courseId"`
	CourseName string  `json:"courseName"`
	IssuedAt   string  `json:"issuedAt"`
	ExpiresAt  *string `json:"expiresAt,omitempty"`
	Expired    bool    `json:"expired"`
}

type certificateList struct {
	UserID       string             `json:"userId"`
	Certificates []certificateBrief `json:"certificates"`
	// Omitted counts the certificates beyond the first 100 (newest first as the API lists them).
	Omitted int `json:"omitted,omitempty"`
}

func (l certificateList) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s for %s", len(l.Certificates)+l.Omitted, plural(len(l.Certificates)+l.Omitted, "certificate", "certificates"), l.UserID)
	for _, c := range l.Certificates {
		fmt.Fprintf(&b, "\n- %s (%s): no. %s, issued %s", c.CourseName, c.CourseID, c.Number, c.IssuedAt)
		switch {
		case c.Expired:
			b.WriteString(", EXPIRED " + *c.ExpiresAt)
		case c.ExpiresAt != nil:
			b.WriteString(", expires " + *c.ExpiresAt)
		default:
			b.WriteString(", no expiry")
		}
		b.WriteString(" [" + c.ID + "]")
	}
	if l.Omitted > 0 {
		fmt.Fprintf(&b, "\n(%d more not shown; narrow with expiringWithin)", l.Omitted)
	}
	return b.String()
}

func listCertificates(ctx context.Context, env *Env, in certificatesIn) (certificateList, error) {
	id, err := ID("userId", typeid.Person, in.UserID)
	if err != nil {
		return certificateList{}, err
	}
	r, err := env.API.LMS.Certificates.List(ctx, id, &client.ListUserCertificatesParams{ExpiringWithin: in.ExpiringWithin})
	if err != nil {
		return certificateList{}, err
	}
	out := certificateList{UserID: id, Certificates: make([]certificateBrief, 0, min(len(r.Data), certificatesMax))}
	for i, c := range r.Data {
		if i == certificatesMax {
			out.Omitted = len(r.Data) - certificatesMax
			break
		}
		cb := certificateBrief{ID: c.Id, Number: c.Number, CourseID: c.CourseId, CourseName: c.CourseName,
			IssuedAt: Time(c.IssuedAt), ExpiresAt: TimePtr(c.ExpiresAt), Expired: c.Expired}
		if cb.Expired && cb.ExpiresAt == nil { // not expected; keep the text honest
			cb.ExpiresAt = Ptr("unknown date")
		}
		out.Certificates = append(out.Certificates, cb)
	}
	return out, nil
}
