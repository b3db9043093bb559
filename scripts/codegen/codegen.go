// Package codegen holds the code-generation steps `make generate` runs, in order: bundle the
// spec fragments of openapi/ into gen/openapi.{yaml,json}, generate the Echo strict server
// and the low-level client with the pinned oapi-codegen, then the resource-grouped SDK and
// every operation's code samples (gen/samples).
package codegen

//go:generate go run ../bundle -in ../../openapi -out ../../gen
//go:generate go tool oapi-codegen -config server.yaml ../../gen/openapi.yaml
//go:generate go tool oapi-codegen -config client.yaml ../../gen/openapi.yaml
//go:generate go run ../sdkgen -spec ../../gen/openapi.json -out ../../gen/sdk -samples ../../gen/samples
