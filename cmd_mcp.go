package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/caarlos0/env/v11"
	"github.com/spf13/cobra"

	"github.com/learnd/learnd/tools"
)

// mcpConfig is what `learnd mcp` reads from the environment.
type mcpConfig struct {
	URL       string `env:"LEARND_URL" envDefault:"http://localhost:8080"`
	APIKey    string `env:"LEARND_API_KEY"`
	LogLevel  string `env:"LEARND_LOG_LEVEL" envDefault:"info"`
	LogFormat string `env:"LEARND_LOG_FORMAT" envDefault:"json"`
}

func mcpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "mcp",
		Short: "Serve learnd's MCP tools over stdio for a desktop agent (LEARND_URL, LEARND_API_KEY)",
		Long: `Serve learnd's MCP server over stdin/stdout, for desktop agents (Claude Desktop,
Cursor, the MCP Inspector …) that start it as a subprocess. The tools call learnd's API at
LEARND_URL (default http://localhost:8080) as the API key LEARND_API_KEY (lk_…); the key's
licence and scopes decide which tools are listed. upload_source_material reads files of this
machine by their path. stdout carries the protocol only; logs go to stderr.

Claude Desktop (claude_desktop_config.json):
  {"mcpServers": {"learnd": {"command": "learnd", "args": ["mcp"],
    "env": {"LEARND_URL": "http://localhost:8080", "LEARND_API_KEY": "lk_…"}}}}`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var c mcpConfig
			if err := env.Parse(&c); err != nil {
				return fmt.Errorf("config: %w", err)
			}
			log := config{LogLevel: c.LogLevel, LogFormat: c.LogFormat}.logger()
			if c.APIKey == "" {
				return errors.New("LEARND_API_KEY is not set: create an API key (POST /api/v2/keys, scopes read or read+write) and pass it in LEARND_API_KEY")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			url := strings.TrimRight(c.URL, "/")
			err := tools.ServeStdio(ctx, tools.Config{APIURL: url, Key: c.APIKey, LocalFiles: true, Version: buildVersion()}, log)
			var ae *tools.AccessError
			switch {
			case errors.As(err, &ae):
				return fmt.Errorf("%w (LEARND_API_KEY at %s)", err, url)
			case err != nil:
				return fmt.Errorf("mcp: %w (is learnd serving at LEARND_URL=%s?)", err, url)
			}
			log.Info("mcp: client closed the connection")
			return nil
		},
	}
}

// version is the release learnd was built as, set by the build:
// go build -ldflags "-X main.version=v1.4.2". Empty: buildVersion works it out.
var version string

// buildVersion is the version learnd reports (MCP serverInfo, the API's User-Agent): the
// -X main.version of the build, else the module version (go install …@v1.4.2), else the
// commit it was built from (0.0.0-<commit>, +dirty with local changes), else "dev".
func buildVersion() string {
	if version != "" {
		return version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision" && len(s.Value) >= 12:
			rev = s.Value[:12]
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "+dirty"
		}
	}
	if rev == "" {
		return "dev"
	}
	return "0.0.0-" + rev + dirty
}
