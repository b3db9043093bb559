package server_test

import (
	"net/http"
	"testing"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/server/servertest"
)

// TestE2EInvalidUTF8Body: bytes that are not UTF-8 inside a JSON string are a 422
// validation_failed naming the field, on every JSON body (a create, a merge patch), and
// nothing is stored; they are never decoded into U+FFFD (a user's e-mail once became
// "\uFFFD\uFFFD@example").
func TestE2EInvalidUTF8Body(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	admin := env.User(t, servertest.UserSpec{Tenant: "acme", Role: auth.RoleAdmin})
	db := e2eOpenDB(t, env)
	users := func() int { return e2eCount(t, db, `SELECT count(*) FROM users WHERE tenant_id = 'acme'`) }
	before := users()

	cases := []struct {
		name, method, path, body, pointer string
		headers                           map[string]string
	}{
		{"user e-mail", http.MethodPost, "/api/v2/users", "{\"name\":\"Eve\",\"email\":\"\xff\xfe@example.com\",\"role\":\"learner\"}", "/email", nil},
		{"with Idempotency-Key", http.MethodPost, "/api/v2/users", "{\"name\":\"Eve\",\"email\":\"\xff\xfe@example.com\",\"role\":\"learner\"}", "/email",
			map[string]string{"Idempotency-Key": "utf8-1"}},
		{"cohort tag", http.MethodPost, "/api/v1/learning/cohorts", "{\"name\":\"c\",\"tags\":[\"ok\",\"\xc3(\"]}", "/tags/1", nil},
	}
	for _, c := range cases {
		r := e2eDo(t, c.method, env.URL+c.path, admin.Token, []byte(c.body), c.headers)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d %s, want 422", c.name, r.Status, r.Body)
			continue
		}
		p := e2eProblem(t, r)
		if p.Code == nil || *p.Code != "validation_failed" || p.Errors == nil || len(*p.Errors) != 1 ||
			(*p.Errors)[0].Pointer == nil || *(*p.Errors)[0].Pointer != c.pointer || (*p.Errors)[0].Detail != "must be valid UTF-8" {
			t.Errorf("%s: problem %s; want validation_failed with %s: must be valid UTF-8", c.name, r.Body, c.pointer)
		}
	}
	if n := users(); n != before {
		t.Errorf("%d users after refused creates, want %d", n, before)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM users WHERE email LIKE '%'||chr(65533)||'%'`); n != 0 {
		t.Errorf("%d e-mails hold U+FFFD", n)
	}
	if n := e2eCount(t, db, `SELECT count(*) FROM idempotency_keys`); n != 0 {
		t.Errorf("%d idempotency keys claimed by refused requests", n)
	}

	// The same body with a valid e-mail is created.
	ok := e2eDo(t, http.MethodPost, env.URL+"/api/v2/users", admin.Token, []byte(`{"name":"Eve","email":"eve@example.com","role":"learner"}`), nil)
	if ok.Status != http.StatusCreated {
		t.Fatalf("valid create: %d %s", ok.Status, ok.Body)
	}
}
