package scim

import (
	"fmt"
	"slices"
	"strings"

	escim "github.com/elimity-com/scim"
	scimerr "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/filter"
	"github.com/elimity-com/scim/schema"
	"github.com/google/uuid"
	fp "github.com/scim2/filter-parser/v2"

	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// A PATCH (RFC 7644 3.5.2) arrives parsed and checked against the schema by the library:
// each operation has a lower-case op, an optional path and a value typed by the schema
// (string booleans already read as booleans). Without a path, the value is an object of
// attribute paths (or extension URIs) to values; each is applied as if it were a path.

// patchStep is one attribute change: op, the attribute path (lower case), an optional
// value filter on a multi-valued attribute, and the value.
type patchStep struct {
	op     string
	key    string
	filter fp.Expression
	value  any
}

// toPatchSteps flattens operations into steps.
func toPatchSteps(ops []escim.PatchOperation, extensions ...string) ([]patchStep, error) {
	var out []patchStep
	for _, o := range ops {
		if o.Path != nil {
			key := pathKey(o.Path.AttributePath, "")
			if o.Path.SubAttribute != nil {
				key += "." + strings.ToLower(*o.Path.SubAttribute)
			}
			out = append(out, patchStep{op: o.Op, key: key, filter: o.Path.ValueExpression, value: o.Value})
			continue
		}
		m, ok := o.Value.(map[string]any)
		if !ok {
			return nil, scimerr.ScimErrorInvalidValue
		}
		for k, v := range m {
			if slices.ContainsFunc(extensions, func(e string) bool { return strings.EqualFold(e, k) }) {
				ext, _ := v.(map[string]any)
				for ek, ev := range ext {
					out = append(out, patchStep{op: o.Op, key: strings.ToLower(k + ":" + ek), value: ev})
				}
				continue
			}
			p, err := fp.ParsePath([]byte(k))
			if err != nil {
				return nil, scimerr.ScimErrorInvalidPath
			}
			key := pathKey(p.AttributePath, "")
			if p.SubAttribute != nil {
				key += "." + strings.ToLower(*p.SubAttribute)
			}
			out = append(out, patchStep{op: o.Op, key: key, filter: p.ValueExpression, value: v})
		}
	}
	return out, nil
}

// applyUserPatch applies operations to a user's profile. Attributes learnd does not keep
// (emails beyond userName, phone numbers, addresses, locale, …) are accepted and ignored.
func applyUserPatch(p *people.Profile, ops []escim.PatchOperation) error {
	steps, err := toPatchSteps(ops, enterpriseURN)
	if err != nil {
		return err
	}
	display, nameChanged, displaySet := "", false, false
	for _, s := range steps {
		str, _ := s.value.(string)
		remove := s.op == escim.PatchOperationRemove
		if remove {
			str = ""
		}
		switch s.key {
		case "username":
			if remove || str == "" {
				return scimerr.ScimErrorMutability
			}
			setUserName(p, str)
		case "emails", "emails.value":
			// learnd keeps one address: userName when it is one, else this.
			if p.UserName != nil && !remove {
				if e := primaryEmail(s.value); e != "" {
					p.Email = e
				} else if str != "" {
					p.Email = str
				}
			}
		case "externalid":
			p.ExternalID = optString(str)
		case "displayname", "name.formatted":
			display, displaySet = str, true
		case "name":
			n, _ := s.value.(map[string]any)
			p.GivenName, p.FamilyName = optString(n["givenName"]), optString(n["familyName"])
			if f, ok := n["formatted"].(string); ok {
				display, displaySet = f, true
			}
			nameChanged = true
		case "name.givenname":
			p.GivenName, nameChanged = optString(str), true
		case "name.familyname":
			p.FamilyName, nameChanged = optString(str), true
		case "active":
			if b, ok := s.value.(bool); ok && !remove {
				p.Active = b
			}
		case "title":
			setAttribute(p, "title", str)
		case enterpriseLower:
			ext, _ := s.value.(map[string]any)
			if remove {
				for _, k := range append(slices.Clone(enterpriseKeys), "manager") {
					delete(p.Attributes, k)
				}
			} else if err := setEnterprise(p, ext); err != nil {
				return err
			}
		case enterpriseLower + ":manager", enterpriseLower + ":manager.value":
			id, err := managerID(s.value)
			if err != nil {
				return err
			}
			if remove {
				id = ""
			}
			setAttribute(p, "manager", id)
		default:
			if k, ok := strings.CutPrefix(s.key, enterpriseLower+":"); ok {
				if i := slices.IndexFunc(enterpriseKeys, func(e string) bool { return strings.EqualFold(e, k) }); i >= 0 {
					setAttribute(p, enterpriseKeys[i], str)
				}
			}
		}
	}
	switch {
	case displaySet:
		p.Name = displayName(display, "", p.GivenName, p.FamilyName, p.Email)
	case nameChanged:
		p.Name = displayName("", "", p.GivenName, p.FamilyName, p.Email)
	}
	return nil
}

// applyGroupPatch applies operations to a group's profile, members included: add joins
// the given users, replace sets the members, remove takes out the given users, the ones
// a filter path selects (members[value eq "per_…"]), or all.
func applyGroupPatch(p *people.GroupProfile, ops []escim.PatchOperation) error {
	steps, err := toPatchSteps(ops)
	if err != nil {
		return err
	}
	for _, s := range steps {
		switch s.key {
		case "displayname":
			str, _ := s.value.(string)
			if s.op == escim.PatchOperationRemove || str == "" {
				return scimerr.ScimErrorMutability
			}
			p.Name = str
		case "externalid":
			str, _ := s.value.(string)
			if s.op == escim.PatchOperationRemove {
				str = ""
			}
			p.ExternalID = optString(str)
		case "members", "members.value":
			if err := patchMembers(p, s); err != nil {
				return err
			}
		}
	}
	return nil
}

func patchMembers(p *people.GroupProfile, s patchStep) error {
	ids, err := memberIDs(s.value)
	if err != nil {
		return err
	}
	switch {
	case s.op == escim.PatchOperationAdd:
		p.Members = append(p.Members, ids...)
	case s.op == escim.PatchOperationReplace && s.filter == nil:
		p.Members = ids
	case s.op == escim.PatchOperationRemove && s.filter == nil && s.value == nil:
		p.Members = nil
	case s.op == escim.PatchOperationRemove && s.filter == nil:
		p.Members = slices.DeleteFunc(p.Members, func(m uuid.UUID) bool { return slices.Contains(ids, m) })
	case s.op == escim.PatchOperationRemove:
		v := filter.NewFilterValidator(s.filter, schema.Schema{Attributes: memberAttributes()})
		p.Members = slices.DeleteFunc(p.Members, func(m uuid.UUID) bool {
			return v.PassesFilter(map[string]any{"value": typeid.Format(typeid.Person, m)}) == nil
		})
	default:
		return scimerr.ScimError{Status: 400, ScimType: scimerr.ScimTypeInvalidPath, Detail: fmt.Sprintf("%s of members with a filter is not supported; use add, remove or replace on members.", s.op)}
	}
	return nil
}

// memberAttributes are the sub-attributes of Group.members a filter path may test.
func memberAttributes() []schema.CoreAttribute {
	for _, a := range schema.CoreGroupSchema().Attributes {
		if strings.EqualFold(a.Name(), "members") {
			return a.SubAttributes()
		}
	}
	return nil
}
