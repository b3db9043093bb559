// Package contract holds the tests of the OpenAPI contract as other tools read it: Spectral
// and Redocly lint it clean, and a TypeScript client generated from it with
// openapi-typescript's default options compiles a program under tsc --strict.
package contract
