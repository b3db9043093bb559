package server

import (
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/typeid"
)

func cohortResource(st *store.Store) resource[store.Cohort, api.Cohort, api.CohortCreate] {
	return resource[store.Cohort, api.Cohort, api.CohortCreate]{
		what: "cohort", prefix: typeid.Cohort, path: "/api/v1/learning/cohorts",
		store: st.Cohorts, toAPI: toAPICohort, toModel: toModelCohort,
		version: func(c *store.Cohort) int { return c.Version },
	}
}

func assessmentResource(st *store.Store) resource[store.Assessment, api.Assessment, api.AssessmentCreate] {
	return resource[store.Assessment, api.Assessment, api.AssessmentCreate]{
		what: "assessment", prefix: typeid.Assessment, path: "/api/v1/learning/assessments",
		store: st.Assessments, toAPI: toAPIAssessment, toModel: toModelAssessment,
		version: func(a *store.Assessment) int { return a.Version },
	}
}
