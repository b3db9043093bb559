package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/learnd/learnd/typeid"
)

// A cohort's create body and merge patch, applied to a row (both baselines).

// cohortIn is the writable part of a cohort as a create body carries it.
type cohortIn struct {
	Name                  *string        `json:"name"`
	ProgramID             *string        `json:"program_id"`
	GroupID               *string        `json:"group_id"`
	StartDate             *time.Time     `json:"start_date"`
	EndDate               *time.Time     `json:"end_date"`
	Status                *string        `json:"status"`
	SessionCount          *int           `json:"session_count"`
	FacilitatorIDs        []string       `json:"facilitator_ids"`
	AssignedAssessmentIDs []string       `json:"assigned_assessment_ids"`
	CompletionRequiredPct *float64       `json:"completion_required_pct"`
	Metadata              map[string]any `json:"metadata"`
	Tags                  []string       `json:"tags"`
	Source                *string        `json:"source"`
	SourceType            *string        `json:"source_type"`
}

// apply sets the members of a create body on a new row.
func (c *cohortRow) apply(in cohortIn) error {
	if in.Name != nil {
		c.Name = *in.Name
	}
	c.ProgramID = in.ProgramID
	if in.GroupID != nil {
		g, err := typeid.Parse(typeid.Group, *in.GroupID)
		if err != nil {
			return errors.New("group_id must be a grp_… id")
		}
		c.GroupID = &g
	}
	c.StartDate, c.EndDate = in.StartDate, in.EndDate
	if in.Status != nil {
		c.Status = *in.Status
	}
	c.SessionCount = in.SessionCount
	if in.FacilitatorIDs != nil {
		c.FacilitatorIDs = in.FacilitatorIDs
	}
	if in.AssignedAssessmentIDs != nil {
		c.AssignedAssessmentIDs = in.AssignedAssessmentIDs
	}
	c.CompletionRequiredPct = in.CompletionRequiredPct
	if in.Metadata != nil {
		c.Metadata = in.Metadata
	}
	if in.Tags != nil {
		c.Tags = in.Tags
	}
	if in.Source != nil {
		c.Source = *in.Source
	}
	if in.SourceType != nil {
		c.SourceType = *in.SourceType
	}
	return nil
}

// merge applies the members of a merge patch that name writable fields; null clears.
func (c *cohortRow) merge(patch map[string]json.RawMessage) error {
	for k, raw := range patch {
		null := string(raw) == "null"
		var err error
		switch k {
		case "name":
			err = json.Unmarshal(raw, &c.Name)
		case "program_id":
			c.ProgramID = nil
			if !null {
				err = json.Unmarshal(raw, &c.ProgramID)
			}
		case "group_id":
			c.GroupID = nil
			if !null {
				var s string
				if err = json.Unmarshal(raw, &s); err == nil {
					var g uuid.UUID
					if g, err = typeid.Parse(typeid.Group, s); err == nil {
						c.GroupID = &g
					}
				}
			}
		case "start_date":
			c.StartDate = nil
			if !null {
				err = json.Unmarshal(raw, &c.StartDate)
			}
		case "end_date":
			c.EndDate = nil
			if !null {
				err = json.Unmarshal(raw, &c.EndDate)
			}
		case "status":
			err = json.Unmarshal(raw, &c.Status)
		case "session_count":
			c.SessionCount = nil
			if !null {
				err = json.Unmarshal(raw, &c.SessionCount)
			}
		case "completion_required_pct":
			c.CompletionRequiredPct = nil
			if !null {
				err = json.Unmarshal(raw, &c.CompletionRequiredPct)
			}
		case "facilitator_ids":
			err = json.Unmarshal(raw, &c.FacilitatorIDs)
		case "assigned_assessment_ids":
			err = json.Unmarshal(raw, &c.AssignedAssessmentIDs)
		case "metadata":
			var m map[string]any
			if err = json.Unmarshal(raw, &m); err == nil {
				for mk, mv := range m {
					if mv == nil {
						delete(c.Metadata, mk)
					} else {
						c.Metadata[mk] = mv
					}
				}
			}
		case "tags":
			err = json.Unmarshal(raw, &c.Tags)
		case "source":
			err = json.Unmarshal(raw, &c.Source)
		case "source_type":
			err = json.Unmarshal(raw, &c.SourceType)
		}
		if err != nil {
			return fmt.Errorf("%s: %v", k, err)
		}
	}
	if c.Name == "" {
		return errors.New("name must not be empty")
	}
	return nil
}
