package auth

import (
	"errors"
	"testing"
)

func TestParseRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Role
		wantErr bool
	}{
		{"owner", RoleOwner, false},
		{"admin", RoleAdmin, false},
		{"manager", RoleManager, false},
		{"learner", RoleLearner, false},
		{"Owner", "", true},
		{"ADMIN", "", true},
		{" admin", "", true},
		{"", "", true},
		{"root", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRole(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseRole(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			}
			if err != nil && !errors.Is(err, ErrUnknownRole) {
				t.Fatalf("ParseRole(%q) error %v does not wrap ErrUnknownRole", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("ParseRole(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRoleOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		r, o           Role
		atLeast, above bool
	}{
		{RoleOwner, RoleOwner, true, false},
		{RoleOwner, RoleAdmin, true, true},
		{RoleOwner, RoleLearner, true, true},
		{RoleAdmin, RoleOwner, false, false},
		{RoleAdmin, RoleManager, true, true},
		{RoleManager, RoleManager, true, false},
		{RoleManager, RoleAdmin, false, false},
		{RoleLearner, RoleManager, false, false},
		{RoleLearner, RoleLearner, true, false},
		{Role("root"), RoleLearner, false, false},
		{RoleOwner, Role("root"), false, false},
		{Role(""), Role(""), false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.r)+"/"+string(tt.o), func(t *testing.T) {
			t.Parallel()
			if got := tt.r.AtLeast(tt.o); got != tt.atLeast {
				t.Errorf("%q.AtLeast(%q) = %v, want %v", tt.r, tt.o, got, tt.atLeast)
			}
			if got := tt.r.Above(tt.o); got != tt.above {
				t.Errorf("%q.Above(%q) = %v, want %v", tt.r, tt.o, got, tt.above)
			}
		})
	}
}
