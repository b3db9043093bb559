package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// bareTargets are issue 10's targets against the bare baseline: learnd ÷ bare req/s per
// operation (the LMS paths have none), and learnd's p99 within bareP99Target × bare's on
// every operation.
var bareTargets = map[string]float64{"get": 0.90, "list": 0.85, "create": 0.75, "patch": 0.75}

const bareP99Target = 1.5

// reportBare prints, per operation, learnd (and a candidate) against the bare baseline —
// req/s and p99 ratios with their targets — beside the ratio to the mirrored baseline.
// Latencies must already be sorted (report does it).
func (l *loader) reportBare(specs []opSpec, targets []*target, results map[string]map[string]*phaseResult) {
	if !slices.ContainsFunc(targets, func(t *target) bool { return t.name == "bare" }) {
		return
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Println()
	fmt.Println("against the bare baseline (net/http + pgx + the same token check, ONE statement per request with the tenant in")
	fmt.Println("its WHERE clause; no caller lookup, no RLS/SET ROLE/set_config, no transaction for reads; the same JSON):")
	fmt.Printf("%-16s %-9s %11s %7s %9s %9s %9s %7s %9s %17s  %s\n",
		"op", "server", "÷bare req/s", "target", "p99(ms)", "bare p99", "÷bare p99", "target", "÷mirrored", "cpu+pg µs (bare)", "verdict")
	for _, t := range targets {
		if t.name == "baseline" || t.name == "bare" {
			continue
		}
		for _, sp := range specs {
			ld, bare, mir := results[sp.name][t.name], results[sp.name]["bare"], results[sp.name]["baseline"]
			ratio, mirRatio := ld.rps()/bare.rps(), ld.rps()/mir.rps()
			p99, bareP99 := ld.pct(0.99), bare.pct(0.99)
			p99Ratio := float64(p99) / float64(bareP99)
			var misses []string
			target := "—"
			if want, ok := bareTargets[sp.name]; ok {
				target = fmt.Sprintf("≥ %.2f", want)
				if ratio < want {
					misses = append(misses, "req/s")
				}
			}
			if p99Ratio > bareP99Target {
				misses = append(misses, "p99")
			}
			verdict := "meets target"
			if len(misses) > 0 {
				verdict = "BELOW target (" + strings.Join(misses, ", ") + ")"
			}
			var segs []float64
			for i := range min(len(ld.segRPS), len(bare.segRPS)) {
				segs = append(segs, ld.segRPS[i]/bare.segRPS[i])
			}
			slices.Sort(segs)
			if len(segs) > 1 {
				verdict += fmt.Sprintf(" [segments %.2f–%.2f]", segs[0], segs[len(segs)-1])
			}
			cpu := fmt.Sprintf("%.0f (%.0f)", ld.perReq(ld.serverCPU+ld.pgCPU), bare.perReq(bare.serverCPU+bare.pgCPU))
			fmt.Printf("%-16s %-9s %11.2f %7s %9.2f %9.2f %9.2f %7s %9.2f %17s  %s\n",
				sp.name, t.name, ratio, target, ms(p99), ms(bareP99), p99Ratio, fmt.Sprintf("≤ %.1f", bareP99Target), mirRatio, cpu, verdict)
		}
	}
	fmt.Println("  ÷mirrored is the ratio to the mirrored baseline above (the framework alone); ÷bare adds everything learnd does")
	fmt.Println("  beyond one statement: the RLS scope, the transaction, further statements and round trips, the caller lookup (on a cache miss).")
	fmt.Println("  cpu+pg µs: server CPU plus its PostgreSQL backends' CPU per request, learnd's and (in brackets) the bare server's.")
	fmt.Println("  targets (issue 10): ÷bare req/s ≥ 0.90 get, ≥ 0.85 list, ≥ 0.75 create and patch (none for the LMS paths);")
	fmt.Printf("  learnd's p99 ≤ %.1f× the bare server's on every operation.\n", bareP99Target)
}

// reportBareSQL lists how many distinct statements the bare baseline was seen sending per
// operation: one is the design (patch and list_assignments add one only on a 404/412 or
// an empty page).
func (l *loader) reportBareSQL(specs []opSpec) {
	l.sqlMu.Lock()
	defer l.sqlMu.Unlock()
	var parts []string
	for _, sp := range specs {
		n := 0
		for q := range l.sqlSeen[sp.name]["bare"] {
			if !trivialSQL(q) {
				n++
			}
		}
		parts = append(parts, fmt.Sprintf("%s %d", sp.name, n))
	}
	fmt.Printf("bare SQL: distinct statements seen per operation (one is the design): %s\n", strings.Join(parts, ", "))
}
