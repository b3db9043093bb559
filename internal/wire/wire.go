// Package wire holds the few names learnd's server and its clients agree on outside the
// OpenAPI contract: the header that marks an agent's calls, the form of an API key, and
// the size of one MCP request. The MCP server (package tools) reaches learnd only through
// the generated SDK and this package, never the server's or the store's internals.
package wire

const (
	// HeaderSurface marks a request made on an agent's behalf by learnd's MCP server
	// ("mcp"), so the audit log can tell agents' writes from other API calls.
	HeaderSurface = "X-Learnd-Surface"

	// APIKeyPrefix starts every API key secret ("lk_" and 43 base64url characters).
	APIKeyPrefix = "lk_"

	// MCPMaxBodyBytes caps one request to /mcp: a tool call carrying a source material's
	// content (upload_source_material over HTTP takes the file itself, up to 20 MB,
	// base64 in the JSON arguments: about 26.7 MB) with room for its envelope.
	MCPMaxBodyBytes = 32 << 20
)
