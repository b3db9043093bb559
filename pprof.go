//go:build pprof

// A learnd built with -tags pprof serves net/http/pprof on LEARND_PPROF_ADDR: what make
// bench's BENCH_PROFILE_DIR needs to profile learnd (go build -tags pprof -o /tmp/learnd-pprof .).

package main

import (
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	if a := os.Getenv("LEARND_PPROF_ADDR"); a != "" {
		go func() { _ = http.ListenAndServe(a, nil) }()
	}
}
