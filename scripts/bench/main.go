// Command bench is the workhorse of `make bench` (scripts/bench.sh drives it). It compares
// learnd against a minimal baseline — net/http + pgx + the same JWT check + the same caller
// lookup + the same SQL, no framework — and against a bare one (one statement per request,
// no caller lookup, no RLS), on the same database in the same run:
//
//	bench setup    -admin URL -db NAME       drop and create the benchmark database; print its URL
//	bench drop     -admin URL -db NAME       drop it
//	bench seed     -db URL -tenants N -cohorts N -users N -courses N -admins IDS
//	                                         load N cohorts spread over the tenants and per tenant
//	                                         the LMS core's dataset (seed_lms.go); ANALYZE
//	bench personids N                        print N fresh per_… ids (token subjects, seeded as admins)
//	bench baseline -addr A -db URL -signing-key FILE   serve the baseline
//	                                         (-mode bare: the bare baseline, bare.go)
//	bench wait     URL TIMEOUT               wait until URL answers 200
//	bench load     …                         compare answers, drive both servers, measure, print the table
//	bench export   -learnd URL -learnd-pid PID -db URL -tokens FILE -rows N
//	                                         seed N audit entries, download them as CSV, print
//	                                         rows, bytes, seconds and learnd's memory growth
//
// Everything lives in this directory so the benchmark never touches learnd's packages
// beyond reading them (auth for the key set, typeid for id formatting, pagetoken for the
// same page-token signing).
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/learnd/learnd/typeid"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	ctx := context.Background()
	var err error
	args := os.Args[2:]
	switch os.Args[1] {
	case "setup":
		err = setupCmd(ctx, args)
	case "drop":
		err = dropCmd(ctx, args)
	case "seed":
		err = seedCmd(ctx, args)
	case "personids":
		n := 1
		if len(args) > 0 {
			n, err = strconv.Atoi(args[0])
		}
		for range n {
			id, _ := typeid.New(typeid.Person)
			fmt.Println(id)
		}
	case "baseline":
		err = baselineCmd(ctx, args)
	case "wait":
		err = waitCmd(args)
	case "load":
		err = loadCmd(ctx, args)
	case "export":
		err = exportCmd(ctx, args)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: bench setup|drop|seed|personids|baseline|wait|load|export [flags] (see scripts/bench.sh)")
	os.Exit(2)
}

// waitCmd polls URL until it answers 200 or the timeout passes.
func waitCmd(args []string) error {
	if len(args) != 2 {
		return fmt.Errorf("wait URL TIMEOUT")
	}
	timeout, err := time.ParseDuration(args[1])
	if err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	c := &http.Client{Timeout: time.Second}
	for {
		resp, err := c.Get(args[0])
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer 200 within %s (last error: %v)", args[0], timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
