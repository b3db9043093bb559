package scim

import (
	"fmt"
	"strconv"
	"strings"

	escim "github.com/elimity-com/scim"
	scimerr "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/google/uuid"

	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// enterpriseURN is the enterprise User extension (RFC 7643 4.3).
const enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// enterpriseKeys are the extension's string attributes learnd keeps (manager aside).
var enterpriseKeys = []string{"employeeNumber", "costCenter", "organization", "division", "department"}

// toSCIMUser is the SCIM view of a user: userName is the user's email address (or the
// provider's userName, when that was not one), the one work email the address, displayName and name.formatted their name, active false when
// banned, and the enterprise attributes as kept.
func toSCIMUser(u *people.ProvisionedUser) escim.Resource {
	name := map[string]any{"formatted": u.Name}
	if u.GivenName != nil {
		name["givenName"] = *u.GivenName
	}
	if u.FamilyName != nil {
		name["familyName"] = *u.FamilyName
	}
	userName := u.Email
	if u.UserName != nil {
		userName = *u.UserName
	}
	attrs := escim.ResourceAttributes{
		"userName":    userName,
		"displayName": u.Name,
		"name":        name,
		"emails":      []map[string]any{{"value": u.Email, "type": "work", "primary": true}},
		"active":      u.Status != people.UserBanned,
	}
	if t, ok := u.Attributes["title"]; ok {
		attrs["title"] = t
	}
	groups := make([]map[string]any, len(u.Groups))
	for i, g := range u.Groups {
		groups[i] = map[string]any{"value": typeid.Format(typeid.Group, g.ID), "display": g.Name, "type": "direct"}
	}
	attrs["groups"] = groups
	ext := map[string]any{}
	for _, k := range enterpriseKeys {
		if v, ok := u.Attributes[k]; ok {
			ext[k] = v
		}
	}
	if m, ok := u.Attributes["manager"]; ok {
		ext["manager"] = map[string]any{"value": m}
	}
	if len(ext) > 0 {
		attrs[enterpriseURN] = ext
	}
	return escim.Resource{ID: typeid.Format(typeid.Person, u.ID), ExternalID: toSCIMOptional(u.ExternalID), Attributes: attrs,
		Meta: escim.Meta{Created: &u.CreatedAt, LastModified: &u.UpdatedAt, Version: version(u.Version)}}
}

// toSCIMGroup is the SCIM view of a group; members only when loaded.
func toSCIMGroup(g *people.ProvisionedGroup, members bool) escim.Resource {
	attrs := escim.ResourceAttributes{"displayName": g.Name}
	if members {
		ms := make([]map[string]any, len(g.Members))
		for i, m := range g.Members {
			ms[i] = map[string]any{"value": typeid.Format(typeid.Person, m.ID), "display": m.Name, "type": "User"}
		}
		attrs["members"] = ms
	}
	return escim.Resource{ID: typeid.Format(typeid.Group, g.ID), ExternalID: toSCIMOptional(g.ExternalID), Attributes: attrs,
		Meta: escim.Meta{Created: &g.CreatedAt, LastModified: &g.UpdatedAt, Version: version(g.Version)}}
}

func version(v int) string { return `W/"` + strconv.Itoa(v) + `"` }

func toSCIMOptional(s *string) optional.String {
	if s == nil {
		return optional.String{}
	}
	return optional.NewString(*s)
}

// toModelProfile reads a whole user (POST, PUT) into a profile; cur is the stored profile
// a PUT replaces (nil for a create): what a PUT leaves out is cleared, except active,
// which stays as it is.
func toModelProfile(a escim.ResourceAttributes, cur *people.Profile) (people.Profile, error) {
	p := people.Profile{Active: true, Attributes: map[string]string{}}
	if cur != nil {
		p.Active = cur.Active
	}
	userName, _ := a["userName"].(string)
	setUserName(&p, userName)
	if p.UserName != nil {
		p.Email = primaryEmail(a["emails"])
	}
	if s, ok := a["externalId"].(string); ok && s != "" {
		p.ExternalID = &s
	}
	if b, ok := a["active"].(bool); ok {
		p.Active = b
	}
	display, _ := a["displayName"].(string)
	var formatted string
	if n, ok := a["name"].(map[string]any); ok {
		p.GivenName, p.FamilyName = optString(n["givenName"]), optString(n["familyName"])
		formatted, _ = n["formatted"].(string)
	}
	p.Name = displayName(display, formatted, p.GivenName, p.FamilyName, p.Email)
	if t, ok := a["title"].(string); ok && t != "" {
		p.Attributes["title"] = t
	}
	if ext, ok := a[enterpriseURN].(map[string]any); ok {
		if err := setEnterprise(&p, ext); err != nil {
			return people.Profile{}, err
		}
	}
	return p, nil
}

// setUserName sets the profile's userName: the email address when it is one, else kept
// beside it (the email address then comes from emails).
func setUserName(p *people.Profile, userName string) {
	if people.EmailLike(userName) {
		p.Email, p.UserName = strings.TrimSpace(userName), nil
		return
	}
	p.UserName = &userName
}

// primaryEmail is the primary email's value, else the work email's, else the first.
func primaryEmail(v any) string {
	list, _ := v.([]any)
	best, rank := "", 0
	for _, item := range list {
		m, _ := item.(map[string]any)
		val, _ := m["value"].(string)
		r := 1
		if m["type"] == "work" {
			r = 2
		}
		if m["primary"] == true {
			r = 3
		}
		if val != "" && r > rank {
			best, rank = val, r
		}
	}
	return best
}

// setEnterprise copies the enterprise extension's attributes into p.
func setEnterprise(p *people.Profile, ext map[string]any) error {
	for _, k := range enterpriseKeys {
		if v, ok := ext[k].(string); ok {
			setAttribute(p, k, v)
		}
	}
	if m, ok := ext["manager"]; ok {
		id, err := managerID(m)
		if err != nil {
			return err
		}
		setAttribute(p, "manager", id)
	}
	return nil
}

// managerID reads the manager attribute ({"value": "<user id>"}, or its value alone) as
// a user id; empty clears it.
func managerID(v any) (string, error) {
	if m, ok := v.(map[string]any); ok {
		v = m["value"]
	}
	s, _ := v.(string)
	if s == "" {
		return "", nil
	}
	if _, err := typeid.Parse(typeid.Person, s); err != nil {
		return "", scimerr.ScimError{Status: 400, ScimType: scimerr.ScimTypeInvalidValue, Detail: fmt.Sprintf("manager %q is not a user id (per_…).", s)}
	}
	return s, nil
}

func setAttribute(p *people.Profile, k, v string) {
	if p.Attributes == nil {
		p.Attributes = map[string]string{}
	}
	if v == "" {
		delete(p.Attributes, k)
		return
	}
	p.Attributes[k] = v
}

// displayName is learnd's one name for a person: displayName, else name.formatted, else
// given and family name, else the email address's local part.
func displayName(display, formatted string, given, family *string, email string) string {
	for _, s := range []string{display, formatted} {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	var parts []string
	for _, s := range []*string{given, family} {
		if s != nil && strings.TrimSpace(*s) != "" {
			parts = append(parts, strings.TrimSpace(*s))
		}
	}
	if len(parts) > 0 {
		return strings.Join(parts, " ")
	}
	local, _, _ := strings.Cut(email, "@")
	return local
}

func optString(v any) *string {
	if s, ok := v.(string); ok && s != "" {
		return &s
	}
	return nil
}

// toModelGroupProfile reads a whole group (POST, PUT).
func toModelGroupProfile(a escim.ResourceAttributes) (people.GroupProfile, error) {
	p := people.GroupProfile{Members: []uuid.UUID{}}
	p.Name, _ = a["displayName"].(string)
	if s, ok := a["externalId"].(string); ok && s != "" {
		p.ExternalID = &s
	}
	ids, err := memberIDs(a["members"])
	if err != nil {
		return people.GroupProfile{}, err
	}
	p.Members = ids
	return p, nil
}

// memberIDs reads members values ([{"value": "per_…"}, …]) as user ids.
func memberIDs(v any) ([]uuid.UUID, error) {
	var list []any
	switch m := v.(type) {
	case nil:
		return nil, nil
	case []any:
		list = m
	default:
		list = []any{m}
	}
	out := make([]uuid.UUID, 0, len(list))
	for _, item := range list {
		val := item
		if m, ok := item.(map[string]any); ok {
			val = m["value"]
		}
		s, _ := val.(string)
		id, err := typeid.Parse(typeid.Person, s)
		if err != nil {
			return nil, scimerr.ScimError{Status: 400, ScimType: scimerr.ScimTypeInvalidValue, Detail: fmt.Sprintf("member %q is not a user id (per_…).", s)}
		}
		out = append(out, id)
	}
	return out, nil
}

// parseID reads a resource id of the given prefix; a malformed one is not found.
func parseID(prefix, id string) (uuid.UUID, error) {
	u, err := typeid.Parse(prefix, id)
	if err != nil {
		return uuid.Nil, scimerr.ScimErrorResourceNotFound(id)
	}
	return u, nil
}
