package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

var expAuditHeader = []string{"id", "createdAt", "actorId", "appId", "keyId", "surface", "action", "targetType", "targetId",
	"before", "after", "requestId"}

func TestE2EExportAuditCSV(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	ctx := e2eCtx(t)
	f := rptNewFix(t, env, "exp-audit")
	admin := f.user("Admin", auth.RoleAdmin, false, auth.ScopeRead)
	alice := f.user("Alice", auth.RoleAdmin, false)
	manager := f.user("Manager", auth.RoleManager, false)
	learner := f.user("Learner", auth.RoleLearner, false)
	str := func(s string) *string { return &s }
	key := uuid.Must(uuid.NewV7())

	tricky := f.audit(rptAudit{CreatedAt: rptDate(t, "2025-05-01T10:00:00.5Z"), Actor: &alice.UUID, AppID: str("=HYPERLINK(\"http://evil\")"),
		KeyID: &key, Surface: "mcp", Action: "user.ban", TargetType: "user", TargetID: str("a,b \"c\"\nd"),
		Before: map[string]any{"status": "active", "note": "x, \"y\""}, After: map[string]any{"status": "banned"}, RequestID: str("-req")})
	plain := f.audit(rptAudit{CreatedAt: rptDate(t, "2025-05-02T00:00:00Z"), Surface: "system", Action: "mail.send", TargetType: "mail"})
	late := f.audit(rptAudit{CreatedAt: rptDate(t, "2025-06-01T00:00:00Z"), Actor: &alice.UUID, Surface: "api", Action: "@sum", TargetType: "+course",
		TargetID: str("\tcell"), RequestID: str("\rcr")})
	other := rptNewFix(t, env, "exp-audit-other")
	stranger := other.user("Stranger", auth.RoleOwner, false)
	theirs := other.audit(rptAudit{CreatedAt: rptDate(t, "2025-05-02T12:00:00Z"), Surface: "api", Action: "user.create", TargetType: "user"})
	aid := func(es ...rptAudit) []string {
		out := make([]string, len(es))
		for i, e := range es {
			out[i] = typeid.Format(typeid.Audit, e.ID)
		}
		return out
	}
	csvQ := url.Values{"format": {"csv"}}

	t.Run("every column, quoted and guarded", func(t *testing.T) {
		r := expGet(t, env, admin.Token, "/api/v2/audit", csvQ, "")
		header, rows := expCSV(t, r, "audit-log.csv")
		rptSame(t, "header", expAuditHeader, header)
		rptSame(t, "ids, newest first", aid(late, plain, tricky), expCol(rows, "id"))
		want := map[string]string{
			"id": aid(tricky)[0], "createdAt": "2025-05-01T10:00:00.5Z", "actorId": alice.ID, "appId": "'=HYPERLINK(\"http://evil\")",
			"keyId": typeid.Format(typeid.APIKey, key), "surface": "mcp", "action": "user.ban", "targetType": "user",
			"targetId": "a,b \"c\"\nd", "before": `{"note":"x, \"y\"","status":"active"}`, "after": `{"status":"banned"}`, "requestId": "'-req",
		}
		rptSame(t, "tricky row", want, rows[2])
		// RFC 4180 on the wire: a cell with a comma, a quote or a line break is quoted, its
		// quotes doubled, its line breaks CRLF.
		if !bytes.Contains(r.Body, []byte("\"a,b \"\"c\"\"\r\nd\"")) || !bytes.Contains(r.Body, []byte("\"'=HYPERLINK(\"\"http://evil\"\")\"")) {
			t.Errorf("quoting on the wire:\n%s", r.Body)
		}
		// A lone carriage return is dropped (encoding/csv's CRLF mode); the guard comes first.
		rptSame(t, "formula guard", map[string]string{"action": "'@sum", "targetType": "'+course", "targetId": "'\tcell", "requestId": "'cr"},
			map[string]string{"action": rows[0]["action"], "targetType": rows[0]["targetType"], "targetId": rows[0]["targetId"], "requestId": rows[0]["requestId"]})
		rptSame(t, "absent values are empty", map[string]string{"actorId": "", "appId": "", "keyId": "", "targetId": "", "before": "", "after": "", "requestId": ""},
			map[string]string{"actorId": rows[1]["actorId"], "appId": rows[1]["appId"], "keyId": rows[1]["keyId"], "targetId": rows[1]["targetId"],
				"before": rows[1]["before"], "after": rows[1]["after"], "requestId": rows[1]["requestId"]})
	})

	t.Run("filters", func(t *testing.T) {
		q := url.Values{"format": {"csv"}, "fields[author]": {alice.ID}, "fields[createdAt][to]": {"2025-05-31"}, "limit": {"1"}, "offset": {"1"}}
		_, rows := expCSV(t, expGet(t, env, admin.Token, "/api/v2/audit", q, ""), "audit-log.csv")
		rptSame(t, "alice in May (limit and offset do not apply)", aid(tricky), expCol(rows, "id"))
	})

	t.Run("format and Accept", func(t *testing.T) {
		for _, c := range []struct {
			name, format, accept string
			csv                  bool
		}{
			{"Accept text/csv", "", "text/csv", true},
			{"Accept prefers csv", "", "application/json;q=0.5, text/csv", true},
			{"Accept text/*", "", "text/*", true},
			{"no Accept", "", "", false},
			{"Accept anything", "", "*/*", false},
			{"Accept json", "", "application/json", false},
			{"csv refused by q=0", "", "text/csv;q=0, application/json;q=0.1", false},
			{"format wins over Accept", "json", "text/csv", false},
			{"format=csv wins over Accept", "csv", "application/json", true},
		} {
			t.Run(c.name, func(t *testing.T) {
				q := url.Values{}
				if c.format != "" {
					q.Set("format", c.format)
				}
				r := expGet(t, env, admin.Token, "/api/v2/audit", q, c.accept)
				if c.csv {
					_, rows := expCSV(t, r, "audit-log.csv")
					if len(rows) != 3 {
						t.Errorf("%d rows, want 3", len(rows))
					}
					return
				}
				var page client.AuditLogPage
				if r.Status != 200 || r.Header.Get("Content-Type") != "application/json" || json.Unmarshal(r.Body, &page) != nil || page.Total != 3 {
					t.Errorf("JSON answer: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
				}
			})
		}
	})

	t.Run("the SDK's client fetches the CSV", func(t *testing.T) {
		rsp, err := admin.Client.Raw().GetAuditLog(ctx, &client.GetAuditLogParams{Format: e2ePtr("csv")})
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = rsp.Body.Close() }()
		b, err := io.ReadAll(rsp.Body)
		if err != nil || rsp.StatusCode != 200 || !strings.HasPrefix(string(b), strings.Join(expAuditHeader, ",")+"\r\n") {
			t.Errorf("SDK CSV: %d %v %q", rsp.StatusCode, err, b)
		}
	})

	t.Run("refusals are problems", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			token  string
			query  url.Values
			accept string
			status int
			param  string
		}{
			{"manager lacks audit_view", manager.Token, csvQ, "", 403, ""},
			{"learner lacks audit_view", learner.Token, csvQ, "text/csv", 403, ""},
			{"no token", "", csvQ, "", 401, ""},
			{"unknown format", admin.Token, url.Values{"format": {"xlsx"}}, "", 422, "format"},
			{"format too long", admin.Token, url.Values{"format": {strings.Repeat("c", 17)}}, "", 400, "format"},
			{"nothing acceptable", admin.Token, nil, "application/xml", 406, ""},
			{"q=0 refuses", admin.Token, nil, "text/csv;q=0", 406, ""},
			{"csv filter still checked", admin.Token, url.Values{"format": {"csv"}, "fields[authr]": {alice.ID}}, "", 400, "fields[authr]"},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := expGet(t, env, c.token, "/api/v2/audit", c.query, c.accept)
				if r.Status != c.status {
					t.Fatalf("status %d, want %d: %s", r.Status, c.status, r.Body)
				}
				p := e2eProblem(t, r)
				if c.param != "" && (p.Errors == nil || len(*p.Errors) == 0 || deref((*p.Errors)[0].Parameter) != c.param) {
					t.Errorf("problem errors %+v, want parameter %s", p.Errors, c.param)
				}
			})
		}
	})

	t.Run("tenant isolation", func(t *testing.T) {
		_, rows := expCSV(t, expGet(t, env, stranger.Token, "/api/v2/audit", csvQ, ""), "audit-log.csv")
		rptSame(t, "their log", aid(theirs), expCol(rows, "id"))
	})

	t.Run("every row, not one page", func(t *testing.T) {
		g := rptNewFix(t, env, "exp-audit-many")
		owner := g.user("Owner", auth.RoleOwner, false)
		g.exec(`INSERT INTO audit_log (tenant_id, id, created_at, surface, action, target_type)
SELECT $1, gen_random_uuid(), $2::timestamptz - n * interval '1 second', 'api', 'bulk.' || n, 'user' FROM generate_series(1, 250) n`,
			g.tenant, time.Now())
		_, rows := expCSV(t, expGet(t, env, owner.Token, "/api/v2/audit", nil, "text/csv"), "audit-log.csv")
		if len(rows) != 250 || rows[0]["action"] != "bulk.1" || rows[249]["action"] != "bulk.250" {
			t.Errorf("%d rows, first %v last %v; want 250 newest first", len(rows), rows[0], rows[len(rows)-1])
		}
		js := expGet(t, env, owner.Token, "/api/v2/audit", nil, "")
		var page client.AuditLogPage
		if err := json.Unmarshal(js.Body, &page); err != nil || len(page.Data) != 50 || page.Total != 250 {
			t.Errorf("JSON page: %d entries of %d (%v)", len(page.Data), page.Total, err)
		}
	})
}
