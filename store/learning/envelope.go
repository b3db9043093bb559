package learning

import (
	"time"

	"github.com/google/uuid"
)

// Envelope is the block of fields every record carries (seed 000): identity, tenant and
// application scope, server stamps, provenance, soft delete and the optimistic version.
type Envelope struct {
	TenantID      string     `gorm:"column:tenant_id;primaryKey"`
	ID            uuid.UUID  `gorm:"column:id;primaryKey;type:uuid"`
	AppID         *string    `gorm:"column:app_id"`
	CreatedAt     time.Time  `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt     time.Time  `gorm:"column:updated_at;autoUpdateTime:false"`
	CreatedBy     *uuid.UUID `gorm:"column:created_by;type:uuid"`
	UpdatedBy     *uuid.UUID `gorm:"column:updated_by;type:uuid"`
	Source        string     `gorm:"column:source"`
	SourceType    string     `gorm:"column:source_type"`
	IsDeleted     bool       `gorm:"column:is_deleted"`
	DeletedAt     *time.Time `gorm:"column:deleted_at"`
	DeletedBy     *uuid.UUID `gorm:"column:deleted_by;type:uuid"`
	SchemaVersion int        `gorm:"column:schema_version"`
	Version       int        `gorm:"column:version"`
}

func (e *Envelope) envelope() *Envelope { return e }

// Provenance defaults.
const (
	DefaultSource     = "edm"
	DefaultSourceType = "api"
)

// Columns a write never changes after creation.
var immutableColumns = []string{"tenant_id", "id", "app_id", "created_at", "created_by"}
