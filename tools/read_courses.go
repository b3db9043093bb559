package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

func init() {
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "find_course",
			Description: "Search for courses by name. Returns matching courses (id, name, status, annotation); pass " +
				"nextPageToken as pageToken for more. Needs course_view.",
			Annotations: ReadOnly("Find courses"),
		},
		Schema: findSchema,
	}, findCourse)
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "get_course",
			Description: "Full details for one course — name, structure (sections, lessons, quizzes with their question " +
				"ids, surveys), settings, publish state. Needs course_view (a learner may read a course assigned to them).",
			Annotations: ReadOnly("Get a course"),
		},
	}, getCourse)
}

type findCourseIn struct {
	Query     string  `json:"query" jsonschema:"Course name substring."`
	Limit     int     `json:"limit,omitempty" jsonschema:"Max results (default 20, max 50)."`
	PageToken *string `json:"pageToken,omitempty" jsonschema:"Optional. The nextPageToken of a previous call, for the next page."`
}

type courseBrief struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	Status     string   `json:"status"`
	Annotation *string  `json:"annotation,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	UpdatedAt  string   `json:"updatedAt"`
}

type courseList struct {
	Courses       []courseBrief `json:"courses"`
	NextPageToken *string       `json:"nextPageToken,omitempty"`
}

func (l courseList) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", len(l.Courses), plural(len(l.Courses), "course", "courses"))
	for _, c := range l.Courses {
		fmt.Fprintf(&b, "\n- %s — %s, %s, updated %s", c.Name, c.ID, c.Status, c.UpdatedAt)
		if len(c.Tags) > 0 {
			b.WriteString(", tags " + strings.Join(c.Tags, ", "))
		}
		if c.Annotation != nil && *c.Annotation != "" {
			b.WriteString(": " + *c.Annotation)
		}
	}
	writeMore(&b, l.NextPageToken)
	return b.String()
}

func findCourse(ctx context.Context, env *Env, in findCourseIn) (courseList, error) {
	tok, err := pageToken(in.PageToken)
	if err != nil {
		return courseList{}, err
	}
	q := strings.TrimSpace(in.Query)
	p := &client.FindCoursesParams{Limit: &in.Limit, PageToken: tok}
	if q != "" {
		p.Query = &q
	}
	page, err := env.API.LMS.Courses.Find(ctx, p)
	if err != nil {
		return courseList{}, err
	}
	out := courseList{Courses: make([]courseBrief, 0, len(page.Data))}
	for _, c := range page.Data {
		out.Courses = append(out.Courses, courseBrief{
			ID: c.Id, Name: c.Name, Status: string(c.Status), Annotation: c.Annotation, Tags: c.Tags, UpdatedAt: Time(c.UpdatedAt),
		})
	}
	if page.HasMore {
		out.NextPageToken = page.NextPageToken
	}
	return out, nil
}

type getCourseIn struct {
	CourseID string `json:"courseId" jsonschema:"Internal course ID (crs_…, from find_course)."`
}

type questionBrief struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Text string `json:"text"`
}

type elementBrief struct {
	ID        string          `json:"id"`
	Kind      string          `json:"kind"`
	Title     string          `json:"title"`
	Required  bool            `json:"required"`
	Pages     int             `json:"pages,omitempty"`
	Questions []questionBrief `json:"questions,omitempty"`
}

type sectionBrief struct {
	ID       string         `json:"id"`
	Title    string         `json:"title"`
	Elements []elementBrief `json:"elements"`
}

type courseSettings struct {
	PassingScore              int  `json:"passingScore"`
	Points                    int  `json:"points"`
	CertificateOnCompletion   bool `json:"certificateOnCompletion"`
	CertificateValidityMonths *int `json:"certificateValidityMonths,omitempty"`
}

type courseDetail struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Status      string         `json:"status"`
	Annotation  *string        `json:"annotation,omitempty"`
	Tags        []string       `json:"tags,omitempty"`
	OwnerID     string         `json:"ownerId"`
	SharedWith  []string       `json:"sharedWith,omitempty"`
	PublishedAt *string        `json:"publishedAt,omitempty"`
	Settings    courseSettings `json:"settings"`
	Sections    []sectionBrief `json:"sections"`
	Transitions int            `json:"transitions"`
	Version     int            `json:"version"`
	UpdatedAt   string         `json:"updatedAt"`
}

// questionTextMax bounds a question's text in get_course (regenerate_question needs the
// id; the whole text is rarely needed to pick one).
const questionTextMax = 160

func toCourseDetail(c *client.Course) courseDetail {
	out := courseDetail{
		ID: c.Id, Name: c.Name, Status: string(c.Status), Annotation: c.Annotation, Tags: c.Tags, OwnerID: c.OwnerId,
		PublishedAt: TimePtr(c.PublishedAt),
		Settings: courseSettings{
			PassingScore: c.Settings.PassingScore, Points: c.Settings.Points,
			CertificateOnCompletion: c.Settings.CertificateOnCompletion, CertificateValidityMonths: c.Settings.CertificateValidityMonths,
		},
		Sections:    make([]sectionBrief, 0, len(c.Structure.Sections)),
		Transitions: len(c.Structure.Transitions),
		Version:     c.Version, UpdatedAt: Time(c.UpdatedAt),
	}
	for _, s := range c.Shares {
		out.SharedWith = append(out.SharedWith, s.UserId)
	}
	for _, s := range c.Structure.Sections {
		sb := sectionBrief{ID: s.Id, Title: s.Title, Elements: make([]elementBrief, 0, len(s.Elements))}
		for _, e := range s.Elements {
			eb := elementBrief{ID: e.Id, Kind: string(e.Kind), Title: e.Title, Required: e.Required, Pages: len(e.Pages)}
			for _, q := range e.Questions {
				eb.Questions = append(eb.Questions, questionBrief{ID: q.Id, Kind: string(q.Kind), Text: clip(q.Text, questionTextMax)})
			}
			sb.Elements = append(sb.Elements, eb)
		}
		out.Sections = append(out.Sections, sb)
	}
	return out
}

func (c courseDetail) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s, %s (version %d)", c.Name, c.ID, c.Status, c.Version)
	if c.PublishedAt != nil {
		fmt.Fprintf(&b, ", published %s", *c.PublishedAt)
	}
	if c.Annotation != nil && *c.Annotation != "" {
		b.WriteString("\n" + *c.Annotation)
	}
	fmt.Fprintf(&b, "\nowner: %s", c.OwnerID)
	if len(c.SharedWith) > 0 {
		fmt.Fprintf(&b, "; shared with %s", strings.Join(c.SharedWith, ", "))
	}
	if len(c.Tags) > 0 {
		fmt.Fprintf(&b, "\ntags: %s", strings.Join(c.Tags, ", "))
	}
	fmt.Fprintf(&b, "\nsettings: passing score %d, %d points, certificate %v", c.Settings.PassingScore, c.Settings.Points, c.Settings.CertificateOnCompletion)
	if m := c.Settings.CertificateValidityMonths; m != nil {
		fmt.Fprintf(&b, " (valid %d months)", *m)
	}
	if len(c.Sections) == 0 {
		b.WriteString("\nstructure: empty")
	}
	for i, s := range c.Sections {
		fmt.Fprintf(&b, "\n%d. %s (%s)", i+1, s.Title, s.ID)
		for _, e := range s.Elements {
			fmt.Fprintf(&b, "\n   - %s %q (%s)", e.Kind, e.Title, e.ID)
			if !e.Required {
				b.WriteString(", optional")
			}
			if e.Pages > 0 {
				fmt.Fprintf(&b, ", %d %s", e.Pages, plural(e.Pages, "page", "pages"))
			}
			for _, q := range e.Questions {
				fmt.Fprintf(&b, "\n     · %s (%s): %s", q.ID, q.Kind, q.Text)
			}
		}
	}
	return b.String()
}

func getCourse(ctx context.Context, env *Env, in getCourseIn) (courseDetail, error) {
	id, err := ID("courseId", typeid.Course, in.CourseID)
	if err != nil {
		return courseDetail{}, err
	}
	c, err := env.API.LMS.Courses.Get(ctx, id)
	if err != nil {
		return courseDetail{}, err
	}
	return toCourseDetail(c), nil
}
