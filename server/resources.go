package server

import (
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

func cohortResource(l *learning.Repo) resource[learning.Cohort, api.Cohort, api.CohortCreate] {
	return resource[learning.Cohort, api.Cohort, api.CohortCreate]{
		what: "cohort", prefix: typeid.Cohort, path: "/api/v1/learning/cohorts",
		store: l.Cohorts, toAPI: toAPICohort, toModel: toModelCohort,
		version: func(c *learning.Cohort) int { return c.Version },
	}
}

func assessmentResource(l *learning.Repo) resource[learning.Assessment, api.Assessment, api.AssessmentCreate] {
	return resource[learning.Assessment, api.Assessment, api.AssessmentCreate]{
		what: "assessment", prefix: typeid.Assessment, path: "/api/v1/learning/assessments",
		store: l.Assessments, toAPI: toAPIAssessment, toModel: toModelAssessment,
		version: func(a *learning.Assessment) int { return a.Version },
	}
}
