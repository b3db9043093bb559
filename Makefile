# learnd — see README.md. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
GO ?= go

.PHONY: help run test generate lint bench build fuzz clean db-stop

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)

build: ## Build ./bin/learnd (VERSION: what MCP's serverInfo reports; git describe by default)
	@if [ -x bin/learnd ]; then echo "building bin/learnd…"; else echo "building bin/learnd (the first build compiles every dependency: a minute or two)…"; fi
	@$(GO) build -ldflags "-X main.version=$(VERSION)" -o bin/learnd .

run: build ## Start PostgreSQL if needed, migrate, seed the demo tenant and serve on :8080
	@bash scripts/run.sh

test: ## Run every test against a throwaway PostgreSQL (and a headless browser)
	@bash scripts/test.sh

generate: ## Regenerate gen/ from openapi/ (bundle, oapi-codegen, SDK)
	$(GO) generate ./scripts/codegen

lint: ## go vet, staticcheck, the spec bundler's checks, Spectral and Redocly (0 errors, 0 warnings)
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) run ./scripts/bundle -in openapi -out $$(mktemp -d)
	@bash scripts/speclint/lint.sh

bench: build ## Load-test learnd against a bare net/http+pgx baseline and print figures
	@bash scripts/bench.sh

fuzz: ## Run each fuzz target for 30 s
	$(GO) test ./typeid -run '^$$' -fuzz FuzzParse -fuzztime 30s
	$(GO) test ./server/pagetoken -run '^$$' -fuzz FuzzDecode -fuzztime 30s
	$(GO) test ./server -run '^$$' -fuzz FuzzCreateCohortBody -fuzztime 30s

clean: ## Remove build output (keeps .data/)
	rm -rf bin

db-stop: ## Stop the private PostgreSQL that make run started under .data/pg (if any)
	@bash -c 'source scripts/pg.sh; [ -d .data/pg ] && pg_stop_private "$$(pwd)/.data/pg" && echo stopped || echo "no private cluster"'
