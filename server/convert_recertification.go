package server

import (
	"github.com/learnd/learnd/gen/api"
	"github.com/learnd/learnd/store/assignments"
	"github.com/learnd/learnd/store/courses"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

// Converters of recertification and overdue escalation (issue 13 parts 3 and 4).

func toAPIRecertification(r *courses.Recertification) *api.Recertification {
	if r == nil {
		return nil
	}
	return &api.Recertification{EveryMonths: r.EveryMonths, ReassignDaysBefore: r.ReassignDaysBefore}
}

func toModelRecertification(r api.RecertificationInput) *courses.Recertification {
	return &courses.Recertification{EveryMonths: r.EveryMonths, ReassignDaysBefore: r.ReassignDaysBefore}
}

// toModelRenewalChange fills the renewal members of a settings patch from its input.
func toModelRenewalChange(ch *courses.CourseSettingsChange, in *api.CourseSettingsInput) {
	if in.Recertification.IsSpecified() {
		if in.Recertification.IsNull() {
			ch.ClearRecertification = true
		} else {
			ch.Recertification = toModelRecertification(in.Recertification.MustGet())
		}
	}
	if in.OverdueEscalationDays.IsSpecified() {
		if in.OverdueEscalationDays.IsNull() {
			ch.ClearOverdueEscalation = true
		} else {
			ch.OverdueEscalationDays = ptr(in.OverdueEscalationDays.MustGet())
		}
	}
}

func toAPIRecertificationDue(c *assignments.DueCertificate) api.RecertificationDue {
	return api.RecertificationDue{
		Id:           typeid.Format(typeid.Certificate, c.ID),
		Number:       c.Number,
		UserId:       typeid.Format(typeid.Person, c.UserID),
		UserName:     c.UserName,
		CourseId:     typeid.Format(typeid.Course, c.CourseID),
		CourseName:   c.CourseName,
		IssuedAt:     c.IssuedAt,
		ExpiresAt:    *c.ExpiresAt,
		Expired:      c.Expired,
		ReassignAt:   c.ReassignAt,
		ReassignedAt: c.ReassignedAt,
	}
}

func toAPITenantSettings(s people.TenantSettings) api.TenantSettings {
	return api.TenantSettings{OverdueEscalationDays: s.OverdueEscalationDays}
}

func toModelTenantSettingsChange(in api.TenantSettingsPatch) people.TenantSettingsChange {
	var ch people.TenantSettingsChange
	if in.OverdueEscalationDays.IsSpecified() {
		if in.OverdueEscalationDays.IsNull() {
			ch.ClearOverdueEscalation = true
		} else {
			ch.OverdueEscalationDays = ptr(in.OverdueEscalationDays.MustGet())
		}
	}
	return ch
}
