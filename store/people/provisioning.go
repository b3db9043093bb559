package people

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// Provisioning is what an identity provider does to the tenant's people through SCIM: it
// creates, changes, deactivates (bans) and deprovisions users, and keeps groups and their
// members. The protocol lives in server/scim; this is the domain side, in the caller's
// tenant transaction (whose principal has surface scim, so every change is audited so).

// ErrOwnerProvisioning means an identity provider tried to deactivate, deprovision or
// change the e-mail address of an owner: owners are managed in learnd, so a provider can
// neither lock the tenant's owners out nor move an owner's sign-in address.
var ErrOwnerProvisioning = errors.New("an owner cannot be deactivated, deprovisioned or readdressed by provisioning")

// ErrExternalIDTaken means another user (or group) of the tenant has the external id.
var ErrExternalIDTaken = errors.New("external id is taken")

// ErrUserNameTaken means another user of the tenant has the provider's userName.
var ErrUserNameTaken = errors.New("user name is taken")

// ErrUnsupportedFilter means a filter names an attribute or operator provisioning cannot
// search by.
var ErrUnsupportedFilter = errors.New("unsupported filter")

// UserAttributeKeys are the HR attributes a user may carry (stored in users.attributes,
// which enrolment rules match on): SCIM's enterprise attributes and location; manager is
// the manager's user id.
var UserAttributeKeys = []string{"department", "manager", "employeeNumber", "title", "costCenter", "organization", "division", "location"}

// pointerToken escapes a JSON Pointer reference token (RFC 6901).
var pointerToken = strings.NewReplacer("~", "~0", "/", "~1")

// checkAttributes records a field error (under prefix + key) per attribute learnd does not
// keep or whose value is longer than 200 characters, and returns the attributes without
// the empty ones (never nil).
func checkAttributes(v *store.ValidationError, prefix string, attrs map[string]string) map[string]string {
	out := make(map[string]string, len(attrs))
	for k, val := range attrs {
		switch {
		case !slices.Contains(UserAttributeKeys, k):
			v.Add(prefix+pointerToken.Replace(k), "is not an attribute learnd keeps (one of %s)", strings.Join(UserAttributeKeys, ", "))
		case utf8.RuneCountInString(val) > 200:
			v.Add(prefix+pointerToken.Replace(k), "must be at most 200 characters")
		case val != "":
			out[k] = val
		}
	}
	return out
}

// FilterOp is a filter's comparison or combination.
type FilterOp string

// Filter operators (RFC 7644 3.4.2.2, the ones provisioning supports).
const (
	FilterEq  FilterOp = "eq"
	FilterNe  FilterOp = "ne"
	FilterCo  FilterOp = "co"
	FilterSw  FilterOp = "sw"
	FilterEw  FilterOp = "ew"
	FilterPr  FilterOp = "pr"
	FilterAnd FilterOp = "and"
	FilterOr  FilterOp = "or"
	FilterNot FilterOp = "not"
)

// Filter is a condition on users or groups in the domain's terms: a leaf compares Attr
// (userName, email, emailType, externalId, displayName, id, active, givenName, familyName or an
// enterprise attribute; for groups displayName, externalId, id or member) with Value; and,
// or combine Left and Right; not negates Left.
type Filter struct {
	Op          FilterOp
	Attr        string
	Value       string
	Left, Right *Filter
}

// ProvisionQuery selects a page of users or groups by offset, as SCIM pages
// (startIndex/count): Offset rows are skipped, at most Limit returned.
type ProvisionQuery struct {
	Filter      *Filter
	Offset      int
	Limit       int
	WithMembers bool // groups: load their members
}

// ProvisionRepo provisions users and groups.
type ProvisionRepo struct {
	st     *store.Store
	users  *UserRepo
	groups *GroupRepo
}

// Provisioning returns the provisioning repository.
func (s *Repo) Provisioning() *ProvisionRepo {
	return &ProvisionRepo{st: s.st, users: s.Users(), groups: s.Groups()}
}

// filterColumn is how a filter attribute maps to SQL.
type filterColumn struct {
	expr      string
	caseExact bool
	kind      string // "" text, "id:<prefix>" an id, "active", "member"
}

var userFilterColumns = func() map[string]filterColumn {
	m := map[string]filterColumn{
		"username":    {expr: "coalesce(users.user_name, users.email)"},
		"email":       {expr: "users.email"},
		"emailtype":   {expr: "'work'"}, // the one address is the work address
		"externalid":  {expr: "users.external_id", caseExact: true},
		"displayname": {expr: "users.name"},
		"givenname":   {expr: "users.given_name"},
		"familyname":  {expr: "users.family_name"},
		"id":          {expr: "users.id", kind: "id:" + typeid.Person},
		"active":      {expr: "users.status", kind: "active"},
	}
	for _, k := range UserAttributeKeys {
		m[strings.ToLower(k)] = filterColumn{expr: "(users.attributes->>'" + k + "')"}
	}
	return m
}()

var groupFilterColumns = map[string]filterColumn{
	"displayname": {expr: "groups.name"},
	"externalid":  {expr: "groups.external_id", caseExact: true},
	"id":          {expr: "groups.id", kind: "id:" + typeid.Group},
	"member":      {expr: "groups.id", kind: "member"},
}

// filterSQL renders f as a SQL condition with its arguments added to args.
func filterSQL(f *Filter, cols map[string]filterColumn, args *store.Args) (string, error) {
	switch f.Op {
	case FilterAnd, FilterOr:
		if f.Left == nil || f.Right == nil {
			return "", fmt.Errorf("%w: %s needs two sides", ErrUnsupportedFilter, f.Op)
		}
		l, err := filterSQL(f.Left, cols, args)
		if err != nil {
			return "", err
		}
		r, err := filterSQL(f.Right, cols, args)
		if err != nil {
			return "", err
		}
		return "(" + l + " " + strings.ToUpper(string(f.Op)) + " " + r + ")", nil
	case FilterNot:
		if f.Left == nil {
			return "", fmt.Errorf("%w: not needs a condition", ErrUnsupportedFilter)
		}
		l, err := filterSQL(f.Left, cols, args)
		if err != nil {
			return "", err
		}
		return "(NOT " + l + ")", nil
	}
	c, ok := cols[strings.ToLower(f.Attr)]
	if !ok {
		return "", fmt.Errorf("%w: attribute %q", ErrUnsupportedFilter, f.Attr)
	}
	switch {
	case strings.HasPrefix(c.kind, "id:"):
		return idFilterSQL(f, c, args)
	case c.kind == "active":
		if f.Op != FilterEq && f.Op != FilterNe {
			return "", fmt.Errorf("%w: active takes eq or ne", ErrUnsupportedFilter)
		}
		want := strings.EqualFold(f.Value, "true") == (f.Op == FilterEq)
		if want {
			return "(users.status = 'active')", nil
		}
		return "(users.status <> 'active')", nil
	case c.kind == "member":
		if f.Op != FilterEq {
			return "", fmt.Errorf("%w: member takes eq", ErrUnsupportedFilter)
		}
		id, err := typeid.Parse(typeid.Person, f.Value)
		if err != nil {
			return "FALSE", nil
		}
		return "EXISTS (SELECT 1 FROM group_members gm WHERE gm.tenant_id = groups.tenant_id AND gm.group_id = groups.id AND gm.user_id = " + args.Add(id) + ")", nil
	}
	return textFilterSQL(f, c, args)
}

func idFilterSQL(f *Filter, c filterColumn, args *store.Args) (string, error) {
	if f.Op == FilterPr {
		return "TRUE", nil
	}
	if f.Op != FilterEq && f.Op != FilterNe {
		return "", fmt.Errorf("%w: id takes eq, ne or pr", ErrUnsupportedFilter)
	}
	id, err := typeid.Parse(strings.TrimPrefix(c.kind, "id:"), f.Value)
	if err != nil {
		if f.Op == FilterEq {
			return "FALSE", nil
		}
		return "TRUE", nil
	}
	if f.Op == FilterEq {
		return "(" + c.expr + " = " + args.Add(id) + ")", nil
	}
	return "(" + c.expr + " <> " + args.Add(id) + ")", nil
}

func textFilterSQL(f *Filter, c filterColumn, args *store.Args) (string, error) {
	col, val := c.expr, f.Value
	if !c.caseExact {
		col = "lower(" + col + ")"
	}
	ph := func(v string) string {
		p := args.Add(v)
		if !c.caseExact {
			return "lower(" + p + ")"
		}
		return p
	}
	switch f.Op {
	case FilterPr:
		return "(" + c.expr + " IS NOT NULL AND " + c.expr + " <> '')", nil
	case FilterEq:
		return "(" + col + " = " + ph(val) + ")", nil
	case FilterNe:
		return "(" + col + " IS DISTINCT FROM " + ph(val) + ")", nil
	case FilterCo:
		return "(" + col + " LIKE " + ph("%"+store.EscapeLike(val)+"%") + ")", nil
	case FilterSw:
		return "(" + col + " LIKE " + ph(store.EscapeLike(val)+"%") + ")", nil
	case FilterEw:
		return "(" + col + " LIKE " + ph("%"+store.EscapeLike(val)) + ")", nil
	}
	return "", fmt.Errorf("%w: operator %q", ErrUnsupportedFilter, f.Op)
}

// checkExternalID validates an external id (1 to 256 characters).
func checkExternalID(v *store.ValidationError, pointer string, s *string) {
	if s != nil && (*s == "" || utf8.RuneCountInString(*s) > 256) {
		v.Add(pointer, "must be 1 to 256 characters")
	}
}

// offsetPage is one page of a SCIM list (offset-paged, as SCIM's startIndex is): cols of
// from (a FROM … WHERE clause), narrowed by q's filter over columns, in order, and how many
// rows the filter selects in all.
func offsetPage[T any](t *store.Tx, q ProvisionQuery, cols, from string, columns map[string]filterColumn, order string) ([]T, int, error) {
	var args store.Args
	if q.Filter != nil {
		cond, err := filterSQL(q.Filter, columns, &args)
		if err != nil {
			return nil, 0, err
		}
		from += ` AND ` + cond
	}
	total := 0
	if err := t.QueryRow(`SELECT count(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if q.Limit <= 0 || q.Offset >= total {
		return []T{}, total, nil
	}
	sql := `SELECT ` + cols + from + ` ORDER BY ` + order + ` LIMIT ` + args.Add(q.Limit) + ` OFFSET ` + args.Add(q.Offset)
	out, err := store.QuerySQL[T](t, sql, args, q.Limit)
	return out, total, err
}
