package people

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
)

// checkProvider validates the input's shape and fills the defaults.
func checkProvider(in ProviderInput) (*Provider, error) {
	v := &store.ValidationError{}
	p := &Provider{Issuer: strings.TrimSpace(in.Issuer), Audience: strings.TrimSpace(in.Audience), Claims: in.Claims.withDefaults(),
		RoleMapping: map[string]string{}, DefaultRole: string(auth.RoleLearner), MaxRole: string(auth.RoleLearner), JIT: in.JIT,
		AllowedEmailDomains: []string{}}
	checkURL(v, "/issuer", p.Issuer, in.AllowLoopbackHTTP)
	if p.Audience == "" {
		v.Add("/audience", "must not be empty")
	}
	if in.JWKSURL != nil && strings.TrimSpace(*in.JWKSURL) != "" {
		p.JWKSURL = strings.TrimSpace(*in.JWKSURL)
		checkURL(v, "/jwksUrl", p.JWKSURL, in.AllowLoopbackHTTP)
	} else {
		d := strings.TrimRight(p.Issuer, "/") + "/.well-known/openid-configuration"
		pointer := "/issuer"
		if in.DiscoveryURL != nil && strings.TrimSpace(*in.DiscoveryURL) != "" {
			d, pointer = strings.TrimSpace(*in.DiscoveryURL), "/discoveryUrl"
			checkURL(v, pointer, d, in.AllowLoopbackHTTP)
		}
		p.DiscoveryURL = &d
	}
	if in.ClientID != nil && strings.TrimSpace(*in.ClientID) != "" {
		id := strings.TrimSpace(*in.ClientID)
		p.ClientID = &id
		if in.ClientSecret != nil && *in.ClientSecret != "" {
			p.ClientSecret = in.ClientSecret
		}
	} else if in.ClientSecret != nil && *in.ClientSecret != "" {
		v.Add("/clientSecret", "needs clientId")
	}
	for value, role := range in.RoleMapping {
		if !providerRole(role) {
			v.Add("/roleMapping/"+value, "must be admin, manager or learner (a provider never makes an owner)")
		}
		p.RoleMapping[value] = role
	}
	for pointer, dst := range map[string]*string{"/defaultRole": &p.DefaultRole, "/maxRole": &p.MaxRole} {
		src := in.DefaultRole
		if pointer == "/maxRole" {
			src = in.MaxRole
		}
		if src == nil {
			continue
		}
		if !providerRole(*src) {
			v.Add(pointer, "must be admin, manager or learner (a provider never makes an owner)")
		}
		*dst = *src
	}
	if providerRole(p.DefaultRole) && providerRole(p.MaxRole) && !auth.Role(p.MaxRole).AtLeast(auth.Role(p.DefaultRole)) {
		v.Add("/defaultRole", "must not be above maxRole")
	}
	for i, d := range in.AllowedEmailDomains {
		d = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(d), "@")))
		if d == "" || strings.ContainsAny(d, "@ /") || !strings.Contains(d, ".") {
			v.Add(fmt.Sprintf("/allowedEmailDomains/%d", i), "must be a domain like example.com")
		}
		p.AllowedEmailDomains = append(p.AllowedEmailDomains, d)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

func providerRole(r string) bool {
	return r == string(auth.RoleAdmin) || r == string(auth.RoleManager) || r == string(auth.RoleLearner)
}

// checkURL admits an absolute https URL (or http on a loopback address, when allowed).
func checkURL(v *store.ValidationError, pointer, s string, loopbackHTTP bool) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		v.Add(pointer, "must be an absolute https URL")
		return
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && loopbackHTTP && isLoopback(u.Hostname()):
	default:
		v.Add(pointer, "must be an https URL")
	}
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// reachProvider resolves the provider's JWK Set (from its discovery document unless given)
// and checks it holds a usable key.
func reachProvider(ctx context.Context, p *Provider, keys ProviderReach, loopbackHTTP bool) error {
	if p.DiscoveryURL != nil {
		v := &store.ValidationError{}
		d, err := keys.Discover(ctx, *p.DiscoveryURL, p.Issuer)
		if err != nil {
			v.Add("/discoveryUrl", "the discovery document cannot be used: %v", err)
			return v
		}
		if checkURL(v, "/discoveryUrl", d.JWKSURI, loopbackHTTP); v.Err() != nil {
			v.Fields[0].Detail = "the discovery document's jwks_uri " + v.Fields[0].Detail
			return v
		}
		p.JWKSURL = d.JWKSURI
		if p.ClientID != nil {
			// Browser sign-in needs the provider's endpoints, on the same rules.
			if d.AuthorizationEndpoint == "" || d.TokenEndpoint == "" {
				v.Add("/clientId", "browser sign-in needs the provider's authorization_endpoint and token_endpoint, which its discovery document does not name")
				return v
			}
			checkURL(v, "/discoveryUrl", d.AuthorizationEndpoint, loopbackHTTP)
			checkURL(v, "/discoveryUrl", d.TokenEndpoint, loopbackHTTP)
			if err := v.Err(); err != nil {
				return err
			}
			p.AuthorizeURL, p.TokenURL = &d.AuthorizationEndpoint, &d.TokenEndpoint
		}
	} else if p.ClientID != nil {
		v := &store.ValidationError{}
		v.Add("/clientId", "browser sign-in needs the provider's discovery document (leave jwksUrl out)")
		return v
	}
	if err := keys.Check(ctx, p.JWKSURL); err != nil {
		v := &store.ValidationError{}
		v.Add("/jwksUrl", "the JWK Set cannot be used: %v", err)
		return v
	}
	return nil
}
