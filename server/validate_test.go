package server

import "testing"

func TestEchoPath(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"/api/v1/learning/cohorts":              "/api/v1/learning/cohorts",
		"/api/v1/learning/cohorts/{id}":         "/api/v1/learning/cohorts/:id",
		"/api/v1/learning/cohorts/{id}/restore": "/api/v1/learning/cohorts/:id/restore",
		"/a/{x}/b/{y}":                          "/a/:x/b/:y",
	}
	for in, want := range cases {
		if got := echoPath(in); got != want {
			t.Errorf("echoPath(%q) = %q, want %q", in, got, want)
		}
	}
}
