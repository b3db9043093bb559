package authserver

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/learnd/learnd/internal/limits"
	"github.com/learnd/learnd/store/oauth"
)

// registration is a client's registration request (RFC 7591 §2) and, with its id, the
// response (§3.2.1).
type registration struct {
	ClientID                string   `json:"client_id,omitempty"`
	ClientIDIssuedAt        int64    `json:"client_id_issued_at,omitempty"`
	ClientName              string   `json:"client_name,omitempty"`
	RedirectURIs            []string `json:"redirect_uris"`
	GrantTypes              []string `json:"grant_types,omitempty"`
	ResponseTypes           []string `json:"response_types,omitempty"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method,omitempty"`
	Scope                   string   `json:"scope,omitempty"`
}

const maxRedirectURIs = 10

// registrations is how many clients one address may register: 20 at once, then one a
// minute (a client registers once per person and server).
var registrations = limits.Rate{Every: time.Minute, Burst: 20}

// register registers a public client (RFC 7591): authorization code with PKCE and
// refresh tokens, no secret (token_endpoint_auth_method none), redirect URIs https or
// http on a loopback address.
func (s *Server) register(c echo.Context) error {
	c.Response().Header().Set("Access-Control-Allow-Origin", "*")
	wait, err := s.cfg.Limiter.Take(c.Request().Context(), "oauth-register|"+c.RealIP(), registrations)
	if err != nil {
		s.log.Warn("oauth: registration limit unchecked", "err", err)
	}
	if wait > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return writeJSON(c, http.StatusTooManyRequests, map[string]string{"error": "slow_down", "error_description": "too many client registrations from this address; retry later"})
	}
	var in registration
	dec := json.NewDecoder(http.MaxBytesReader(c.Response(), c.Request().Body, 64<<10))
	if err := dec.Decode(&in); err != nil {
		return registrationError(c, "invalid_client_metadata", "the body must be a JSON client registration")
	}
	if err := validateRegistration(&in); err != nil {
		return registrationError(c, err.code, err.description)
	}
	cl := toModelClient(in)
	if err := s.repo.RegisterClient(c.Request().Context(), cl); err != nil {
		return fmt.Errorf("register client: %w", err)
	}
	return writeJSON(c, http.StatusCreated, toAPIRegistration(cl))
}

type registrationErr struct{ code, description string }

// validateRegistration checks in and fills in the defaults.
func validateRegistration(in *registration) *registrationErr {
	if len(in.RedirectURIs) == 0 || len(in.RedirectURIs) > maxRedirectURIs {
		return &registrationErr{"invalid_redirect_uri", fmt.Sprintf("send 1 to %d redirect_uris", maxRedirectURIs)}
	}
	for _, u := range in.RedirectURIs {
		if !redirectURIAllowed(u) {
			return &registrationErr{"invalid_redirect_uri", fmt.Sprintf("redirect URI %.200q must be an https URL, or http on a loopback address (127.0.0.1, [::1], localhost), without a fragment", u)}
		}
	}
	// A client asking for a secret is registered as a public client all the same (RFC 7591
	// §3.2.1 lets the server replace requested values): the response says none, and PKCE
	// protects its codes.
	in.TokenEndpointAuthMethod = "none"
	for _, g := range in.GrantTypes {
		if g != "authorization_code" && g != "refresh_token" {
			return &registrationErr{"invalid_client_metadata", fmt.Sprintf("grant type %.64q is not supported: authorization_code and refresh_token are", g)}
		}
	}
	for _, r := range in.ResponseTypes {
		if r != "code" {
			return &registrationErr{"invalid_client_metadata", fmt.Sprintf("response type %.64q is not supported: code is", r)}
		}
	}
	in.ClientName = clientName(in.ClientName)
	return nil
}

// redirectURIAllowed: an absolute https URL, or http on a loopback host (RFC 8252 §7.3),
// without a fragment.
func redirectURIAllowed(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Fragment != "" || strings.Contains(raw, "#") || u.User != nil {
		return false
	}
	switch u.Scheme {
	case "https":
		return true
	case "http":
		h := u.Hostname()
		ip := net.ParseIP(h)
		return h == "localhost" || (ip != nil && ip.IsLoopback())
	}
	return false
}

// clientName is the name to show on the consent page: printable, at most 100 runes.
func clientName(name string) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(name))
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	if name == "" {
		return "An unnamed MCP client"
	}
	return name
}

func registrationError(c echo.Context, code, description string) error {
	return writeJSON(c, http.StatusBadRequest, map[string]string{"error": code, "error_description": description})
}

// toModelClient is the client to store for a validated registration, with a new id.
func toModelClient(in registration) oauth.Client {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return oauth.Client{ID: "mcp_" + base64.RawURLEncoding.EncodeToString(b[:]), Name: in.ClientName, RedirectURIs: slices.Clone(in.RedirectURIs), CreatedAt: time.Now()}
}

// toAPIRegistration is the registration response of a stored client.
func toAPIRegistration(cl oauth.Client) registration {
	return registration{
		ClientID: cl.ID, ClientIDIssuedAt: cl.CreatedAt.Unix(), ClientName: cl.Name, RedirectURIs: cl.RedirectURIs,
		GrantTypes: []string{"authorization_code", "refresh_token"}, ResponseTypes: []string{"code"},
		TokenEndpointAuthMethod: "none", Scope: strings.Join(learndScopes, " "),
	}
}
