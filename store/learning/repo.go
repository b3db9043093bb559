// Package learning is the v1 learning resources: cohorts (with their computed completion)
// and assessments with learners' responses and scoring. They share one generic repository
// over the record envelope (tenant, application, version, soft delete, audit) and one
// list machinery (filters, orderings, keyset cursors).
package learning

import "github.com/learnd/learnd/store"

// Repo is the learning domain over one store.
type Repo struct {
	Cohorts     *CohortRepo
	Assessments *AssessmentRepo
}

// New returns the learning domain of st.
func New(st *store.Store) *Repo {
	return &Repo{
		Cohorts:     &CohortRepo{repo: newRepo[Cohort](st, cohortTable)},
		Assessments: &AssessmentRepo{repo: newRepo[Assessment](st, assessmentTable)},
	}
}
