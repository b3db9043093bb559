package offline_test

import (
	"context"
	"testing"

	"github.com/learnd/learnd/ai"
	"github.com/learnd/learnd/ai/offline"
)

func TestOfflineOneModuleOutline(t *testing.T) {
	t.Parallel()
	c, err := offline.New().Course(context.Background(), ai.CourseRequest{Prompt: "Fire safety basics for office staff", Options: ai.Options{Modules: 1}})
	if err != nil {
		t.Fatalf("one module: %v", err)
	}
	if err := ai.ValidateCourse(c); err != nil {
		t.Fatalf("invalid course: %v", err)
	}
	if len(c.Sections) != 1 || len(c.Sections[0].Elements) != 2 || len(c.Warnings) == 0 {
		t.Fatalf("want 1 module of two outline lessons and warnings, got %+v %q", c.Sections, c.Warnings)
	}
}
