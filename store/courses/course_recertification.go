package courses

import "github.com/learnd/learnd/store"

// Recertification and overdue escalation settings (issue 13 parts 3 and 4). The periodic
// sweep that acts on them is store/assignments (recertification.go, escalation.go).

// Recertification says a course's certificates are renewed: they expire EveryMonths after
// issue (instead of certificateValidityMonths), and ReassignDaysBefore days before a
// certificate expires the learner is assigned the course again.
type Recertification struct {
	EveryMonths        int `json:"everyMonths"`
	ReassignDaysBefore int `json:"reassignDaysBefore"`
}

// Bounds of the renewal settings.
const (
	MaxRecertificationMonths = 120
	MaxReassignDaysBefore    = 365
	MaxOverdueEscalationDays = 365
	// shortestMonthDays: the re-assign window must be shorter than the period, counted
	// with its shortest months.
	shortestMonthDays = 28
)

// validateRenewal checks the recertification and escalation settings.
func validateRenewal(v *store.ValidationError, prefix string, s CourseSettings) {
	if r := s.Recertification; r != nil {
		p := prefix + "/settings/recertification"
		if r.EveryMonths < 1 || r.EveryMonths > MaxRecertificationMonths {
			v.Add(p+"/everyMonths", "must be 1–120")
		}
		switch {
		case r.ReassignDaysBefore < 1 || r.ReassignDaysBefore > MaxReassignDaysBefore:
			v.Add(p+"/reassignDaysBefore", "must be 1–365")
		case r.EveryMonths >= 1 && r.ReassignDaysBefore >= r.EveryMonths*shortestMonthDays:
			v.Add(p+"/reassignDaysBefore", "must be shorter than the period (everyMonths × 28 days)")
		}
	}
	if d := s.OverdueEscalationDays; d != nil && (*d < 1 || *d > MaxOverdueEscalationDays) {
		v.Add(prefix+"/settings/overdueEscalationDays", "must be 1–365")
	}
}

// applyRenewal merges the renewal members of a settings patch into s.
func applyRenewal(s *CourseSettings, ch *CourseSettingsChange) {
	if ch.ClearRecertification {
		s.Recertification = nil
	} else if ch.Recertification != nil {
		r := *ch.Recertification
		s.Recertification = &r
	}
	if ch.ClearOverdueEscalation {
		s.OverdueEscalationDays = nil
	} else if ch.OverdueEscalationDays != nil {
		d := *ch.OverdueEscalationDays
		s.OverdueEscalationDays = &d
	}
}

// cloneRenewal gives s renewal settings of its own (a clone shares no pointers).
func cloneRenewal(s CourseSettings) CourseSettings {
	if s.Recertification != nil {
		r := *s.Recertification
		s.Recertification = &r
	}
	if s.OverdueEscalationDays != nil {
		d := *s.OverdueEscalationDays
		s.OverdueEscalationDays = &d
	}
	return s
}
