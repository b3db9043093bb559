package tools

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/internal/pseudonym"
	"github.com/learnd/learnd/typeid"
)

// Limits of the finds (seed 003: default 20, max 50).
const (
	findDefault = 20
	findMax     = 50
)

func init() {
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name: "find_user",
			Description: "Search for users by name or email substring. Case-insensitive. Returns id, name, email, role " +
				"and status of each match; pass nextPageToken as pageToken for more. Needs user_view. With a key that shows " +
				"people under aliases, query is an alias (e.g. Learner 4F7K2Q9X).",
			Annotations: ReadOnly("Find users"),
		},
		Schema: findSchema,
	}, findUser)
	Register(Spec{
		Kind: KindRead,
		Tool: mcp.Tool{
			Name:        "get_user",
			Description: "Get full details for one user by ID — name, email, role, group memberships, status. Needs user_view (anyone may read themselves).",
			Annotations: ReadOnly("Get a user"),
		},
	}, getUser)
}

// findSchema bounds limit (default 20, 1..50) and the query of a find.
func findSchema(s *jsonschema.Schema) {
	SetRange(s, "limit", 1, findMax)
	SetDefault(s, "limit", findDefault)
	SetLength(s, "query", 0, 200)
}

type findUserIn struct {
	Query     string  `json:"query" jsonschema:"Name or email substring to search for."`
	Limit     int     `json:"limit,omitempty" jsonschema:"Max results (default 20, max 50)."`
	PageToken *string `json:"pageToken,omitempty" jsonschema:"Optional. The nextPageToken of a previous call, for the next page."`
}

// userBrief is a user in a list.
type userBrief struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Email  string `json:"email"`
	Role   string `json:"role"`
	Status string `json:"status"`
}

func toUserBrief(u client.User) userBrief {
	return userBrief{ID: u.Id, Name: u.Name, Email: u.Email, Role: string(u.Role), Status: string(u.Status)}
}

func (u userBrief) line() string {
	return fmt.Sprintf("%s <%s> — %s, %s, %s", u.Name, u.Email, u.ID, u.Role, u.Status)
}

type userList struct {
	Users         []userBrief `json:"users"`
	NextPageToken *string     `json:"nextPageToken,omitempty"`
}

func (l userList) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", len(l.Users), plural(len(l.Users), "user", "users"))
	for _, u := range l.Users {
		b.WriteString("\n- " + u.line())
	}
	writeMore(&b, l.NextPageToken)
	return b.String()
}

// pageToken is a page-token input, checked for size (nil when empty).
func pageToken(tok *string) (*string, error) {
	if tok == nil || *tok == "" {
		return nil, nil
	}
	if len(*tok) > 2048 {
		return nil, Invalid("pageToken is too long; pass the nextPageToken of a previous call as is")
	}
	return tok, nil
}

func findUser(ctx context.Context, env *Env, in findUserIn) (userList, error) {
	tok, err := pageToken(in.PageToken)
	if err != nil {
		return userList{}, err
	}
	q := strings.TrimSpace(in.Query)
	p := &client.FindUsersParams{Limit: &in.Limit, PageToken: tok}
	_, alias := pseudonym.Parse(q)
	switch {
	case env.pseudo != nil && alias: // the API finds the person behind it
		p.Alias = &q
	case env.pseudo != nil && q != "": // the API refuses it too
		return userList{}, Invalid("query: this key shows people only under aliases, so find_user takes an alias (e.g. Learner 4F7K2Q9X) or an empty query, never a name or address")
	case q != "":
		p.Query = &q
	}
	page, err := env.API.LMS.Users.Find(ctx, p)
	if err != nil {
		return userList{}, err
	}
	out := userList{Users: make([]userBrief, 0, len(page.Data))}
	for _, u := range page.Data {
		out.Users = append(out.Users, toUserBrief(u))
	}
	if page.HasMore {
		out.NextPageToken = page.NextPageToken
	}
	return out, nil
}

type getUserIn struct {
	UserID string `json:"userId" jsonschema:"Internal user ID (per_…, from find_user or another tool)."`
}

type groupBrief struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type userDetail struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	Email     string       `json:"email"`
	Role      string       `json:"role"`
	Status    string       `json:"status"`
	BannedAt  *string      `json:"bannedAt,omitempty"`
	Groups    []groupBrief `json:"groups"`
	CreatedAt string       `json:"createdAt"`
	UpdatedAt string       `json:"updatedAt"`
}

func toUserDetail(u *client.User) userDetail {
	out := userDetail{
		ID: u.Id, Name: u.Name, Email: u.Email, Role: string(u.Role), Status: string(u.Status),
		BannedAt: NullTime(u.BannedAt), Groups: make([]groupBrief, 0, len(u.Groups)),
		CreatedAt: Time(u.CreatedAt), UpdatedAt: Time(u.UpdatedAt),
	}
	for _, g := range u.Groups {
		out.Groups = append(out.Groups, groupBrief{ID: g.Id, Name: g.Name, Kind: string(g.Kind)})
	}
	return out
}

func (u userDetail) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s <%s>\nid: %s\nrole: %s\nstatus: %s", u.Name, u.Email, u.ID, u.Role, u.Status)
	if u.BannedAt != nil {
		fmt.Fprintf(&b, " (banned %s)", *u.BannedAt)
	}
	if len(u.Groups) == 0 {
		b.WriteString("\ngroups: none")
	} else {
		names := make([]string, len(u.Groups))
		for i, g := range u.Groups {
			names[i] = fmt.Sprintf("%s (%s, %s)", g.Name, g.Kind, g.ID)
		}
		b.WriteString("\ngroups: " + strings.Join(names, "; "))
	}
	fmt.Fprintf(&b, "\ncreated: %s", u.CreatedAt)
	return b.String()
}

func getUser(ctx context.Context, env *Env, in getUserIn) (userDetail, error) {
	id, err := ID("userId", typeid.Person, in.UserID)
	if err != nil {
		return userDetail{}, err
	}
	u, err := env.API.LMS.Users.Get(ctx, id)
	if err != nil {
		return userDetail{}, err
	}
	return toUserDetail(u), nil
}
