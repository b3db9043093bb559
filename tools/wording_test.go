package tools

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

// TestWording: the messages issue 12 found wrong read right.
func TestWording(t *testing.T) {
	t.Parallel()
	// "1 second", not "1 seconds".
	for wait, want := range map[time.Duration]string{
		time.Second:             MsgRateLimited + " Retry after 1 second.",
		1500 * time.Millisecond: MsgRateLimited + " Retry after 2 seconds.",
	} {
		e := &sdk.Error{StatusCode: 429, RetryAfter: wait, Header: http.Header{}, Problem: &client.Problem{Status: 429, Title: "Too Many Requests"}}
		if got := ErrorText(e); got != want {
			t.Errorf("429 after %v: %q, want %q", wait, got, want)
		}
	}

	env := servertest.Start(t)
	w := wrNewWorld(t, env, "wording")
	sarah := w.user(auth.RoleLearner, "Sarah Connor")
	cs := w.session(w.key(w.admin), true)

	// get_audit_log names its own inputs, not the API's fields[createdAt][…].
	text := wrErr(t, cs, "get_audit_log", map[string]any{"from": "2026-03-02", "to": "2026-03-01"})
	if strings.Contains(text, "fields[") || !strings.Contains(text, "from") || !strings.HasPrefix(text, MsgInvalidArguments) {
		t.Errorf("audit from after to: %q", text)
	}

	// unban_user on an active user says nothing changed.
	out, text := wrOK[userOut](t, cs, "unban_user", map[string]any{"userId": sarah.ID})
	if out.Status != "active" || strings.Contains(text, "restored") || !strings.Contains(text, "was not banned; nothing changed") {
		t.Errorf("unban of an active user: %q", text)
	}
	wrConfirmed[userOut](t, cs, "ban_user", map[string]any{"userId": sarah.ID})
	if _, text = wrOK[userOut](t, cs, "unban_user", map[string]any{"userId": sarah.ID}); !strings.Contains(text, "access is restored") {
		t.Errorf("unban of a banned user: %q", text)
	}

	// upload_source_material says each sentence once (both flavours).
	for _, local := range []bool{true, false} {
		d := coreTools(t, w.session(w.key(w.admin), local))["upload_source_material"].Description
		seen := map[string]bool{}
		for _, s := range strings.Split(d, ". ") {
			if s = strings.TrimSpace(s); s != "" && seen[s] {
				t.Errorf("upload_source_material (local %v) repeats %q: %s", local, s, d)
			}
			seen[s] = true
		}
		if strings.Count(d, "as a course source") != 1 {
			t.Errorf("upload_source_material (local %v) says \"as a course source\" %d times: %s", local, strings.Count(d, "as a course source"), d)
		}
	}
}
