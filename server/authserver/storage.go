package authserver

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/store"
	"github.com/learnd/learnd/store/oauth"
)

// Storage is zitadel's op.Storage over store/oauth: clients, authorization requests and
// codes, rotating refresh tokens, and learnd's signing key for the JWT access tokens.
type Storage struct {
	repo     *oauth.Repo
	st       *store.Store
	iss      *auth.Issuer
	resource string
	login    func(requestID string) string

	accessTTL, refreshTTL, requestTTL time.Duration
}

var (
	_ op.Storage                        = (*Storage)(nil)
	_ op.CanGetPrivateClaimsFromRequest = (*Storage)(nil)
)

// secret is a fresh random token of 32 bytes, base64url.
func secret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// refreshPrefix marks learnd's refresh tokens.
const refreshPrefix = "lr_"

// CreateAuthRequest stores an authorization request zitadel's op validated. PKCE with
// S256 is required of every client (OAuth 2.1).
func (s *Storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	if req.CodeChallenge == "" || req.CodeChallengeMethod != oidc.CodeChallengeMethodS256 {
		return nil, oidc.ErrInvalidRequest().WithDescription("PKCE is required: send code_challenge with code_challenge_method=S256")
	}
	q := toModelRequest(secret(), req, s.resource, time.Now().Add(s.requestTTL))
	q.Grant = uuid.New()
	if err := s.repo.CreateRequest(ctx, q); err != nil {
		return nil, err
	}
	return &authRequest{q: q}, nil
}

func (s *Storage) AuthRequestByID(ctx context.Context, id string) (op.AuthRequest, error) {
	q, err := s.repo.Request(ctx, id)
	if err != nil {
		return nil, oidc.ErrInvalidRequest().WithDescription("the authorization request is unknown, used or lapsed").WithParent(err)
	}
	return &authRequest{q: q}, nil
}

// AuthRequestByCode uses the code up: a second exchange of one code fails and revokes
// what the first brought (store/oauth UseCode).
func (s *Storage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	q, err := s.repo.UseCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return &authRequest{q: q}, nil
}

func (s *Storage) SaveAuthCode(ctx context.Context, id, code string) error {
	return s.repo.SaveCode(ctx, id, code)
}

// DeleteAuthRequest keeps the request: its used code must be recognised when it comes
// back (a replay). Requests are forgotten a day after they lapse.
func (s *Storage) DeleteAuthRequest(context.Context, string) error { return nil }

// CreateAccessToken is for grants without a refresh token, which learnd's clients never
// get (every grant includes offline_access).
func (s *Storage) CreateAccessToken(ctx context.Context, req op.TokenRequest) (string, time.Time, error) {
	if err := s.resolve(ctx, req); err != nil {
		return "", time.Time{}, err
	}
	return uuid.NewString(), time.Now().Add(s.accessTTL), nil
}

// CreateAccessAndRefreshTokens issues the first refresh token of a code's grant, or
// rotates current: it is revoked and the new one takes its place in its family.
func (s *Storage) CreateAccessAndRefreshTokens(ctx context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	if err := s.resolve(ctx, req); err != nil {
		return "", "", time.Time{}, err
	}
	next := refreshPrefix + secret()
	exp := time.Now().Add(s.refreshTTL)
	switch r := req.(type) {
	case *authRequest:
		g := oauth.Grant{Family: r.q.Grant, ClientID: r.q.ClientID, TenantID: r.q.TenantID, PersonID: r.q.PersonID, RoleCap: r.q.RoleCap,
			Scopes: r.q.Scopes, Resource: r.q.Resource, AuthTime: r.q.AuthTime, ExpiresAt: exp}
		if err := s.repo.IssueRefresh(ctx, next, g); err != nil {
			return "", "", time.Time{}, err
		}
	case *refreshRequest:
		if err := s.repo.Rotate(ctx, current, next, r.g.Scopes, exp); err != nil {
			if errors.Is(err, oauth.ErrRefreshReused) || errors.Is(err, store.ErrNotFound) {
				return "", "", time.Time{}, oidc.ErrInvalidGrant().WithDescription("the refresh token was already used").WithParent(err)
			}
			return "", "", time.Time{}, err
		}
	default:
		return "", "", time.Time{}, oidc.ErrUnsupportedGrantType()
	}
	return uuid.NewString(), next, time.Now().Add(s.accessTTL), nil
}

// resolve reads the person a grant acts for: still a user of the tenant, not banned; the
// access token carries the user's role now, never above the grant's cap.
func (s *Storage) resolve(ctx context.Context, req op.TokenRequest) error {
	var tenant string
	var person uuid.UUID
	var role *auth.Role
	var limit auth.Role
	switch r := req.(type) {
	case *authRequest:
		tenant, person, role, limit = r.q.TenantID, r.q.PersonID, &r.role, r.q.RoleCap
	case *refreshRequest:
		tenant, person, role, limit = r.g.TenantID, r.g.PersonID, &r.role, r.g.RoleCap
	default:
		return oidc.ErrUnsupportedGrantType()
	}
	c, err := s.st.ResolveCaller(ctx, tenant, person, "")
	if err != nil {
		return fmt.Errorf("resolve grant: %w", err)
	}
	if c.Refusal() != "" {
		return oidc.ErrInvalidGrant().WithDescription("the person who granted access is no longer an active user")
	}
	*role = c.RoleFor(auth.RoleOwner, limit)
	return nil
}

// TokenRequestByRefreshToken returns the grant of a live refresh token; a rotated one
// presented again revokes its family (store/oauth Refresh).
func (s *Storage) TokenRequestByRefreshToken(ctx context.Context, token string) (op.RefreshTokenRequest, error) {
	g, err := s.repo.Refresh(ctx, token)
	if err != nil {
		return nil, err
	}
	return &refreshRequest{g: g}, nil
}

func (s *Storage) TerminateSession(context.Context, string, string) error { return nil }

// RevokeToken revokes a refresh token's family (RFC 7009; GetRefreshTokenInfo hands the
// token itself as its id). Access tokens are short-lived JWTs and are not revoked one by
// one; banning the person stops them.
func (s *Storage) RevokeToken(ctx context.Context, token, _, clientID string) *oidc.Error {
	if !strings.HasPrefix(token, refreshPrefix) {
		return nil
	}
	if err := s.repo.RevokeRefresh(ctx, token, clientID); err != nil {
		return oidc.ErrServerError().WithParent(err)
	}
	return nil
}

func (s *Storage) GetRefreshTokenInfo(ctx context.Context, clientID, token string) (string, string, error) {
	g, err := s.repo.Refresh(ctx, token)
	if err != nil || g.ClientID != clientID {
		return "", "", op.ErrInvalidRefreshToken
	}
	return (&refreshRequest{g: g}).GetSubject(), token, nil
}

// GetPrivateClaimsFromRequest is what an access token says besides the registered claims:
// the tenant, the person's role and the granted learnd scopes, as learnd's own tokens do
// (auth.Claims). ID tokens never carry tenant_id, so none is taken for an access token.
func (s *Storage) GetPrivateClaimsFromRequest(_ context.Context, req op.TokenRequest, _ []string) (map[string]any, error) {
	switch r := req.(type) {
	case *authRequest:
		return claims(r.q.TenantID, r.role, r.q.Scopes), nil
	case *refreshRequest:
		return claims(r.g.TenantID, r.role, r.g.Scopes), nil
	}
	return nil, oidc.ErrUnsupportedGrantType()
}

func claims(tenant string, role auth.Role, scopes []string) map[string]any {
	sc := ""
	for i, s := range onlyLearnd(scopes) {
		if i > 0 {
			sc += " "
		}
		sc += s
	}
	return map[string]any{auth.ClaimTenantID: tenant, auth.ClaimRole: string(role), auth.ClaimScope: sc}
}

func (s *Storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.repo.Client(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("client %.64q: %w", id, err)
	}
	if err != nil {
		return nil, oidc.ErrServerError().WithParent(err)
	}
	return &client{c: c, login: s.login}, nil
}

// AuthorizeClientIDSecret: learnd's clients are public; none has a secret.
func (s *Storage) AuthorizeClientIDSecret(context.Context, string, string) error {
	return errors.New("clients have no secret")
}

func (s *Storage) SetUserinfoFromScopes(context.Context, *oidc.UserInfo, string, string, []string) error {
	return nil
}

func (s *Storage) SetUserinfoFromToken(context.Context, *oidc.UserInfo, string, string, string) error {
	return nil
}

func (s *Storage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return nil
}

func (s *Storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

func (s *Storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errors.New("no client keys")
}

func (s *Storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errors.New("jwt profile grant not supported")
}

func (s *Storage) Health(context.Context) error { return nil }

func (s *Storage) SigningKey(context.Context) (op.SigningKey, error) { return signingKey{s.iss}, nil }

func (s *Storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.ES256}, nil
}

func (s *Storage) KeySet(context.Context) ([]op.Key, error) { return []op.Key{publicKey{s.iss}}, nil }
