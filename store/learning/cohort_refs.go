package learning

import (
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

// cohortRefs queues, in the write's pipeline and as one statement, the check that a cohort's
// references name records of the caller's tenant: its group, its facilitators (users)
// and its assessments (live ones the caller can see; row-level security keeps another
// application's out). Foreign keys cannot say this for
// the two id lists (they are JSON arrays), and the group's key sees past row-level
// security; a missing one is a 422 naming the field and the id. On an update (before not
// nil) only the references it adds are checked. The check is the SQL function
// learnd_cohort_refs (migration 00075: planned once per connection, not once per write).
func cohortRefs(b *pgx.Batch, before, c *Cohort, v *store.ValidationError) {
	group, people, assessments, ok := cohortRefArgs(before, c, v)
	if !ok {
		return
	}
	b.Queue(`SELECT group_ok, missing_people, missing_assessments FROM learnd_cohort_refs($1, $2, $3)`,
		group, people, assessments).QueryRow(func(row pgx.Row) error {
		var (
			groupOK                    bool
			missingPeople, missingAsms []uuid.UUID
		)
		if err := row.Scan(&groupOK, &missingPeople, &missingAsms); err != nil {
			return fmt.Errorf("cohort references: %w", err)
		}
		if !groupOK {
			v.Add("/group_id", "no such group")
		}
		for _, id := range missingPeople {
			v.Add("/facilitator_ids", "no such user: %s", typeid.Format(typeid.Person, id))
		}
		for _, id := range missingAsms {
			v.Add("/assigned_assessment_ids", "no such assessment: %s", typeid.Format(typeid.Assessment, id))
		}
		return nil
	})
}

// cohortRefsCond is cohortRefs as the condition of a create's INSERT: learnd_cohort_refs's
// three checks, written into the statement (a PL/pgSQL call there costs ~25 µs more per
// create; the INSERT keeps its generic plan, unlike the check as a statement of its own).
// Whether a missing reference is found here and named by cohortRefs is proved alike by
// the reference tests (e2e_cohort_refs_test.go).
func cohortRefsCond(c *Cohort, args *store.Args, v *store.ValidationError) string {
	group, people, assessments, ok := cohortRefArgs(nil, c, v)
	if !ok {
		return ""
	}
	return strings.NewReplacer("{group}", args.Add(group), "{people}", args.Add(people), "{assessments}", args.Add(assessments)).Replace(cohortRefsFound)
}

// cohortRefsFound holds when every reference is found (as learnd_cohort_refs, 00075).
const cohortRefsFound = `({group}::uuid IS NULL OR EXISTS (SELECT 1 FROM groups WHERE tenant_id = learnd_tenant() AND id = {group}::uuid))
  AND NOT EXISTS (SELECT 1 FROM unnest({people}::uuid[]) AS x WHERE NOT EXISTS (SELECT 1 FROM users WHERE tenant_id = learnd_tenant() AND id = x))
  AND NOT EXISTS (SELECT 1 FROM unnest({assessments}::uuid[]) AS x WHERE NOT EXISTS (SELECT 1 FROM assessments
    WHERE tenant_id = learnd_tenant() AND id = x AND NOT is_deleted))`

// cohortRefArgs are the references of c to check (those it adds to before, on an
// update): its group (nil: none), facilitators and assessments; false when there are
// none, or when an id is malformed (said in v).
func cohortRefArgs(before, c *Cohort, v *store.ValidationError) (*uuid.UUID, []uuid.UUID, []uuid.UUID, bool) {
	people := refIDs(typeid.Person, added(before, c, func(c *Cohort) []string { return c.FacilitatorIDs.V }), "/facilitator_ids", v)
	assessments := refIDs(typeid.Assessment, added(before, c, func(c *Cohort) []string { return c.AssignedAssessmentIDs.V }), "/assigned_assessment_ids", v)
	group := c.GroupID
	if before != nil && before.GroupID != nil && group != nil && *before.GroupID == *group {
		group = nil // kept
	}
	if len(v.Fields) > 0 || (group == nil && len(people) == 0 && len(assessments) == 0) {
		return nil, nil, nil, false
	}
	return group, people, assessments, true
}

// refIDs parses canonical ids of one kind (the API layer has checked their form).
func refIDs(prefix string, ids []string, pointer string, v *store.ValidationError) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ids))
	for _, s := range ids {
		id, err := typeid.Parse(prefix, s)
		if err != nil {
			v.Add(pointer, "not a %s id: %s", prefix, s)
			continue
		}
		out = append(out, id)
	}
	return out
}

// added returns the ids of list(c) that list(before) does not hold (all of them when before
// is nil: a create).
func added(before, c *Cohort, list func(*Cohort) []string) []string {
	if before == nil {
		return list(c)
	}
	had := make(map[string]bool, len(list(before)))
	for _, id := range list(before) {
		had[id] = true
	}
	var out []string
	for _, id := range list(c) {
		if !had[id] {
			out = append(out, id)
		}
	}
	return out
}
