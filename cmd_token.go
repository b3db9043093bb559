package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/learnd/learnd/auth"
)

func tokenCmd() *cobra.Command {
	var (
		tenant, sub, role, app, scope string
		ttl                           time.Duration
	)
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Print a signed JWT that learnd accepts (for development and operations)",
		Long: `Print a JWT signed with learnd's signing key (LEARND_SIGNING_KEY or
LEARND_SIGNING_KEY_FILE, default .data/signing-key.pem, generated on first use).
learnd accepts it only if the tenant exists and --sub is a user of it, and never for more
than the role that user holds.

Example:
  learnd token --tenant demo --sub per_01jd8x4k2m3n5p6q7r8s9t0v1w --role admin`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			acfg := cfg.authConfig()
			acfg.GenerateIfMissing = acfg.SigningKeyPEM == ""
			iss, err := auth.NewIssuer(acfg)
			if err != nil {
				return err
			}
			r, err := auth.ParseRole(role)
			if err != nil {
				return err
			}
			var scopes []string
			for _, s := range strings.Split(scope, ",") {
				if s = strings.TrimSpace(s); s != "" {
					scopes = append(scopes, s)
				}
			}
			tok, _, err := iss.Mint(auth.Claims{TenantID: tenant, Subject: sub, AppID: app, Role: r, Scopes: scopes}, ttl)
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), tok)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&tenant, "tenant", "", "tenant id (required)")
	f.StringVar(&sub, "sub", "", "person id, per_… (required)")
	f.StringVar(&role, "role", "learner", "owner, admin, manager or learner")
	f.StringVar(&app, "app", "", "application id (tokens minted for an integration)")
	f.StringVar(&scope, "scope", "read,write", "comma-separated scopes: read, write")
	f.DurationVar(&ttl, "ttl", time.Hour, "lifetime")
	_ = cmd.MarkFlagRequired("tenant")
	_ = cmd.MarkFlagRequired("sub")
	return cmd
}
