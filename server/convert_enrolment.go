package server

import (
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/enrolment"
	"github.com/learnd/learnd/typeid"
)

// toModelEnrolmentRule reads a rule body; malformed ids are field errors.
func toModelEnrolmentRule(b *api.EnrolmentRuleWrite) (enrolment.RuleInput, *store.ValidationError) {
	v := &store.ValidationError{}
	in := enrolment.RuleInput{Name: b.Name, DueInDays: b.DueInDays, Enabled: b.Enabled == nil || *b.Enabled,
		CourseIDs: bodyIDs(typeid.Course, orEmpty(b.CourseIds), "/courseIds", v),
		ChainIDs:  bodyIDs(typeid.Chain, orEmpty(b.ChainIds), "/chainIds", v)}
	for _, c := range b.Conditions {
		in.Conditions = append(in.Conditions, enrolment.Condition{Attribute: string(c.Attribute), Op: string(c.Op),
			Value: deref(c.Value), Values: orNil(c.Values)})
	}
	return in, v
}

// orNil is *p, nil when p is.
func orNil[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}

// toAPIEnrolmentRule converts a rule.
func toAPIEnrolmentRule(r *enrolment.Rule) api.EnrolmentRule {
	out := api.EnrolmentRule{Id: typeid.Format(typeid.EnrolmentRule, r.ID), Name: r.Name, DueInDays: r.DueInDays, Enabled: r.Enabled,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version,
		Conditions: make([]api.EnrolmentCondition, len(r.Conditions)),
		CourseIds:  make([]api.CourseID, len(r.CourseIDs)), ChainIds: make([]api.ChainID, len(r.ChainIDs))}
	for i, c := range r.Conditions {
		ac := api.EnrolmentCondition{Attribute: api.EnrolmentConditionAttribute(c.Attribute), Op: api.EnrolmentConditionOp(c.Op)}
		if c.Op == enrolment.OpIn {
			ac.Values = ptr(c.Values)
		} else {
			ac.Value = ptr(c.Value)
		}
		out.Conditions[i] = ac
	}
	for i, id := range r.CourseIDs {
		out.CourseIds[i] = typeid.Format(typeid.Course, id)
	}
	for i, id := range r.ChainIDs {
		out.ChainIds[i] = typeid.Format(typeid.Chain, id)
	}
	return out
}

// toAPIEnrolmentRules converts a page of rules.
func toAPIEnrolmentRules(rs []enrolment.Rule) []api.EnrolmentRule {
	out := make([]api.EnrolmentRule, len(rs))
	for i := range rs {
		out[i] = toAPIEnrolmentRule(&rs[i])
	}
	return out
}

// toAPIEnrolmentApplied converts a written rule and its back-fill.
func toAPIEnrolmentApplied(c enrolment.Created, dry bool) api.EnrolmentRuleApplied {
	b := c.Backfill
	return api.EnrolmentRuleApplied{Rule: toAPIEnrolmentRule(c.Rule), DryRun: dry, Backfill: api.EnrolmentBackfill{
		Matched: b.Matched, AssignedCount: b.AssignedCount, SkippedCount: b.SkippedCount, Truncated: b.Truncated,
		Assigned: toAPIEnrolmentOutcomes(b.Assigned), Skipped: toAPIEnrolmentOutcomes(b.Skipped)}}
}

func toAPIEnrolmentOutcomes(os []enrolment.Outcome) []api.EnrolmentOutcome {
	out := make([]api.EnrolmentOutcome, len(os))
	for i, o := range os {
		out[i] = api.EnrolmentOutcome{UserId: typeid.Format(typeid.Person, o.UserID), UserName: o.UserName,
			CourseId: typeid.Format(typeid.Course, o.CourseID), ChainId: idOut(typeid.Chain, o.ChainID), DueAt: o.DueAt}
		if o.Reason != "" {
			out[i].Reason = ptr(api.EnrolmentOutcomeReason(o.Reason))
		}
	}
	return out
}
