package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/materials"
	"github.com/learnd/learnd/typeid"
)

// matrixRule is who may call one v2 operation: the permission its role must grant ("" =
// any role), whether it writes (write scope), and whether a learner may call it on their
// own records (self).
type matrixRule struct {
	perm  auth.Permission
	write bool
	self  bool   // the fixture points it at the caller's own records; every role may
	admin bool   // needs admin or owner beyond perm (e.g. revoking another user's key)
	ai    bool   // an AI authoring operation: the fixture tenant gets an AI licence
	skip  string // why the matrix does not drive it (covered elsewhere)
}

// matrixOp is one v2 operation of the spec.
type matrixOp struct {
	id, method, path string
	body             any
}

var matrixIDPattern = regexp.MustCompile(`^(per|crs|grp|chn|asg|ele|qst|sec|key|cer|aud)(_[0-7][0-9a-hjkmnp-tv-z]{25}|-[0-9a-fA-F-]{36})$`)

// matrixOps lists every /api/v2 operation with its request example.
func matrixOps(t *testing.T) []matrixOp {
	t.Helper()
	spec, err := api.GetSpec()
	if err != nil {
		t.Fatal(err)
	}
	var ops []matrixOp
	for path, item := range spec.Paths.Map() {
		if !strings.HasPrefix(path, "/api/v2/") {
			continue
		}
		for method, op := range item.Operations() {
			o := matrixOp{id: op.OperationID, method: method, path: path}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil {
					o.body = matrixExample(mt)
				}
			}
			ops = append(ops, o)
		}
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].id < ops[j].id })
	return ops
}

func matrixExample(mt *openapi3.MediaType) any {
	if mt.Example != nil {
		return mt.Example
	}
	for _, name := range sortedKeys(mt.Examples) {
		if ex := mt.Examples[name]; ex != nil && ex.Value != nil {
			return ex.Value.Value
		}
	}
	return map[string]any{}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// matrixFixture is a tenant's records the operations point at: everything owned by or
// assigned to the acting user, and a learner target below every acting role.
type matrixFixture map[string]string // TypeID prefix (or path parameter) → id

// newMatrixFixture builds, with SQL, a published course (section, lesson, quiz with one
// question) owned by actor and assigned to actor and to a learner target, a group holding
// the target, a chain of the course owned by actor, a certificate of the target, and an
// API key of actor.
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
	course, section, lesson, question, group, chain, cert, key := uuidOf("crs"), uuidOf("sec"), uuidOf("ele"), uuidOf("qst"), uuidOf("grp"), uuidOf("chn"), uuidOf("cer"), uuidOf("key")
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
`, course, section, lesson, question, group, chain, cert, key, actorU, targetU, quizU)
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
	if _, err := db.Exec(ctx, `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $1, 'enterprise', 'full', true) ON CONFLICT (id) DO NOTHING`, actor.Tenant); err != nil {
		t.Fatal(err)
	}
	jobID, jobU := typeid.New(materials.GenerationJobPrefix)
	ids["gen"] = jobID
	if _, err := db.Exec(ctx, `INSERT INTO generation_jobs (tenant_id, id, status, prompt, requested_by, role, course_id, created_at, finished_at) VALUES ($1, $2, 'completed', 'matrix', $3, $4, $5, now(), now())`,
		actor.Tenant, jobU, actorU, string(actor.Role), course); err != nil {
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
	"certificateId": "cer", "jobId": "gen",
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

// TestE2EPermissionMatrix drives every /api/v2 operation as every role with read-only and
// read-write tokens against a fresh fixture per call: a caller the rules deny gets 403 and
// nothing else; an allowed caller never gets 401/403/5xx; a caller of another tenant with
// every permission gets 404 (or 422 for ids in a body), never the record.
func TestE2EPermissionMatrix(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	db := env.DB(t)
	ops := matrixOps(t)
	roles := []auth.Role{auth.RoleOwner, auth.RoleAdmin, auth.RoleManager, auth.RoleLearner}
	scopes := [][]string{{auth.ScopeRead}, {auth.ScopeRead, auth.ScopeWrite}}
	var missing []string
	for _, op := range ops {
		if _, ok := matrixRules[op.id]; !ok {
			missing = append(missing, op.id)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("operations without a matrix rule: %v", missing)
	}
	allowedOK, allowedAll := 0, 0
	for ti, op := range ops {
		rule := matrixRules[op.id]
		if rule.skip != "" {
			continue
		}
		for _, role := range roles {
			for _, sc := range scopes {
				tenant := fmt.Sprintf("mx%d-%s-%d", ti, role, len(sc))
				actor := matrixUser(t, env, db, tenant, role, sc)
				ids := newMatrixFixture(t, env, db, actor)
				var body any
				if op.body != nil {
					body = matrixBody(matrixRoundTrip(t, op.body), ids)
				}
				r := e2eDo(t, strings.ToUpper(op.method), matrixURL(t, env.URL, op, ids), actor.Token, matrixOverride(op.id, body, ids), nil)
				allowed := (rule.perm == "" || role.Can(rule.perm)) && (!rule.write || len(sc) == 2) && (!rule.admin || role.AtLeast(auth.RoleAdmin))
				name := fmt.Sprintf("%s as %s %v", op.id, role, sc)
				switch {
				case !allowed && r.Status != http.StatusForbidden:
					t.Errorf("%s: status %d, want 403: %s", name, r.Status, r.Body)
				case allowed && (r.Status == 401 || r.Status == 403 || r.Status >= 500):
					t.Errorf("%s: status %d, want allowed: %s", name, r.Status, r.Body)
				case allowed:
					allowedAll++
					if r.Status < 300 {
						allowedOK++
					} else {
						t.Logf("%s: allowed but %d: %.200s", name, r.Status, r.Body)
					}
				}
			}
		}
		// Another tenant's owner with read-write scope names this tenant's records: 404.
		victim := matrixUser(t, env, db, fmt.Sprintf("mxv%d", ti), auth.RoleOwner, nil)
		ids := newMatrixFixture(t, env, db, victim)
		if !strings.Contains(op.path, "{") || op.path == "/api/v2/statistics/{scope}" {
			continue
		}
		intruder := matrixUser(t, env, db, fmt.Sprintf("mxi%d", ti), auth.RoleOwner, nil)
		if rule.ai {
			if _, err := db.Exec(context.Background(), `INSERT INTO tenants (id, name, tier, mcp_access, mcp_ai_access) VALUES ($1, $1, 'enterprise', 'full', true)`, intruder.Tenant); err != nil {
				t.Fatal(err)
			}
		}
		var body any
		if op.body != nil {
			body = matrixBody(matrixRoundTrip(t, op.body), ids)
		}
		r := e2eDo(t, strings.ToUpper(op.method), matrixURL(t, env.URL, op, ids), intruder.Token, matrixOverride(op.id, body, ids), nil)
		if r.Status != http.StatusNotFound && !(rule.selfPath() && r.Status == http.StatusForbidden) {
			t.Errorf("%s across tenants: status %d, want 404: %s", op.id, r.Status, r.Body)
		}
	}
	t.Logf("allowed calls answered 2xx: %d of %d", allowedOK, allowedAll)
	if allowedAll == 0 || allowedOK*10 < allowedAll*7 {
		t.Errorf("only %d of %d allowed calls succeeded: the fixture or the examples are off", allowedOK, allowedAll)
	}
}

// selfPath: operations on the caller's own records (keys) answer 403/404 for others'.
func (r matrixRule) selfPath() bool { return r.self }

// matrixRules: the permission rule of every /api/v2 operation (seed 003's permission
// lines; the fixture makes the caller the owner of the course and chain it names, so the
// ownership rules hold and only the role and scope decide).
var matrixRules = map[string]matrixRule{
	// Users and groups.
	"findUsers":         {perm: auth.PermUserView},
	"getUser":           {perm: auth.PermUserView},
	"createUser":        {perm: auth.PermUserEdit, write: true},
	"updateUser":        {perm: auth.PermUserEdit, write: true},
	"changeUserEmail":   {perm: auth.PermUserEdit, write: true},
	"banUser":           {perm: auth.PermUserBan, write: true},
	"unbanUser":         {perm: auth.PermUserBan, write: true},
	"findGroups":        {perm: auth.PermUserView},
	"getGroup":          {perm: auth.PermUserView},
	"listGroupMembers":  {perm: auth.PermUserView},
	"createGroup":       {perm: auth.PermGroupAssign, write: true},
	"updateGroup":       {perm: auth.PermGroupAssign, write: true},
	"deleteGroup":       {perm: auth.PermGroupAssign, write: true},
	"addGroupMembers":   {perm: auth.PermGroupAssign, write: true},
	"removeGroupMember": {perm: auth.PermGroupAssign, write: true},
	// The caller's own keys and tenant.
	"listKeys":  {self: true},
	"createKey": {write: true, self: true},
	"revokeKey": {write: true, self: true},
	"getTenant": {self: true},
	"getMe":     {self: true},
	// Courses, structure, chains.
	"findCourses":            {perm: auth.PermCourseView},
	"getCourse":              {self: true}, // course_view, or assigned to the caller (the fixture assigns it)
	"createCourse":           {perm: auth.PermCourseEdit, write: true},
	"updateCourse":           {perm: auth.PermCourseEdit, write: true},
	"deleteCourse":           {perm: auth.PermCourseEdit, write: true},
	"cloneCourse":            {perm: auth.PermCourseEdit, write: true},
	"publishCourse":          {perm: auth.PermCourseEdit, write: true},
	"unpublishCourse":        {perm: auth.PermCourseEdit, write: true},
	"shareCourse":            {perm: auth.PermCourseEdit, write: true},
	"unshareCourse":          {perm: auth.PermCourseEdit, write: true},
	"createCourseSection":    {perm: auth.PermCourseEdit, write: true},
	"updateCourseSection":    {perm: auth.PermCourseEdit, write: true},
	"deleteCourseSection":    {perm: auth.PermCourseEdit, write: true},
	"createCourseElement":    {perm: auth.PermCourseEdit, write: true},
	"updateCourseElement":    {perm: auth.PermCourseEdit, write: true},
	"deleteCourseElement":    {perm: auth.PermCourseEdit, write: true},
	"createCourseTransition": {perm: auth.PermCourseEdit, write: true},
	"deleteCourseTransition": {perm: auth.PermCourseEdit, write: true},
	"createQuizQuestion":     {perm: auth.PermCourseEdit, write: true},
	"updateQuizQuestion":     {perm: auth.PermCourseEdit, write: true},
	"deleteQuizQuestion":     {perm: auth.PermCourseEdit, write: true},
	"findCourseChains":       {perm: auth.PermCourseView},
	"getCourseChain":         {perm: auth.PermCourseView},
	"createCourseChain":      {perm: auth.PermCourseEdit, write: true},
	"updateCourseChain":      {perm: auth.PermCourseEdit, write: true},
	"deleteCourseChain":      {perm: auth.PermCourseEdit, write: true},
	// Assignments, progress, certificates.
	"assignCourseToUser":       {perm: auth.PermUserAssign, write: true},
	"assignCourseToGroups":     {perm: auth.PermGroupAssign, write: true},
	"assignCourseChain":        {perm: auth.PermUserAssign, write: true},
	"listUserAssignments":      {perm: auth.PermUserAssign},
	"listGroupAssignments":     {perm: auth.PermUserAssign},
	"listMyAssignments":        {self: true},
	"extendAssignmentDeadline": {perm: auth.PermUserAssign, write: true},
	"sendCourseReminders":      {perm: auth.PermUserAssign, write: true},
	"getProgress":              {self: true},
	"recordProgress":           {write: true, self: true},
	"listUserCertificates":     {perm: auth.PermUserView},
	// Reports and audit.
	"getComplianceStatus":         {perm: auth.PermCommonStat},
	"getStatisticsOverview":       {perm: auth.PermCommonStat},
	"getStatisticsPublishing":     {perm: auth.PermCommonStat},
	"getStatisticsCourseCreation": {perm: auth.PermCommonStat},
	"getStatisticsActivity":       {perm: auth.PermCommonStat},
	"getStatisticsInsights":       {perm: auth.PermCommonStat},
	"getStatisticsTags":           {perm: auth.PermCommonStat},
	"getLeaderboard":              {perm: auth.PermCommonStat},
	"getAuditLog":                 {perm: auth.PermAuditView},
	// AI authoring (licence: the fixture tenant holds full MCP access with AI).
	"generateCourse":        {perm: auth.PermCourseEdit, write: true, ai: true},
	"getCourseGeneration":   {perm: auth.PermCourseEdit, ai: true},
	"refineCourse":          {perm: auth.PermCourseEdit, write: true, ai: true},
	"regenerateQuestion":    {perm: auth.PermCourseEdit, write: true, ai: true},
	"regenerateLesson":      {perm: auth.PermCourseEdit, write: true, ai: true},
	"processSourceMaterial": {perm: auth.PermCourseEdit, write: true, ai: true},
	"listSourceMaterials":   {perm: auth.PermCourseEdit, ai: true},
	"uploadSourceMaterial":  {skip: "multipart/form-data: TestE2EMaterialsAccess drives its licence, role, scope and tenant cases"},
}
