package people

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/learnd/learnd/store"
)

// TenantSettings are the settings owners and admins change for their tenant
// (tenant_settings; a tenant without a row has the defaults: everything off).
type TenantSettings struct {
	// OverdueEscalationDays: mail a learner's manager this many days after a missed
	// deadline (store/assignments escalation.go); nil: off.
	OverdueEscalationDays *int `json:"overdueEscalationDays,omitempty"`
}

// TenantSettingsChange is a merge patch of the tenant's settings.
type TenantSettingsChange struct {
	OverdueEscalationDays  *int
	ClearOverdueEscalation bool
}

// MaxOverdueEscalationDays bounds the tenant's overdue escalation.
const MaxOverdueEscalationDays = 365

func readTenantSettings(t *store.Tx) (TenantSettings, error) {
	var s TenantSettings
	err := t.QueryRow(`SELECT overdue_escalation_days FROM tenant_settings WHERE tenant_id = learnd_tenant()`).Scan(&s.OverdueEscalationDays)
	if errors.Is(err, pgx.ErrNoRows) {
		return TenantSettings{}, nil
	}
	return s, err
}

// Settings reads the caller's tenant's settings.
func (r *TenantRepo) Settings(ctx context.Context) (TenantSettings, error) {
	var out TenantSettings
	err := r.st.Read(ctx, func(t *store.Tx) error {
		var err error
		out, err = readTenantSettings(t)
		return err
	})
	if err != nil {
		return TenantSettings{}, fmt.Errorf("tenant settings: %w", err)
	}
	return out, nil
}

// UpdateSettings applies a merge patch to the caller's tenant's settings, audited
// (tenant.settings.update, before and after). Out-of-range values are validation errors.
func (r *TenantRepo) UpdateSettings(ctx context.Context, ch TenantSettingsChange) (TenantSettings, error) {
	if d := ch.OverdueEscalationDays; d != nil && (*d < 1 || *d > MaxOverdueEscalationDays) {
		return TenantSettings{}, &store.ValidationError{Fields: []store.FieldError{{Pointer: "/overdueEscalationDays", Detail: "must be 1–365"}}}
	}
	var out TenantSettings
	err := r.st.InTenant(ctx, func(t *store.Tx) error {
		before, err := readTenantSettings(t)
		if err != nil {
			return err
		}
		out = before
		if ch.ClearOverdueEscalation {
			out.OverdueEscalationDays = nil
		} else if ch.OverdueEscalationDays != nil {
			d := *ch.OverdueEscalationDays
			out.OverdueEscalationDays = &d
		}
		if _, err := t.Exec(`INSERT INTO tenant_settings (tenant_id, overdue_escalation_days, updated_at) VALUES ($1, $2, $3)
ON CONFLICT (tenant_id) DO UPDATE SET overdue_escalation_days = EXCLUDED.overdue_escalation_days, updated_at = EXCLUDED.updated_at`,
			t.Caller().TenantID, out.OverdueEscalationDays, store.Now()); err != nil {
			return err
		}
		return t.Audit("tenant.settings.update", "tenant", t.Caller().TenantID, before, out)
	})
	if err != nil {
		return TenantSettings{}, fmt.Errorf("update tenant settings: %w", err)
	}
	return out, nil
}
