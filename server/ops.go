package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"gopkg.in/yaml.v3"

	"github.com/learnd/learnd/gen/samples"
	"github.com/learnd/learnd/store"
)

// registerOps mounts the operational endpoints: health, readiness, metrics and the spec.
func registerOps(e *echo.Echo, st *store.Store, reg *prometheus.Registry, spec *openapi3.T) {
	e.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	e.GET("/readyz", func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			return c.JSON(http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "database": "unreachable"})
		}
		return c.JSON(http.StatusOK, map[string]string{"status": "ok", "database": "ok"})
	})
	e.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{})))

	// Served with this server as its only server, so "Try it" in the explorer (and any
	// client reading the spec from here) talks to the origin it came from.
	// Each operation carries its code samples (x-codeSamples: curl and the Go SDK,
	// generated from the contract into gen/samples), which the explorer shows.
	served := *spec
	served.Servers = openapi3.Servers{{URL: "/", Description: "This server"}}
	js, _ := json.Marshal(&served)
	var generic map[string]any
	_ = json.Unmarshal(js, &generic)
	withCodeSamples(generic)
	js, _ = json.MarshalIndent(generic, "", "  ")
	ys, _ := yaml.Marshal(generic)
	e.GET("/openapi.json", func(c echo.Context) error { return c.Blob(http.StatusOK, "application/json", js) })
	e.GET("/openapi.yaml", func(c echo.Context) error { return c.Blob(http.StatusOK, "application/yaml", ys) })
}

// withCodeSamples sets x-codeSamples on every operation of a spec (as JSON-decoded maps)
// that has generated samples.
func withCodeSamples(spec map[string]any) {
	all, err := samples.ByOperation()
	if err != nil {
		return // generated and embedded: a broken file fails the samples test
	}
	paths, _ := spec["paths"].(map[string]any)
	for _, item := range paths {
		ops, _ := item.(map[string]any)
		for _, op := range ops {
			o, ok := op.(map[string]any)
			if !ok {
				continue
			}
			if id, _ := o["operationId"].(string); len(all[id]) > 0 {
				o["x-codeSamples"] = all[id]
			}
		}
	}
}

// newMetrics counts requests and their latency by route and status.
func newMetrics(reg *prometheus.Registry, st *store.Store) echo.MiddlewareFunc {
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "learnd_http_request_duration_seconds",
		Help:    "HTTP request latency by method, route and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"method", "route", "status"})
	inflight := prometheus.NewGauge(prometheus.GaugeOpts{Name: "learnd_http_requests_in_flight", Help: "Requests being served."})
	pool := func(name, help string, f func() float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "learnd_db_pool_" + name, Help: help}, f)
	}
	reg.MustRegister(duration, inflight, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		pool("acquired_conns", "Connections in use.", func() float64 { return float64(st.PoolStats().AcquiredConns()) }),
		pool("idle_conns", "Idle connections.", func() float64 { return float64(st.PoolStats().IdleConns()) }),
		pool("total_conns", "Open connections.", func() float64 { return float64(st.PoolStats().TotalConns()) }),
		pool("max_conns", "Pool size.", func() float64 { return float64(st.PoolStats().MaxConns()) }),
		pool("acquire_wait_seconds_total", "Time spent waiting for a connection.", func() float64 { return st.PoolStats().AcquireDuration().Seconds() }))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			inflight.Inc()
			err := next(c)
			inflight.Dec()
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			status := c.Response().Status
			if err != nil { // answered by the error handler, with the status the mapper gives it
				p, _ := problemFor(c.Request().Context(), err)
				status = p.Status
			}
			duration.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Observe(time.Since(start).Seconds())
			return err
		}
	}
}
