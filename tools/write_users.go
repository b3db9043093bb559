package tools

// The user write tools of seed 003: ban_user, unban_user and change_user_email. The API
// enforces the permissions and the role hierarchy (the target must rank below the caller).

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/typeid"
)

// maxEmail is the longest email address the API takes.
const maxEmail = 254

func init() {
	Register(Spec{
		Kind: KindWrite,
		Tool: mcp.Tool{
			Name: "ban_user",
			Description: "Ban a user (revokes their login + course access, preserves history). Use for offboarding. " +
				"Target must be below the caller’s role in the hierarchy. Banning a banned user changes nothing. " +
				"Needs user_ban. Undo with unban_user.",
			Annotations: Destructive("Ban a user", true),
		},
	}, banUser)
	Register(Spec{
		Kind: KindWrite,
		Tool: mcp.Tool{
			Name: "unban_user",
			Description: "Restore a previously banned user’s access. Used for reinstating offboarded learners " +
				"(rehires, contractors who returned, etc.). Target must be below the caller’s role in the hierarchy. " +
				"Needs user_ban.",
			Annotations: Additive("Unban a user", true),
		},
	}, unbanUser)
	Register(Spec{
		Kind: KindWrite,
		Tool: mcp.Tool{
			Name: "change_user_email",
			Description: "Update a user’s email address (e.g. after a name change or domain migration). Triggers the " +
				"standard email-change notification (to the old and the new address). Target must be below the caller’s " +
				"role in the hierarchy (or be the caller). Needs user_edit.",
			Annotations: Destructive("Change a user's email", true),
		},
		Schema: func(s *jsonschema.Schema) { SetLength(s, "email", 3, maxEmail) },
	}, changeUserEmail)
}

// userOut is a user after a write.
type userOut struct {
	Planned
	ID       string  `json:"id"`
	Name     string  `json:"name"`
	Email    string  `json:"email"`
	Role     string  `json:"role"`
	Status   string  `json:"status"`
	BannedAt *string `json:"bannedAt,omitempty"`
	Message  string  `json:"message"`
}

func toUserOut(u *client.User, msg string) userOut {
	return userOut{ID: u.Id, Name: u.Name, Email: u.Email, Role: string(u.Role), Status: string(u.Status), BannedAt: NullTime(u.BannedAt), Message: msg}
}

// Text is the answer (a dry run's marked as one) and its plan hash.
func (o userOut) Text() string { return o.Planned.wrap(o.text()) }

func (o userOut) text() string {
	s := fmt.Sprintf("%s\n%s <%s> — %s, %s, %s", o.Message, o.Name, o.Email, o.ID, o.Role, o.Status)
	if o.BannedAt != nil {
		s += " since " + *o.BannedAt
	}
	return s + "."
}

type banUserIn struct {
	Guard
	UserID string `json:"userId" jsonschema:"User to ban."`
}

func banUser(ctx context.Context, env *Env, in banUserIn) (userOut, error) {
	id, err := ID("userId", typeid.Person, in.UserID)
	if err != nil {
		return userOut{}, err
	}
	g := in.Guard
	in.Guard = Guard{}
	return guarded(ctx, g, writeCall[userOut]{
		tool: "ban_user", args: in,
		run: func(ctx context.Context, dry *bool) (userOut, error) {
			u, err := env.API.LMS.Users.Ban(ctx, &client.BanUserParams{DryRun: dry}, client.UserBan{UserId: id})
			if err != nil {
				return userOut{}, err
			}
			return toUserOut(u, fmt.Sprintf("%s is banned: their login, API keys and course access are revoked; their history is kept.", u.Name)), nil
		},
		plan: userPlan,
		confirm: func(o userOut) string {
			return fmt.Sprintf("banning %s <%s> revokes their login, API keys and course access", o.Name, o.Email)
		},
	})
}

type unbanUserIn struct {
	Guard
	UserID string `json:"userId" jsonschema:"User to unban."`
}

func unbanUser(ctx context.Context, env *Env, in unbanUserIn) (userOut, error) {
	id, err := ID("userId", typeid.Person, in.UserID)
	if err != nil {
		return userOut{}, err
	}
	g := in.Guard
	in.Guard = Guard{}
	return guarded(ctx, g, writeCall[userOut]{
		tool: "unban_user", args: in,
		run: func(ctx context.Context, dry *bool) (userOut, error) {
			before, err := env.API.LMS.Users.Get(ctx, id)
			if err != nil {
				return userOut{}, err
			}
			u, err := env.API.LMS.Users.Unban(ctx, id, &client.UnbanUserParams{DryRun: dry})
			if err != nil {
				return userOut{}, err
			}
			if before.Status != client.UserStatusBanned {
				return toUserOut(u, fmt.Sprintf("%s was not banned; nothing changed.", u.Name)), nil
			}
			return toUserOut(u, fmt.Sprintf("%s's access is restored: they can sign in and use their courses again.", u.Name)), nil
		},
		plan: userPlan,
	})
}

type changeUserEmailIn struct {
	Guard
	UserID string `json:"userId" jsonschema:"User whose email is changing."`
	Email  string `json:"email" jsonschema:"New email address."`
}

func changeUserEmail(ctx context.Context, env *Env, in changeUserEmailIn) (userOut, error) {
	id, err := ID("userId", typeid.Person, in.UserID)
	if err != nil {
		return userOut{}, err
	}
	email, err := emailAddress("email", in.Email)
	if err != nil {
		return userOut{}, err
	}
	g := in.Guard
	in.Guard = Guard{}
	return guarded(ctx, g, writeCall[userOut]{
		tool: "change_user_email", args: in,
		run: func(ctx context.Context, dry *bool) (userOut, error) {
			u, err := env.API.LMS.Users.ChangeEmail(ctx, id, &client.ChangeUserEmailParams{DryRun: dry}, client.UserEmailChange{Email: email})
			if err != nil {
				return userOut{}, err
			}
			return toUserOut(u, fmt.Sprintf("%s's email is now %s; the old and the new address were notified (unless it was unchanged).", u.Name, u.Email)), nil
		},
		plan: userPlan,
		confirm: func(o userOut) string {
			return fmt.Sprintf("%s signs in and is mailed at %s from now on", o.Name, o.Email)
		},
	})
}

// emailAddress checks a bare email address input (no display name, no angle brackets).
func emailAddress(field, v string) (string, error) {
	v = strings.TrimSpace(v)
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" || len(v) > maxEmail || !strings.Contains(v[strings.LastIndexByte(v, '@')+1:], ".") {
		return "", Invalid("%s must be a plain email address such as maria.gomez@acme.com (got %q)", field, clip(v, 80))
	}
	return v, nil
}

// userPlan is what a user write's plan hash covers: the user's id, status, email and the
// message (which says whether anything changes).
func userPlan(o userOut) any { return []string{o.ID, o.Status, o.Email, o.Message} }
