package tools

import (
	"strings"
	"testing"

	"github.com/learnd/learnd/server/servertest"
)

// TestReadRecertificationDue: get_recertification_due lists the fixture's certificate
// (valid 12 months) within a 400-day window and nothing within 30 days; its text names
// the learner, course, number and expiry and says the course does not recertify; managers
// see the tool, learners do not.
func TestReadRecertificationDue(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	f := newReadFix(t, env, "read-recert")
	cs := f.session(t, f.manager).ClientSession

	var out recertDueOut
	text := coreOK(t, cs, "get_recertification_due", map[string]any{"withinDays": 400}, &out)
	if len(out.Certificates) != 1 || out.WithinDays != 400 || out.NextPageToken != nil {
		t.Fatalf("due within 400 days = %+v", out)
	}
	c := out.Certificates[0]
	if c.UserID != f.sarah.ID || c.UserName != "Sarah Connor" || c.CourseID != f.course || c.Expired || c.ReassignAt != nil {
		t.Errorf("certificate = %+v", c)
	}
	for _, want := range []string{"1 certificate due for renewal within 400 days", "Sarah Connor (" + f.sarah.ID + "): OSHA Confined Spaces (" + f.course + "), no. " + c.Number,
		", expires " + c.ExpiresAt, "the course does not recertify automatically", "[" + c.ID + "]"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	coreOK(t, cs, "get_recertification_due", nil, &out)
	if len(out.Certificates) != 0 || out.WithinDays != 30 {
		t.Errorf("due within the default 30 days = %+v", out)
	}

	if tools := coreTools(t, f.session(t, f.sarah).ClientSession); tools["get_recertification_due"] != nil {
		t.Errorf("a learner sees get_recertification_due")
	}
}
