package tools

import (
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/oapi-codegen/nullable"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
)

// readFix is a tenant seeded through the API (as its admin) for the read tools: a group of
// two learners, a published course with a lesson and an optional quiz assigned to the
// group, one learner who completed it (and holds its certificate), and a draft course.
type readFix struct {
	env            *servertest.Env
	tenant         string
	admin, manager servertest.User
	sarah, sam     servertest.User
	group          string // grp_… "Warehouse" (sarah, sam)
	course         string // crs_… "OSHA Confined Spaces", published, tag safety
	section        string
	lesson, quiz   string
	question       string
	draft          string // crs_… "Forklift Basics", draft
	due            time.Time
}

func newReadFix(t *testing.T, env *servertest.Env, tenant string) *readFix {
	t.Helper()
	ctx := coreCtx(t)
	env.Licence(t, tenant, auth.TierBusiness, auth.MCPFull, false)
	f := &readFix{env: env, tenant: tenant}
	f.admin = env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleAdmin, Name: "Ada Admin"})
	f.manager = env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleManager, Name: "Mia Manager"})
	f.sarah = env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleLearner, Name: "Sarah Connor", Email: "sarah.connor@" + tenant + ".test"})
	f.sam = env.User(t, servertest.UserSpec{Tenant: tenant, Role: auth.RoleLearner, Name: "Sam Porter", Email: "sam.porter@" + tenant + ".test"})
	api := coreAPI(t, env, f.admin.Token)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("fixture %s: %v", what, err)
		}
	}
	g, err := api.LMS.Groups.Create(ctx, nil, client.GroupCreate{Name: "Warehouse", Kind: Ptr(client.GroupKindLocation)})
	must("group", err)
	f.group = g.Id
	_, err = api.LMS.Groups.AddMembers(ctx, f.group, client.GroupMembersAdd{UserIds: []string{f.sarah.ID, f.sam.ID}})
	must("members", err)
	c, err := api.LMS.Courses.Create(ctx, nil, client.CourseCreate{
		Name: "OSHA Confined Spaces", Annotation: Ptr("Permit-required confined spaces for warehouse staff."),
		Tags:     &[]string{"safety"},
		Settings: &client.CourseSettingsInput{CertificateOnCompletion: Ptr(true), CertificateValidityMonths: nullable.NewNullableWithValue(12)},
	})
	must("course", err)
	f.course = c.Id
	s, err := api.LMS.Courses.CreateSection(ctx, f.course, nil, client.CourseSectionCreate{Title: "Basics"})
	must("section", err)
	f.section = s.Id
	l, err := api.LMS.Courses.CreateElement(ctx, f.course, nil, client.CourseElementCreate{SectionId: f.section, Kind: client.CourseElementKindLesson, Title: "What is a confined space?"})
	must("lesson", err)
	f.lesson = l.Id
	q, err := api.LMS.Courses.CreateElement(ctx, f.course, nil, client.CourseElementCreate{SectionId: f.section, Kind: client.CourseElementKindQuiz, Title: "Check", Required: Ptr(false)})
	must("quiz", err)
	f.quiz = q.Id
	qq, err := api.LMS.Courses.CreateQuestion(ctx, f.course, f.quiz, nil, client.QuizQuestionCreate{
		Kind: client.QuizQuestionKindSingle, Text: "Which space needs a permit?",
		Options: []client.QuizOptionInput{{Text: "A tank with a hazardous atmosphere", Correct: Ptr(true)}, {Text: "An office"}},
	})
	must("question", err)
	f.question = qq.Id
	_, err = api.LMS.Courses.Publish(ctx, f.course, nil)
	must("publish", err)
	d, err := api.LMS.Courses.Create(ctx, nil, client.CourseCreate{Name: "Forklift Basics"})
	must("draft course", err)
	f.draft = d.Id
	f.due = time.Now().UTC().Add(14 * 24 * time.Hour).Truncate(time.Second)
	_, err = api.LMS.Assignments.AssignGroups(ctx, f.course, nil, client.AssignGroupsRequest{Groups: []string{f.group}, DueAt: &f.due})
	must("assign group", err)
	_, err = coreAPI(t, env, f.sarah.Token).LMS.Progress.Record(ctx, f.course, client.ProgressRecord{ElementId: f.lesson, Completed: Ptr(true)})
	must("progress", err)
	return f
}

// session connects an MCP client with a new key of u (scopes read and write).
func (f *readFix) session(t *testing.T, u servertest.User) *readSession {
	t.Helper()
	key := coreKey(t, f.env, u, client.APIKeyScopeRead, client.APIKeyScopeWrite)
	cfg := Config{APIURL: f.env.URL, Key: key}
	return &readSession{ClientSession: coreSession(t, cfg), key: key, cfg: cfg}
}

// readSession is an MCP client session with the key and configuration behind it.
type readSession struct {
	*mcp.ClientSession
	key string
	cfg Config
}

// keyAPI is an SDK client authenticated by an API key (no retries).
func keyAPI(t *testing.T, env *servertest.Env, key string) *sdk.Client {
	t.Helper()
	c, err := sdk.New(env.URL, sdk.WithHeader("X-MCP-Key", key), sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}
