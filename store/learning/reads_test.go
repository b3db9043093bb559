package learning

import (
	"testing"

	"github.com/google/uuid"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// The prebuilt by-id reads must be exactly what table() makes GORM build, for every shape.
func TestReadSQLMatchesGORM(t *testing.T) {
	t.Parallel()
	g, err := gorm.Open(postgres.New(postgres.Config{DSN: "host=unused"}), &gorm.Config{DryRun: true, DisableAutomaticPing: true})
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.New()
	for _, table := range []string{"cohorts", "assessments"} {
		pre := buildReadSQL(table)
		for _, app := range []string{"", "app1"} {
			for _, v := range []store.Visibility{store.LiveOnly, store.WithDeleted} {
				for _, lock := range []bool{false, true} {
					x := store.BuilderTx(g, auth.Principal{TenantID: "t1", AppID: app})
					q := x.Table(table, v).Where("id = ?", id)
					if lock {
						q = q.Clauses(clause.Locking{Strength: "UPDATE"})
					}
					var probe []Cohort
					stmt := q.Limit(1).Find(&probe).Statement
					gotSQL, gotArgs := pre.byID(x, id, v, lock)
					if gotSQL != stmt.SQL.String() {
						t.Errorf("%s app=%q v=%d lock=%v:\n prebuilt %s\n gorm     %s", table, app, v, lock, gotSQL, stmt.SQL.String())
					}
					if len(gotArgs) != len(stmt.Vars) {
						t.Errorf("%s: %d args, gorm %d", table, len(gotArgs), len(stmt.Vars))
					}
				}
			}
		}
	}
}
