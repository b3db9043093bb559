// Package tools will hold learnd's MCP server: one tool per tool of seed 003, each a thin
// call through the generated SDK (gen/sdk), never touching the store. It arrives with the
// MCP issue; the directory exists now so the layout of DESIGN.md is stable.
package tools
