package server_test

// The resource adapter of the end-to-end tests (see e2e_helpers_test.go): cohorts and
// assessments behind one interface so envelope behaviour can be tested table-driven over
// both, and the check of the server stamps of a new record.

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/typeid"
)

// e2eRec is the envelope (plus name) of a cohort or an assessment.
type e2eRec struct {
	ID, TenantID         string
	AppID                *string
	CreatedAt, UpdatedAt time.Time
	CreatedBy, UpdatedBy *string
	Source               string
	SourceType           string
	IsDeleted            bool
	DeletedAt            *time.Time
	DeletedBy            *string
	SchemaVersion        int
	Version              int
	Name                 string
}

func e2eCohortRec(c *client.Cohort) e2eRec {
	r := e2eRec{ID: c.Id, TenantID: c.TenantId, AppID: c.AppId, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		CreatedBy: c.CreatedBy, UpdatedBy: c.UpdatedBy, Source: c.Source, SourceType: string(c.SourceType),
		IsDeleted: c.IsDeleted, SchemaVersion: c.SchemaVersion, Version: c.Version, Name: c.Name}
	if v, err := c.DeletedAt.Get(); err == nil {
		r.DeletedAt = &v
	}
	if v, err := c.DeletedBy.Get(); err == nil {
		r.DeletedBy = &v
	}
	return r
}

func e2eAssessmentRec(a *client.Assessment) e2eRec {
	r := e2eRec{ID: a.Id, TenantID: a.TenantId, AppID: a.AppId, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
		CreatedBy: a.CreatedBy, UpdatedBy: a.UpdatedBy, Source: a.Source, SourceType: string(a.SourceType),
		IsDeleted: a.IsDeleted, SchemaVersion: a.SchemaVersion, Version: a.Version, Name: a.Name}
	if v, err := a.DeletedAt.Get(); err == nil {
		r.DeletedAt = &v
	}
	if v, err := a.DeletedBy.Get(); err == nil {
		r.DeletedBy = &v
	}
	return r
}

// e2eResource adapts the SDK of one envelope resource to rec, so the envelope rules can be
// tested once for cohorts and assessments.
type e2eResource struct {
	name   string // "cohorts", "assessments"
	prefix string // "coh", "asm"
	table  string
	create func(ctx context.Context, c *sdk.Client, name string) (e2eRec, error)
	get    func(ctx context.Context, c *sdk.Client, id string, showDeleted bool) (e2eRec, error)
	list   func(ctx context.Context, c *sdk.Client, showDeleted bool) ([]e2eRec, error)
	update func(ctx context.Context, c *sdk.Client, id string, e2eIfMatch *string, bodyVersion *int, name string) (e2eRec, error)
	delete func(ctx context.Context, c *sdk.Client, id string, e2eIfMatch *string) (e2eRec, error)
	// restore takes an optional If-Match.
	restore func(ctx context.Context, c *sdk.Client, id string, e2eIfMatch *string) (e2eRec, error)
}

func e2eShowDel(b bool) *bool {
	if !b {
		return nil
	}
	return e2ePtr(true)
}

var e2eCohorts = e2eResource{
	name: "cohorts", prefix: typeid.Cohort, table: "cohorts",
	create: func(ctx context.Context, c *sdk.Client, name string) (e2eRec, error) {
		out, err := c.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: name})
		if err != nil {
			return e2eRec{}, err
		}
		return e2eCohortRec(out), nil
	},
	get: func(ctx context.Context, c *sdk.Client, id string, sd bool) (e2eRec, error) {
		out, err := c.Learning.Cohorts.Get(ctx, id, &client.GetCohortParams{ShowDeleted: e2eShowDel(sd)})
		if err != nil {
			return e2eRec{}, err
		}
		return e2eCohortRec(out), nil
	},
	list: func(ctx context.Context, c *sdk.Client, sd bool) ([]e2eRec, error) {
		var out []e2eRec
		for item, err := range c.Learning.Cohorts.All(ctx, &client.ListCohortsParams{PageSize: e2ePtr(100), ShowDeleted: e2eShowDel(sd)}) {
			if err != nil {
				return nil, err
			}
			out = append(out, e2eCohortRec(&item))
		}
		return out, nil
	},
	update: func(ctx context.Context, c *sdk.Client, id string, im *string, bv *int, name string) (e2eRec, error) {
		out, err := c.Learning.Cohorts.Update(ctx, id, &client.UpdateCohortParams{IfMatch: im}, client.CohortPatch{Name: &name, Version: bv})
		if err != nil {
			return e2eRec{}, err
		}
		return e2eCohortRec(out), nil
	},
	delete: func(ctx context.Context, c *sdk.Client, id string, im *string) (e2eRec, error) {
		out, err := c.Learning.Cohorts.Delete(ctx, id, &client.DeleteCohortParams{IfMatch: im})
		if err != nil {
			return e2eRec{}, err
		}
		return e2eCohortRec(out), nil
	},
	restore: func(ctx context.Context, c *sdk.Client, id string, im *string) (e2eRec, error) {
		out, err := c.Learning.Cohorts.Restore(ctx, id, &client.RestoreCohortParams{IfMatch: im})
		if err != nil {
			return e2eRec{}, err
		}
		return e2eCohortRec(out), nil
	},
}

var e2eAssessments = e2eResource{
	name: "assessments", prefix: typeid.Assessment, table: "assessments",
	create: func(ctx context.Context, c *sdk.Client, name string) (e2eRec, error) {
		out, err := c.Learning.Assessments.Create(ctx, nil, client.AssessmentCreate{Kind: client.AssessmentKindGeneral, Name: name})
		if err != nil {
			return e2eRec{}, err
		}
		return e2eAssessmentRec(out), nil
	},
	get: func(ctx context.Context, c *sdk.Client, id string, sd bool) (e2eRec, error) {
		out, err := c.Learning.Assessments.Get(ctx, id, &client.GetAssessmentParams{ShowDeleted: e2eShowDel(sd)})
		if err != nil {
			return e2eRec{}, err
		}
		return e2eAssessmentRec(out), nil
	},
	list: func(ctx context.Context, c *sdk.Client, sd bool) ([]e2eRec, error) {
		var out []e2eRec
		for item, err := range c.Learning.Assessments.All(ctx, &client.ListAssessmentsParams{PageSize: e2ePtr(100), ShowDeleted: e2eShowDel(sd)}) {
			if err != nil {
				return nil, err
			}
			out = append(out, e2eAssessmentRec(&item))
		}
		return out, nil
	},
	update: func(ctx context.Context, c *sdk.Client, id string, im *string, bv *int, name string) (e2eRec, error) {
		out, err := c.Learning.Assessments.Update(ctx, id, &client.UpdateAssessmentParams{IfMatch: im}, client.AssessmentPatch{Name: &name, Version: bv})
		if err != nil {
			return e2eRec{}, err
		}
		return e2eAssessmentRec(out), nil
	},
	delete: func(ctx context.Context, c *sdk.Client, id string, im *string) (e2eRec, error) {
		out, err := c.Learning.Assessments.Delete(ctx, id, &client.DeleteAssessmentParams{IfMatch: im})
		if err != nil {
			return e2eRec{}, err
		}
		return e2eAssessmentRec(out), nil
	},
	restore: func(ctx context.Context, c *sdk.Client, id string, im *string) (e2eRec, error) {
		out, err := c.Learning.Assessments.Restore(ctx, id, &client.RestoreAssessmentParams{IfMatch: im})
		if err != nil {
			return e2eRec{}, err
		}
		return e2eAssessmentRec(out), nil
	},
}

var e2eResources = []e2eResource{e2eCohorts, e2eAssessments}

func e2eIDs(rs []e2eRec) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

func e2eContainsID(rs []e2eRec, id string) bool {
	for _, r := range rs {
		if r.ID == id {
			return true
		}
	}
	return false
}

// e2eCheckStamps asserts the server stamps of a freshly created record.
func e2eCheckStamps(t *testing.T, r e2eRec, prefix, tenant, sub, appID string) {
	t.Helper()
	if !strings.HasPrefix(r.ID, prefix+"_") {
		t.Errorf("id %q lacks prefix %s_", r.ID, prefix)
	} else if _, err := typeid.Parse(prefix, r.ID); err != nil {
		t.Errorf("id %q: %v", r.ID, err)
	}
	if r.TenantID != tenant {
		t.Errorf("tenant_id %q, want %q", r.TenantID, tenant)
	}
	switch {
	case appID == "" && r.AppID != nil:
		t.Errorf("app_id %q stamped for a human token", *r.AppID)
	case appID != "" && (r.AppID == nil || *r.AppID != appID):
		t.Errorf("app_id %v, want %q", r.AppID, appID)
	}
	if r.CreatedBy == nil || *r.CreatedBy != sub {
		t.Errorf("created_by %v, want %s", r.CreatedBy, sub)
	}
	if r.UpdatedBy == nil || *r.UpdatedBy != sub {
		t.Errorf("updated_by %v, want %s", r.UpdatedBy, sub)
	}
	if !e2eNear(r.CreatedAt, time.Minute) {
		t.Errorf("created_at %s is not now", r.CreatedAt)
	}
	if !r.UpdatedAt.Equal(r.CreatedAt) {
		t.Errorf("updated_at %s != created_at %s on a new record", r.UpdatedAt, r.CreatedAt)
	}
	if r.Version != 1 || r.SchemaVersion != 1 {
		t.Errorf("version %d schema_version %d, want 1 and 1", r.Version, r.SchemaVersion)
	}
	if r.IsDeleted || r.DeletedAt != nil || r.DeletedBy != nil {
		t.Errorf("new record has deletion stamps: %v %v %v", r.IsDeleted, r.DeletedAt, r.DeletedBy)
	}
}
