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

// TestArgsLimit: SQL written by hand gets the same LIMITs (Args.Limit), and a by-name page
// (Args.ByName) ends with its keyset position and such a LIMIT.
func TestArgsLimit(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		build func(a *Args) string
		want  string
		args  int
	}{
		{func(a *Args) string { return a.Limit(21) }, `LIMIT 21`, 1},
		{func(a *Args) string { return a.Limit(2) }, `LIMIT 2`, 1},
		{func(a *Args) string { return a.Limit(38) }, `LIMIT $2`, 2},
		{func(a *Args) string { return a.ByName("", nil, 20) }, ` ORDER BY lower(name), id LIMIT 21`, 1},
		{func(a *Args) string { return a.ByName("u", &NameCursor{Name: "bob"}, 37) },
			` AND (lower(u.name), u.id) > ($2, $3) ORDER BY lower(u.name), u.id LIMIT $4`, 4},
	} {
		a := Args{"tenant"}
		if got := tc.build(&a); got != tc.want || len(a) != tc.args {
			t.Errorf("got %q with %d args, want %q with %d", got, len(a), tc.want, tc.args)
		}
	}
}
