package server

import (
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/learning"
	"github.com/learnd/learnd/typeid"
)

// toAPICohort converts a stored cohort to its API representation.
func toAPICohort(c *learning.Cohort) api.Cohort {
	e := toAPIEnvelope(typeid.Cohort, &c.Envelope)
	return api.Cohort{
		Id: e.ID, TenantId: e.TenantID, AppId: e.AppID,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt, CreatedBy: e.CreatedBy, UpdatedBy: e.UpdatedBy,
		Source: c.Source, SourceType: api.SourceType(c.SourceType),
		IsDeleted: e.IsDeleted, DeletedAt: e.DeletedAt, DeletedBy: e.DeletedBy,
		SchemaVersion: c.SchemaVersion, Version: c.Version,

		GroupId:               idOut(typeid.Group, c.GroupID),
		ProgramId:             c.ProgramID,
		Name:                  c.Name,
		StartDate:             c.StartDate,
		EndDate:               c.EndDate,
		Status:                api.CohortStatus(c.Status),
		SessionCount:          c.SessionCount,
		FacilitatorIds:        c.FacilitatorIDs.V,
		AssignedAssessmentIds: c.AssignedAssessmentIDs.V,
		CompletionRequiredPct: c.CompletionRequiredPct,
		CurrentCompletionPct:  c.CurrentCompletionPct,
		Metadata:              c.Metadata.V,
		Tags:                  c.Tags.V,
	}
}

// toModelCohort converts a create body (or a merged patch) to a cohort to store. Server-
// stamped members of the body are ignored.
func toModelCohort(in api.CohortCreate) (learning.Cohort, error) {
	var v store.ValidationError
	c := learning.Cohort{
		GroupID:               idIn(typeid.Group, (*string)(in.GroupId), "/group_id", &v),
		ProgramID:             in.ProgramId,
		Name:                  in.Name,
		StartDate:             in.StartDate,
		EndDate:               in.EndDate,
		Status:                string(deref(in.Status)),
		SessionCount:          in.SessionCount,
		FacilitatorIDs:        store.JSON[[]string]{V: idsIn(typeid.Person, (*[]string)(in.FacilitatorIds), "/facilitator_ids", &v)},
		AssignedAssessmentIDs: store.JSON[[]string]{V: idsIn(typeid.Assessment, (*[]string)(in.AssignedAssessmentIds), "/assigned_assessment_ids", &v)},
		CompletionRequiredPct: in.CompletionRequiredPct,
		Metadata:              store.JSON[map[string]any]{V: deref(in.Metadata)},
		Tags:                  store.JSON[[]string]{V: orEmpty(in.Tags)},
	}
	c.Source = deref(in.Source)
	c.SourceType = string(deref(in.SourceType))
	if len(v.Fields) > 0 {
		return c, &v
	}
	return c, nil
}
