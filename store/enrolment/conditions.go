package enrolment

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// Condition operators.
const (
	OpEq = "eq" // the attribute equals Value
	OpNe = "ne" // the attribute is missing or differs from Value
	OpIn = "in" // the attribute equals one of Values
)

// Limits of a rule.
const (
	maxConditions = 20
	maxValues     = 50
	maxValueLen   = 200
	maxCourses    = 50
	maxChains     = 20
	maxDueInDays  = 3650
)

// Condition compares one of a user's attributes (people.UserAttributeKeys) with a value.
// Values compare case-insensitively, surrounding spaces ignored. A rule's conditions must
// all hold.
type Condition struct {
	Attribute string   `json:"attribute"`
	Op        string   `json:"op"`
	Value     string   `json:"value,omitempty"`
	Values    []string `json:"values,omitempty"`
}

// holds reports whether the condition holds for attrs.
func (c Condition) holds(attrs map[string]string) bool {
	got, ok := attrs[c.Attribute]
	same := func(v string) bool { return ok && strings.EqualFold(strings.TrimSpace(got), strings.TrimSpace(v)) }
	switch c.Op {
	case OpEq:
		return same(c.Value)
	case OpNe:
		return !same(c.Value)
	case OpIn:
		return slices.ContainsFunc(c.Values, same)
	}
	return false
}

// Matches reports whether every condition holds for a user's attributes.
func Matches(conds []Condition, attrs map[string]string) bool {
	for _, c := range conds {
		if !c.holds(attrs) {
			return false
		}
	}
	return len(conds) > 0
}

// checkValue records an error when a compared value is empty or too long.
func checkValue(v *store.ValidationError, pointer, s string) {
	switch n := utf8.RuneCountInString(strings.TrimSpace(s)); {
	case n == 0:
		v.Add(pointer, "must not be empty")
	case n > maxValueLen:
		v.Add(pointer, "must be at most %d characters", maxValueLen)
	}
}

// checkConditions records a field error per malformed condition.
func checkConditions(v *store.ValidationError, conds []Condition) {
	switch {
	case len(conds) == 0:
		v.Add("/conditions", "must hold at least one condition")
	case len(conds) > maxConditions:
		v.Add("/conditions", "must hold at most %d conditions", maxConditions)
	}
	for i, c := range conds {
		at := "/conditions/" + strconv.Itoa(i)
		if !slices.Contains(people.UserAttributeKeys, c.Attribute) {
			v.Add(at+"/attribute", "must be one of %s", strings.Join(people.UserAttributeKeys, ", "))
		}
		switch c.Op {
		case OpEq, OpNe:
			checkValue(v, at+"/value", c.Value)
			if c.Values != nil {
				v.Add(at+"/values", "only the in operator takes values")
			}
		case OpIn:
			if c.Value != "" {
				v.Add(at+"/value", "the in operator takes values, not value")
			}
			if len(c.Values) == 0 || len(c.Values) > maxValues {
				v.Add(at+"/values", "must hold 1 to %d values", maxValues)
			}
			for j, s := range c.Values {
				checkValue(v, at+"/values/"+strconv.Itoa(j), s)
			}
		default:
			v.Add(at+"/op", "must be eq, ne or in")
		}
	}
}

// check validates and normalises a rule: its name, conditions, due days and targets
// (live, published courses and live chains of published courses of the tenant).
func (r *Repo) check(t *store.Tx, in *RuleInput) error {
	v := &store.ValidationError{}
	in.Name = strings.TrimSpace(in.Name)
	if n := utf8.RuneCountInString(in.Name); n == 0 || n > 200 {
		v.Add("/name", "must be 1 to 200 characters")
	}
	checkConditions(v, in.Conditions)
	if in.DueInDays < 1 || in.DueInDays > maxDueInDays {
		v.Add("/dueInDays", "must be between 1 and %d", maxDueInDays)
	}
	in.CourseIDs, in.ChainIDs = orEmpty(in.CourseIDs), orEmpty(in.ChainIDs)
	switch {
	case len(in.CourseIDs)+len(in.ChainIDs) == 0:
		v.Add("/courseIds", "a rule assigns at least one course or chain")
	case len(in.CourseIDs) > maxCourses:
		v.Add("/courseIds", "must hold at most %d courses", maxCourses)
	case len(in.ChainIDs) > maxChains:
		v.Add("/chainIds", "must hold at most %d chains", maxChains)
	}
	if err := v.Err(); err != nil {
		return err
	}
	courses, chains, err := r.assignments.RuleCourses(t.Ctx(), in.CourseIDs, in.ChainIDs)
	if err != nil {
		return err
	}
	index := map[uuid.UUID]int{}
	for i, id := range in.CourseIDs {
		index[id] = i
	}
	chainAt := map[uuid.UUID]int{}
	for i, id := range in.ChainIDs {
		chainAt[id] = i
	}
	for _, ch := range chains {
		if !ch.Exists {
			v.Add("/chainIds/"+strconv.Itoa(chainAt[ch.ChainID]), "no such course chain")
		}
	}
	for _, c := range courses {
		at := "/courseIds/" + strconv.Itoa(index[c.CourseID])
		if c.ChainID != nil {
			at = "/chainIds/" + strconv.Itoa(chainAt[*c.ChainID])
		}
		switch {
		case !c.Exists && c.ChainID == nil:
			v.Add(at, "no such course")
		case !c.Exists:
			v.Add(at, "chain course %s no longer exists", typeid.Format(typeid.Course, c.CourseID))
		case !c.Published:
			v.Add(at, "course %s is not published; only published courses can be assigned", typeid.Format(typeid.Course, c.CourseID))
		}
	}
	return v.Err()
}

// orEmpty is ids without repeats, in order (never nil).
func orEmpty(ids []uuid.UUID) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
