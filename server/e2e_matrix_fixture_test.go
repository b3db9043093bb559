package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/internal/pseudonym"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// matrixFixture is a tenant's records the operations point at: everything owned by or
// assigned to the acting user, and a learner target below every acting role.
type matrixFixture map[string]string // TypeID prefix (or path parameter) → id

// newMatrixFixture builds, with SQL, a published course (section, lesson, quiz with one
// question) owned by actor and assigned to actor and to a learner target, a group holding
// the target, a chain of the course owned by actor, a certificate of the target, an
// API key of actor and an enrolment rule assigning the course.
func newMatrixFixture(t *testing.T, env *servertest.Env, db *pgx.Conn, actor servertest.User) matrixFixture {
	t.Helper()
	target := matrixUser(t, env, db, actor.Tenant, auth.RoleLearner, nil)
	ids := matrixFixture{"per": target.ID}
	uuidOf := func(prefix string) string {
		id, u := typeid.New(prefix)
		ids[prefix] = id
		return u.String()
	}
	actorU, _ := typeid.Parse(typeid.Person, actor.ID)
	targetU, _ := typeid.Parse(typeid.Person, target.ID)
	ids["alias"] = pseudonym.Key(servertest.PseudonymKey).Code(actor.Tenant, targetU)
	course, section, lesson, question, group, chain, cert, key := uuidOf("crs"), uuidOf("sec"), uuidOf("ele"), uuidOf("qst"), uuidOf("grp"), uuidOf("chn"), uuidOf("cer"), uuidOf("key")
	rule := uuidOf("erl")
	quizID, quizU := typeid.New(typeid.Element)
	ids["quiz"] = quizID
	_, hash := newKeyHash()
	sql := fmt.Sprintf(`
INSERT INTO courses (tenant_id, id, name, status, owner_id, settings, published_at, created_at, updated_at) VALUES ($1, '%[1]s', 'Matrix course', 'published', '%[9]s', '{"passingScore":70,"certificateOnCompletion":true,"certificateValidityMonths":12,"points":10}', now(), now(), now());
INSERT INTO course_sections (tenant_id, id, course_id, title, position) VALUES ($1, '%[2]s', '%[1]s', 'Section', 0);
INSERT INTO course_elements (tenant_id, id, course_id, section_id, kind, title, position, brief, created_at, updated_at) VALUES ($1, '%[3]s', '%[1]s', '%[2]s', 'lesson', 'Lesson', 0, '{"topic":"t","title":"Lesson","description":"d","keyPoints":["k"],"targetAudience":"all"}', now(), now());
INSERT INTO course_elements (tenant_id, id, course_id, section_id, kind, title, position, created_at, updated_at) VALUES ($1, '%[11]s', '%[1]s', '%[2]s', 'quiz', 'Quiz', 1, now(), now());
INSERT INTO course_transitions (tenant_id, course_id, from_element_id, to_element_id) VALUES ($1, '%[1]s', '%[3]s', '%[11]s');
INSERT INTO quiz_questions (tenant_id, id, course_id, element_id, kind, text, options, position, created_at, updated_at) VALUES ($1, '%[4]s', '%[1]s', '%[11]s', 'single', 'Which?', '[{"id":"o1","text":"A","correct":true},{"id":"o2","text":"B","correct":false}]', 0, now(), now());
INSERT INTO groups (tenant_id, id, name, kind, created_at, updated_at) VALUES ($1, '%[5]s', 'Matrix group', 'team', now(), now());
INSERT INTO group_members (tenant_id, group_id, user_id) VALUES ($1, '%[5]s', '%[10]s');
INSERT INTO course_chains (tenant_id, id, name, owner_id, course_ids, created_at, updated_at) VALUES ($1, '%[6]s', 'Matrix chain', '%[9]s', ARRAY['%[1]s'::uuid], now(), now());
INSERT INTO assignments (tenant_id, user_id, course_id, due_at) VALUES ($1, '%[9]s', '%[1]s', now() + interval '30 days'), ($1, '%[10]s', '%[1]s', now() - interval '1 day');
INSERT INTO certificates (tenant_id, id, user_id, course_id, number, issued_at, expires_at) VALUES ($1, '%[7]s', '%[10]s', '%[1]s', 'M-' || '%[7]s', now(), now() + interval '60 days');
INSERT INTO api_keys (tenant_id, id, user_id, name, hash, hint, scopes, created_at) VALUES ($1, '%[8]s', '%[9]s', 'matrix', $2, 'abcd', '{read,write}', now());
INSERT INTO enrolment_rules (tenant_id, id, name, conditions, course_ids, due_in_days, created_at, updated_at) VALUES ($1, '%[12]s', 'Matrix rule', '[{"attribute":"department","op":"eq","value":"Matrix"}]', ARRAY['%[1]s'::uuid], 30, now(), now());
`, course, section, lesson, question, group, chain, cert, key, actorU, targetU, quizU, rule)
	ctx := context.Background()
	for _, stmt := range strings.Split(strings.TrimSpace(sql), ";\n") {
		args := []any{actor.Tenant}
		if strings.Contains(stmt, "$2") {
			args = append(args, hash)
		}
		if _, err := db.Exec(ctx, stmt, args...); err != nil {
			t.Fatalf("matrix fixture: %v\n%s", err, stmt)
		}
	}
	// An AI licence and a finished generation job of actor (AI operations).
	if _, err := db.Exec(ctx, `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $1, 'enterprise', 'full', true)
ON CONFLICT (id) DO UPDATE SET tier = 'enterprise', mcp_access = 'full', mcp_ai_access = true`, actor.Tenant); err != nil {
		t.Fatal(err)
	}
	jobID, jobU := typeid.New(materials.GenerationJobPrefix)
	ids["gen"] = jobID
	if _, err := db.Exec(ctx, `INSERT INTO generation_jobs (tenant_id, id, status, prompt, requested_by, role, course_id, created_at, finished_at) VALUES ($1, $2, 'completed', 'matrix', $3, $4, $5, now(), now())`,
		actor.Tenant, jobU, actorU, string(actor.Role), course); err != nil {
		t.Fatal(err)
	}
	// A webhook endpoint with one delivered message (webhook operations).
	whk, whkU := typeid.New(typeid.Webhook)
	evt, evtU := typeid.New(typeid.Event)
	ids["whk"], ids["evt"] = whk, evt
	if _, err := db.Exec(ctx, `WITH e AS (INSERT INTO webhook_endpoints (tenant_id, id, url, secret, created_at, updated_at)
  VALUES ($1, $2, 'https://hooks.example.com/matrix', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', now(), now()) RETURNING id),
m AS (INSERT INTO webhook_messages (tenant_id, id, event_type, body, created_at) VALUES ($1, $3, 'user.created', '{}', now()) RETURNING id)
INSERT INTO webhook_deliveries (tenant_id, id, message_id, endpoint_id, status, attempts, created_at) SELECT $1, gen_random_uuid(), m.id, e.id, 'succeeded', 1, now() FROM e, m`,
		actor.Tenant, whkU, evtU); err != nil {
		t.Fatal(err)
	}
	var asg string
	if err := db.QueryRow(ctx, `SELECT id::text FROM assignments WHERE tenant_id = $1 AND user_id = $2`, actor.Tenant, targetU).Scan(&asg); err != nil {
		t.Fatal(err)
	}
	u, _ := typeid.Parse("asg", "asg-"+asg)
	ids["asg"] = typeid.Format("asg", u)
	return ids
}

// matrixUser inserts a user on the shared connection and mints its token.
func matrixUser(t *testing.T, env *servertest.Env, db *pgx.Conn, tenant string, role auth.Role, scopes []string) servertest.User {
	t.Helper()
	id, u := typeid.New(typeid.Person)
	if _, err := db.Exec(context.Background(), `INSERT INTO users (tenant_id, id, name, email, role, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, now(), now())`,
		tenant, u, "Matrix "+string(role), strings.ToLower(id)+"@matrix.test", string(role)); err != nil {
		t.Fatalf("matrix user: %v", err)
	}
	tok := env.Token(t, servertest.Caller{Tenant: tenant, Role: role, Subject: id, Scopes: scopes})
	return servertest.User{ID: id, Tenant: tenant, Role: role, Token: tok}
}

func newKeyHash() (string, []byte) {
	return store.NewAPIKeySecret()
}

// matrixParam maps a path parameter to the fixture id it takes.
var matrixParam = map[string]string{
	"userId": "per", "courseId": "crs", "groupId": "grp", "chainId": "chn", "assignmentId": "asg",
	"elementId": "ele", "lessonId": "ele", "questionId": "qst", "sectionId": "sec", "keyId": "key",
	"certificateId": "cer", "jobId": "gen", "ruleId": "erl", "endpointId": "whk", "messageId": "evt", "alias": "alias",
}

// matrixURL fills an operation's path parameters with the fixture's ids.
func matrixURL(t *testing.T, base string, op matrixOp, ids matrixFixture) string {
	t.Helper()
	path := op.path
	for {
		i := strings.Index(path, "{")
		if i < 0 {
			break
		}
		j := strings.Index(path[i:], "}") + i
		name := path[i+1 : j]
		val := ""
		switch {
		case name == "scope":
			val = "overview"
		case op.id == "createQuizQuestion" && name == "elementId":
			val = ids["quiz"]
		case matrixParam[name] != "":
			val = ids[matrixParam[name]]
		default:
			t.Fatalf("%s: no fixture for path parameter %q", op.id, name)
		}
		path = path[:i] + val + path[j+1:]
	}
	if q := matrixQuery[op.id]; q != nil {
		path += "?" + q(ids)
	}
	return base + path
}

// matrixQuery supplies required query parameters.
var matrixQuery = map[string]func(matrixFixture) string{
	"listSourceMaterials": func(matrixFixture) string {
		id, _ := typeid.New(materials.MaterialSessionPrefix)
		return "sessionId=" + id
	},
	"deleteCourseTransition": func(ids matrixFixture) string {
		return "fromElementId=" + ids["ele"] + "&toElementId=" + ids["quiz"]
	},
}

// matrixOverride replaces example bodies the fixture cannot satisfy by substitution.
func matrixOverride(op string, body any, ids matrixFixture) any {
	switch op {
	case "createCourseChain":
		return map[string]any{"name": "Matrix chain 2", "courseIds": []string{ids["crs"]}}
	case "generateCourse":
		return map[string]any{"prompt": "A short course on fire safety for office staff"}
	case "extendAssignmentDeadline":
		return map[string]any{"dueAt": time.Now().AddDate(0, 2, 0).UTC().Format(time.RFC3339)}
	case "createCourseTransition":
		return map[string]any{"fromElementId": ids["quiz"], "toElementId": ids["ele"]}
	}
	return body
}

// matrixBody replaces every id in the example body with the fixture's id of that type.
func matrixBody(v any, ids matrixFixture) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = matrixBody(e, ids)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = matrixBody(e, ids)
		}
		return out
	case string:
		if m := matrixIDPattern.FindStringSubmatch(x); m != nil {
			if id, ok := ids[m[1]]; ok {
				return id
			}
		}
		return x
	}
	return v
}

// matrixRoundTrip re-encodes a kin-openapi example (which may hold typed values) as JSON.
func matrixRoundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}
