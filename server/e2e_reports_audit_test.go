package server_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

func TestE2EReportsAuditLog(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	f := rptNewFix(t, env, "rpt-audit")
	admin := f.user("Admin", auth.RoleAdmin, false, auth.ScopeRead)
	alice := f.user("Alice", auth.RoleAdmin, false)
	bob := f.user("Bob", auth.RoleManager, false)
	learner := f.user("Learner", auth.RoleLearner, false)
	str := func(s string) *string { return &s }
	key := uuid.Must(uuid.NewV7())

	e1 := f.audit(rptAudit{CreatedAt: rptDate(t, "2025-05-01T10:00:00Z"), Actor: &alice.UUID, AppID: str("app_hr"), KeyID: &key,
		Surface: "mcp", Action: "user.ban", TargetType: "user", TargetID: str(learner.ID),
		Before: map[string]any{"status": "active"}, After: map[string]any{"status": "banned"}, RequestID: str("req-1")})
	e2 := f.audit(rptAudit{CreatedAt: rptDate(t, "2025-05-02T00:00:00Z"), Actor: &bob.UUID, Surface: "api",
		Action: "course.create", TargetType: "course", TargetID: str("crs_01jd8x4k2m3n5p6q7r8s9t0v1w"), After: map[string]any{"name": "New"}})
	e3 := f.audit(rptAudit{CreatedAt: rptDate(t, "2025-05-02T23:59:59Z"), Actor: &alice.UUID, Surface: "api",
		Action: "course.publish", TargetType: "course", TargetID: str("crs_01jd8x4k2m3n5p6q7r8s9t0v1w")})
	e4 := f.audit(rptAudit{CreatedAt: rptDate(t, "2025-05-03T12:00:00Z"), Surface: "system", Action: "mail.send", TargetType: "mail"})
	other := rptNewFix(t, env, "rpt-audit-other")
	stranger := other.user("Stranger", auth.RoleOwner, false)
	e5 := other.audit(rptAudit{CreatedAt: rptDate(t, "2025-05-02T12:00:00Z"), Actor: &alice.UUID, Surface: "api", Action: "user.create", TargetType: "user"})

	ids := func(es []client.AuditEntry) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = e.Id
		}
		return out
	}
	id := func(es ...rptAudit) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = typeid.Format(typeid.Audit, e.ID)
		}
		return out
	}
	list := func(c rptUser, p *client.GetAuditLogParams) *client.AuditLogPage {
		t.Helper()
		got, err := c.Client.LMS.Audit.List(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	t.Run("everything, newest first", func(t *testing.T) {
		got := list(admin, nil)
		rptSame(t, "ids", id(e4, e3, e2, e1), ids(got.Data))
		if got.Total != 4 || got.Limit != 50 || got.Offset != 0 || got.HasMore {
			t.Errorf("page = total %d limit %d offset %d hasMore %v", got.Total, got.Limit, got.Offset, got.HasMore)
		}
		first := got.Data[3]
		first.CreatedAt = first.CreatedAt.UTC()
		want := client.AuditEntry{Id: id(e1)[0], CreatedAt: e1.CreatedAt, ActorId: &alice.ID, AppId: str("app_hr"),
			KeyId: str(typeid.Format(typeid.APIKey, key)), Surface: client.AuditSurfaceMcp, Action: "user.ban", TargetType: "user",
			TargetId: str(learner.ID), Before: map[string]any{"status": "active"}, After: map[string]any{"status": "banned"}, RequestId: str("req-1")}
		rptSame(t, "e1", want, first)
		sys := got.Data[0]
		if sys.ActorId != nil || sys.KeyId != nil || sys.AppId != nil || sys.Before != nil || sys.After != nil || sys.TargetId != nil || sys.Surface != client.AuditSurfaceSystem {
			t.Errorf("system entry = %+v", sys)
		}
	})

	t.Run("filters", func(t *testing.T) {
		for _, c := range []struct {
			name     string
			author   *string
			from, to *string
			want     []string
		}{
			{"author", &alice.ID, nil, nil, id(e3, e1)},
			{"author, legacy id form", str("per-" + alice.UUID.String()), nil, nil, id(e3, e1)},
			{"author with nothing", &learner.ID, nil, nil, id()},
			{"from a date", nil, str("2025-05-02"), nil, id(e4, e3, e2)},
			{"to a date includes the day", nil, nil, str("2025-05-02"), id(e3, e2, e1)},
			{"one day", nil, str("2025-05-02"), str("2025-05-02"), id(e3, e2)},
			{"instants, both inclusive", nil, str("2025-05-02T00:00:00Z"), str("2025-05-02T23:59:59Z"), id(e3, e2)},
			{"instant to, exclusive of later", nil, nil, str("2025-05-01T23:59:59Z"), id(e1)},
			{"offset zone", nil, str("2025-05-02T01:00:00+02:00"), nil, id(e4, e3, e2)},
			{"author and window", &alice.ID, str("2025-05-02"), str("2025-05-03"), id(e3)},
		} {
			got := list(admin, &client.GetAuditLogParams{FieldsAuthor: c.author, FieldsCreatedAtFrom: c.from, FieldsCreatedAtTo: c.to})
			rptSame(t, c.name, c.want, ids(got.Data))
			if got.Total != len(c.want) {
				t.Errorf("%s: total = %d, want %d", c.name, got.Total, len(c.want))
			}
		}
	})

	t.Run("limit and offset", func(t *testing.T) {
		got := list(admin, &client.GetAuditLogParams{Limit: e2ePtr(2), Offset: e2ePtr(1)})
		rptSame(t, "page", id(e3, e2), ids(got.Data))
		if got.Total != 4 || got.Limit != 2 || got.Offset != 1 || !got.HasMore {
			t.Errorf("page = total %d limit %d offset %d hasMore %v", got.Total, got.Limit, got.Offset, got.HasMore)
		}
		got = list(admin, &client.GetAuditLogParams{Limit: e2ePtr(2), Offset: e2ePtr(3)})
		rptSame(t, "last page", id(e1), ids(got.Data))
		if got.HasMore {
			t.Error("last page says hasMore")
		}
		got = list(admin, &client.GetAuditLogParams{Offset: e2ePtr(10)})
		if len(got.Data) != 0 || got.Total != 4 || got.HasMore {
			t.Errorf("past the end = %d entries, total %d", len(got.Data), got.Total)
		}
		var all []client.AuditEntry
		for e, err := range admin.Client.LMS.Audit.All(ctx, &client.GetAuditLogParams{Limit: e2ePtr(3)}) {
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, e)
		}
		rptSame(t, "all", id(e4, e3, e2, e1), ids(all))
	})

	t.Run("the seed's literal parameter names", func(t *testing.T) {
		// MCP servers send the brackets unencoded.
		r := e2eDo(t, http.MethodGet, env.URL+"/api/v2/audit?fields[author]="+alice.ID+"&fields[createdAt][from]=2025-05-02&fields[createdAt][to]=2025-05-02&limit=250&offset=0", admin.Token, nil, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		q := url.Values{"fields[author]": {alice.ID}, "fields[createdAt][from]": {"2025-05-01"}}
		r = e2eDo(t, http.MethodGet, env.URL+"/api/v2/audit?"+q.Encode(), admin.Token, nil, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("encoded: status %d: %s", r.Status, r.Body)
		}
		var page client.AuditLogPage
		if err := json.Unmarshal(r.Body, &page); err != nil {
			t.Fatal(err)
		}
		rptSame(t, "encoded", id(e3, e1), ids(page.Data))
	})

	t.Run("bad input", func(t *testing.T) {
		for _, c := range []struct {
			name string
			p    client.GetAuditLogParams
		}{
			{"bad from", client.GetAuditLogParams{FieldsCreatedAtFrom: str("last tuesday")}},
			{"no such date", client.GetAuditLogParams{FieldsCreatedAtTo: str("2025-02-30")}},
			{"from after to", client.GetAuditLogParams{FieldsCreatedAtFrom: str("2025-05-03"), FieldsCreatedAtTo: str("2025-05-02")}},
			{"author not a person", client.GetAuditLogParams{FieldsAuthor: str("grp_01jd8x4k2m3n5p6q7r8s9t0v1w")}},
			{"limit 0", client.GetAuditLogParams{Limit: e2ePtr(0)}},
			{"limit 251", client.GetAuditLogParams{Limit: e2ePtr(251)}},
			{"negative offset", client.GetAuditLogParams{Offset: e2ePtr(-1)}},
		} {
			_, err := admin.Client.LMS.Audit.List(ctx, &c.p)
			e2eSdkErr(t, err, http.StatusBadRequest, c.name)
		}
	})

	t.Run("permissions and tenants", func(t *testing.T) {
		_, err := bob.Client.LMS.Audit.List(ctx, nil) // managers hold no audit_view
		e2eSdkErr(t, err, http.StatusForbidden, "manager")
		_, err = learner.Client.LMS.Audit.List(ctx, nil)
		e2eSdkErr(t, err, http.StatusForbidden, "learner")
		writeOnly := f.user("Write only", auth.RoleOwner, false, auth.ScopeWrite)
		_, err = writeOnly.Client.LMS.Audit.List(ctx, nil)
		e2eSdkErr(t, err, http.StatusForbidden, "no read scope")
		// The other tenant sees only its own entry, even filtering by our user.
		got := list(stranger, nil)
		rptSame(t, "other tenant", id(e5), ids(got.Data))
		got = list(stranger, &client.GetAuditLogParams{FieldsAuthor: &alice.ID})
		rptSame(t, "other tenant by our author", id(e5), ids(got.Data))
	})
}
