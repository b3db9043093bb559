// Package tools is learnd's MCP server: one tool per tool of seed 003, each a thin call
// through the generated SDK (gen/sdk) to the /api/v2 endpoint the seed names, never
// touching the store. The API enforces permissions; this package adds only what is
// MCP-specific: which tools a key sees (its licence, scopes and role's permissions, from
// GET /api/v2/me; fitted again when they change, see fitter and HTTPHandler.Refresh),
// input checks before any call, the seed's error strings, compact structured results
// with a text rendering, and the X-Learnd-Surface: mcp header that marks every request
// so the audit log says surface mcp.
//
// A key with the pseudonymise option (GET /api/v2/me: pseudonymised) is served only by
// learnd serve's /mcp, which has the server's pseudonym key (HTTPConfig.PseudonymKey):
// every tool result, resource and confirmation of its sessions goes through one
// transformation (pseudonymise.go) that shows people as stable aliases, so a new tool is
// covered without code of its own. A read-only key holds the read scope only, so its
// sessions list read tools only (Allowed).
//
// Tools register themselves from init functions with Register (which makes their schemas
// portable: no type arrays, no bare true schemas); New builds the server a key gets, with
// exactly the tools that key's person may call.
package tools
