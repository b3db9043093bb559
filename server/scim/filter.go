package scim

import (
	"fmt"
	"strings"

	"github.com/elimity-com/scim/filter"
	fp "github.com/scim2/filter-parser/v2"

	"github.com/learnd/learnd/store/people"
)

// userFilterAttrs maps SCIM attribute paths (lower case) to the domain's filter attributes.
var userFilterAttrs = func() map[string]string {
	m := map[string]string{
		"username": "userName", "emails": "email", "emails.value": "email", "emails.type": "emailType", "externalid": "externalId",
		"displayname": "displayName", "id": "id", "active": "active", "name.givenname": "givenName",
		"name.familyname": "familyName", "name.formatted": "displayName", "title": "title",
		enterpriseLower + ":manager": "manager", enterpriseLower + ":manager.value": "manager",
	}
	for _, k := range enterpriseKeys {
		m[enterpriseLower+":"+strings.ToLower(k)] = k
	}
	return m
}()

var groupFilterAttrs = map[string]string{
	"displayname": "displayName", "externalid": "externalId", "id": "id",
	"members": "member", "members.value": "member",
}

var enterpriseLower = strings.ToLower(enterpriseURN)

// toModelFilter turns a parsed (and schema-checked) SCIM filter into the domain's filter;
// attrs names what may be searched. nil stays nil.
func toModelFilter(v *filter.Validator, attrs map[string]string) (*people.Filter, error) {
	if v == nil {
		return nil, nil
	}
	return toModelExpr(v.GetFilter(), attrs, "")
}

func toModelExpr(e fp.Expression, attrs map[string]string, parent string) (*people.Filter, error) {
	switch e := e.(type) {
	case *fp.LogicalExpression:
		l, err := toModelExpr(e.Left, attrs, parent)
		if err != nil {
			return nil, err
		}
		r, err := toModelExpr(e.Right, attrs, parent)
		if err != nil {
			return nil, err
		}
		return &people.Filter{Op: people.FilterOp(strings.ToLower(string(e.Operator))), Left: l, Right: r}, nil
	case *fp.NotExpression:
		l, err := toModelExpr(e.Expression, attrs, parent)
		if err != nil {
			return nil, err
		}
		return &people.Filter{Op: people.FilterNot, Left: l}, nil
	case *fp.ValuePath:
		return toModelExpr(e.ValueFilter, attrs, pathKey(e.AttributePath, ""))
	case *fp.AttributeExpression:
		key := pathKey(e.AttributePath, parent)
		attr, ok := attrs[key]
		if !ok {
			return nil, fmt.Errorf("%w: learnd cannot search by %s", people.ErrUnsupportedFilter, e.AttributePath.String())
		}
		f := &people.Filter{Op: people.FilterOp(strings.ToLower(string(e.Operator))), Attr: attr}
		if e.CompareValue != nil {
			f.Value = fmt.Sprint(e.CompareValue)
		}
		return f, nil
	}
	return nil, fmt.Errorf("%w: %v", people.ErrUnsupportedFilter, e)
}

// pathKey is an attribute path in lower case, as the maps above key it: a value path's
// attribute (parent) before a sub-attribute (emails[value eq …] is emails.value).
func pathKey(p fp.AttributePath, parent string) string {
	name := p.AttributeName
	if p.SubAttribute != nil {
		name += "." + *p.SubAttribute
	}
	if parent != "" {
		name = parent + "." + name
	}
	if uri := p.URI(); uri != "" && !strings.EqualFold(uri, coreUserURN) && !strings.EqualFold(uri, coreGroupURN) {
		name = uri + ":" + name
	}
	return strings.ToLower(name)
}

const (
	coreUserURN  = "urn:ietf:params:scim:schemas:core:2.0:User"
	coreGroupURN = "urn:ietf:params:scim:schemas:core:2.0:Group"
)
