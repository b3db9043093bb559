// Command learnd is the learnd multi-tenant learning-and-development platform API:
// `learnd serve` runs the HTTP API, `learnd migrate` applies the database migrations,
// `learnd token` mints a development JWT, `learnd seed` loads the demo tenant, `learnd mcp`
// serves the MCP tools over stdio for desktop agents.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{
		Use:           "learnd",
		Short:         "learnd — a multi-tenant learning-and-development platform API",
		Long:          "learnd serves the learnd API. Configuration comes from environment variables (see README.md).",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCmd(), migrateCmd(), tokenCmd(), seedCmd(), tenantCmd(), mcpCmd())
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "learnd:", err)
		os.Exit(1)
	}
}
