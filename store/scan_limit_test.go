package store

import (
	"strings"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
)

// TestLiteralLimit: a usual LIMIT is written as a number (so PostgreSQL can keep one
// generic plan per page size), another stays a parameter (so clients cannot fill the
// statement cache), an OFFSET stays a parameter, and a query without either is unchanged.
func TestLiteralLimit(t *testing.T) {
	t.Parallel()
	g, err := gorm.Open(postgres.New(postgres.Config{DSN: "host=unused"}), &gorm.Config{DryRun: true, DisableAutomaticPing: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if db, err := g.DB(); err == nil {
			_ = db.Close()
		}
	})
	g.ClauseBuilders["LIMIT"] = literalLimit
	type row struct {
		ID string `gorm:"column:id"`
	}
	for _, tc := range []struct {
		q    func(*gorm.DB) *gorm.DB
		want string
		vars int
	}{
		{func(d *gorm.DB) *gorm.DB { return d.Where("a = ?", 1).Limit(51) }, `WHERE a = $1 LIMIT 51`, 1},
		{func(d *gorm.DB) *gorm.DB { return d.Where("a = ?", 1).Limit(21).Offset(40) }, `WHERE a = $1 LIMIT 21 OFFSET $2`, 2},
		{func(d *gorm.DB) *gorm.DB { return d.Where("a = ?", 1).Offset(40) }, `WHERE a = $1 OFFSET $2`, 2},
		{func(d *gorm.DB) *gorm.DB { return d.Where("a = ?", 1).Limit(38) }, `WHERE a = $1 LIMIT $2`, 2}, // not a usual page: a parameter
		{func(d *gorm.DB) *gorm.DB { return d.Where("a = ?", 1) }, `WHERE a = $1`, 1},
	} {
		sql, vars, err := Build[row](tc.q(g.Session(&gorm.Session{DryRun: true, NewDB: true}).Table("t")))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(sql, tc.want) || len(vars) != tc.vars {
			t.Errorf("%s (%d vars), want it to end with %s (%d vars)", sql, len(vars), tc.want, tc.vars)
		}
	}
}
