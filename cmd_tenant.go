package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store/people"
	"github.com/learnd/learnd/typeid"
)

func tenantCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "tenant",
		Short: "Create tenants and set their licences (operators)",
		Long: `Operator commands on DATABASE_URL: create a tenant (with its licence and, optionally,
its first owner) and change a tenant's licence. Every change is recorded in the tenant's
audit log as a system action.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(tenantCreateCmd(), tenantSetLicenceCmd())
	return cmd
}

func tenantCreateCmd() *cobra.Command {
	var (
		id, name, tier, access, ownerEmail, ownerName string
		ai                                            bool
	)
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Create a tenant with its licence and optionally its first owner",
		Long: `Create a tenant. With --owner-email and --owner-name, also create its first user with
the owner role and print the owner's person id (the sub of their tokens).

Example:
  learnd tenant create --id acme --name "Acme" --tier business --mcp-access full --mcp-ai \
    --owner-email ada@acme.example --owner-name "Ada Lovelace"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			t, owner, err := people.New(st).Tenants().CreateTenant(cmd.Context(), people.NewTenant{
				ID: id, Name: name, Licence: auth.Licence{Tier: tier, MCPAccess: access, MCPAIAccess: ai},
				OwnerEmail: ownerEmail, OwnerName: ownerName,
			})
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "tenant %s (%s): tier %s, mcp access %s, mcp ai %t\n", t.ID, t.Name, t.Licence.Tier, t.Licence.MCPAccess, t.Licence.MCPAIAccess)
			if owner != nil {
				fmt.Fprintf(out, "owner %s <%s>: %s\n", owner.Name, owner.Email, typeid.Format(typeid.Person, owner.ID))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&id, "id", "", "tenant id: 1 to 64 letters, digits, - or _ (required)")
	f.StringVar(&name, "name", "", "display name (default: the id)")
	f.StringVar(&tier, "tier", auth.TierStarter, "licence tier: starter, business or enterprise")
	f.StringVar(&access, "mcp-access", auth.MCPNone, "MCP access: none, read or full")
	f.BoolVar(&ai, "mcp-ai", false, "allow the AI course-generation tools")
	f.StringVar(&ownerEmail, "owner-email", "", "email of the first owner (with --owner-name)")
	f.StringVar(&ownerName, "owner-name", "", "name of the first owner (with --owner-email)")
	_ = cmd.MarkFlagRequired("id")
	return cmd
}

func tenantSetLicenceCmd() *cobra.Command {
	var (
		id, tier, access string
		ai               bool
	)
	cmd := &cobra.Command{
		Use:   "set-licence",
		Short: "Change a tenant's licence (only the flags given change)",
		Long: `Change a tenant's licence tier, MCP access and AI access; flags left out keep their
value. A tenant without a licence on record (starter, no MCP access) gets one.

Example:
  learnd tenant set-licence --id acme --tier enterprise --mcp-access read --mcp-ai=false`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var ch people.LicenceChange
			f := cmd.Flags()
			if f.Changed("tier") {
				ch.Tier = &tier
			}
			if f.Changed("mcp-access") {
				ch.MCPAccess = &access
			}
			if f.Changed("mcp-ai") {
				ch.MCPAIAccess = &ai
			}
			if ch == (people.LicenceChange{}) {
				return fmt.Errorf("nothing to change: give --tier, --mcp-access or --mcp-ai")
			}
			st, err := openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			t, err := people.New(st).Tenants().SetLicence(cmd.Context(), id, ch)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "tenant %s (%s): tier %s, mcp access %s, mcp ai %t\n", t.ID, t.Name, t.Licence.Tier, t.Licence.MCPAccess, t.Licence.MCPAIAccess)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&id, "id", "", "tenant id (required)")
	f.StringVar(&tier, "tier", "", "licence tier: starter, business or enterprise")
	f.StringVar(&access, "mcp-access", "", "MCP access: none, read or full")
	f.BoolVar(&ai, "mcp-ai", false, "allow the AI course-generation tools (--mcp-ai=false to withdraw)")
	_ = cmd.MarkFlagRequired("id")
	return cmd
}
