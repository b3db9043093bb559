package server_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jwt"

	"github.com/learnd/learnd/auth"
	"github.com/learnd/learnd/gen/client"
	"github.com/learnd/learnd/gen/sdk"
	"github.com/learnd/learnd/server/servertest"
	"github.com/learnd/learnd/typeid"
)

// e2eSigningKey finds the signing key servertest.Start generated in this test's
// temporary directory (the harness keeps it in <t.TempDir()>/key.pem). t must be the test
// that called Start, and must have called it exactly once.
func e2eSigningKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(filepath.Dir(t.TempDir()), "*", "key.pem"))
	if err != nil || len(matches) != 1 {
		t.Fatalf("server signing key: want exactly one <test temp dir>/*/key.pem written by servertest.Start, found %v (%v)", matches, err)
	}
	data, err := os.ReadFile(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		t.Fatalf("%s: no PEM block", matches[0])
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		ec, err2 := x509.ParseECPrivateKey(block.Bytes)
		if err2 != nil {
			t.Fatalf("%s: %v / %v", matches[0], err, err2)
		}
		return ec
	}
	ec, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("%s: %T, want ECDSA", matches[0], k)
	}
	return ec
}

// e2eTokenSpec is a hand-made token: what a misbehaving or stale client might send.
type e2eTokenSpec struct {
	key      *ecdsa.PrivateKey
	kid      string
	issuer   string
	audience string
	iat, exp time.Time
	tenant   string    // acme when ""
	sub      string    // a fresh person when ""
	role     auth.Role // admin when ""
}

func e2eCraftToken(t *testing.T, s e2eTokenSpec) string {
	t.Helper()
	k, err := jwk.Import(s.key)
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Set(jwk.KeyIDKey, s.kid); err != nil {
		t.Fatal(err)
	}
	if s.sub == "" {
		s.sub, _ = typeid.New(typeid.Person)
	}
	if s.tenant == "" {
		s.tenant = "acme"
	}
	if s.role == "" {
		s.role = auth.RoleAdmin
	}
	tok, err := jwt.NewBuilder().
		Issuer(s.issuer).Audience([]string{s.audience}).Subject(s.sub).
		IssuedAt(s.iat).NotBefore(s.iat).Expiration(s.exp).JwtID(uuid.NewString()).
		Claim(auth.ClaimTenantID, s.tenant).Claim(auth.ClaimRole, string(s.role)).Claim(auth.ClaimScope, "read write").
		Build()
	if err != nil {
		t.Fatal(err)
	}
	tok.Options().Enable(jwt.FlattenAudience)
	signed, err := jwt.Sign(tok, jwt.WithKey(jwa.ES256(), k))
	if err != nil {
		t.Fatal(err)
	}
	return e2eLowS(&s.key.PublicKey, string(signed))
}

// TestE2EAuth: the client-credentials token endpoint and the JWKS through the SDK, and
// every way a bearer token can be wrong answered with a 401 problem carrying
// WWW-Authenticate.
func TestE2EAuth(t *testing.T) {
	t.Parallel()
	env := servertest.Start(t)
	key := e2eSigningKey(t)
	anon, err := sdk.New(env.URL, sdk.WithMaxRetries(0))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("client credentials", func(t *testing.T) {
		ctx := e2eCtx(t)
		per, _ := typeid.New(typeid.Person)
		env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, Subject: per}) // per is an admin of acme
		tr, err := anon.Auth.Tokens.Create(ctx, client.TokenRequest{
			GrantType: "client_credentials",
			ClientId:  e2ePtr("acme:" + per + ":admin"), ClientSecret: e2ePtr(servertest.DevClientSecret),
		})
		if err != nil {
			t.Fatalf("token: %v", err)
		}
		if tr.AccessToken == "" || tr.TokenType != client.TokenResponseTokenTypeBearer || tr.ExpiresIn <= 0 {
			t.Fatalf("token response %+v", tr)
		}
		c, err := sdk.New(env.URL, sdk.WithToken(tr.AccessToken))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Learning.Cohorts.List(ctx, nil); err != nil {
			t.Fatalf("list with the issued token: %v", err)
		}
		// The token carries the client_id's tenant, person and role.
		made, err := c.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "via client credentials"})
		if err != nil {
			t.Fatalf("create with the issued admin token: %v", err)
		}
		if made.TenantId != "acme" || made.CreatedBy == nil || *made.CreatedBy != per {
			t.Errorf("created tenant %q by %v, want acme and %s", made.TenantId, made.CreatedBy, per)
		}
		if _, err := c.Learning.Cohorts.List(ctx, &client.ListCohortsParams{ShowDeleted: e2ePtr(true)}); err != nil {
			t.Errorf("admin token cannot use show_deleted: %v", err)
		}
	})

	t.Run("read scope", func(t *testing.T) {
		ctx := e2eCtx(t)
		per, _ := typeid.New(typeid.Person)
		env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, Subject: per}) // per is an admin of acme
		tr, err := anon.Auth.Tokens.Create(ctx, client.TokenRequest{
			GrantType: "client_credentials",
			ClientId:  e2ePtr("acme:" + per + ":admin"), ClientSecret: e2ePtr(servertest.DevClientSecret), Scope: e2ePtr("read"),
		})
		if err != nil {
			t.Fatalf("token: %v", err)
		}
		c, _ := sdk.New(env.URL, sdk.WithToken(tr.AccessToken))
		if _, err := c.Learning.Cohorts.List(ctx, nil); err != nil {
			t.Errorf("list with a read token: %v", err)
		}
		_, err = c.Learning.Cohorts.Create(ctx, nil, client.CohortCreate{Name: "read only"})
		e2eSdkErr(t, err, http.StatusForbidden, "create with a read token")
	})

	t.Run("bad client credentials", func(t *testing.T) {
		per, _ := typeid.New(typeid.Person)
		for name, req := range map[string]client.TokenRequest{
			"wrong secret":      {ClientId: e2ePtr("acme:" + per + ":admin"), ClientSecret: e2ePtr(servertest.DevClientSecret + "x")},
			"empty secret":      {ClientId: e2ePtr("acme:" + per + ":admin"), ClientSecret: e2ePtr("")},
			"unknown role":      {ClientId: e2ePtr("acme:" + per + ":superuser"), ClientSecret: e2ePtr(servertest.DevClientSecret)},
			"malformed id":      {ClientId: e2ePtr("acme-" + per), ClientSecret: e2ePtr(servertest.DevClientSecret)},
			"malformed subject": {ClientId: e2ePtr("acme:bob:admin"), ClientSecret: e2ePtr(servertest.DevClientSecret)},
		} {
			t.Run(name, func(t *testing.T) {
				req.GrantType = "client_credentials"
				tr, err := anon.Auth.Tokens.Create(e2eCtx(t), req)
				if err == nil {
					t.Fatalf("token issued: %+v", tr)
				}
				code := sdk.StatusCode(err)
				if name == "wrong secret" || name == "unknown role" || name == "malformed subject" {
					e := e2eSdkErr(t, err, http.StatusUnauthorized, name)
					if e.Problem.Code == nil || *e.Problem.Code != "invalid_client" {
						t.Errorf("code %v, want invalid_client", e.Problem.Code)
					}
					if e.Header.Get("WWW-Authenticate") == "" {
						t.Errorf("401 without WWW-Authenticate")
					}
				} else if code != http.StatusUnauthorized && code != http.StatusBadRequest && code != http.StatusUnprocessableEntity {
					t.Errorf("status %d (%v), want 400, 401 or 422 (the contract's token errors)", code, err)
				}
			})
		}
	})

	t.Run("jwks", func(t *testing.T) {
		set, err := anon.Auth.Keys.List(e2eCtx(t))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, k := range set.Keys {
			if k.Alg != nil && *k.Alg == "ES256" && k.Kty == "EC" && k.Kid != nil && *k.Kid == env.Issuer.KeyID() {
				found = true
			}
			if _, private := k.AdditionalProperties["d"]; private {
				t.Errorf("JWKS publishes a private key member d")
			}
		}
		if !found {
			t.Errorf("no EC ES256 key with kid %s in %+v", env.Issuer.KeyID(), set.Keys)
		}
	})

	now := time.Now()
	admin, _ := typeid.New(typeid.Person)
	env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin, Subject: admin}) // admin is an admin of acme
	valid := e2eTokenSpec{key: key, kid: env.Issuer.KeyID(), issuer: auth.DefaultIssuer, audience: auth.DefaultAudience,
		iat: now.Add(-time.Minute), exp: now.Add(time.Hour), sub: admin}
	t.Run("crafted valid token works", func(t *testing.T) { // the control for the crafted rejects below
		c, _ := sdk.New(env.URL, sdk.WithToken(e2eCraftToken(t, valid)))
		if _, err := c.Learning.Cohorts.List(e2eCtx(t), nil); err != nil {
			t.Fatalf("crafted valid token refused: %v", err)
		}
	})

	otherKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	expired, foreign, wrongAud, wrongIss, future := valid, valid, valid, valid, valid
	expired.iat, expired.exp = now.Add(-2*time.Hour), now.Add(-time.Hour)
	foreign.key = otherKey
	wrongAud.audience = "someone-else"
	wrongIss.issuer = "https://evil.example"
	future.iat, future.exp = now.Add(time.Hour), now.Add(2*time.Hour)
	minted := env.Token(t, servertest.Caller{Tenant: "acme", Role: auth.RoleAdmin})
	parts := strings.Split(minted, ".")
	for _, tc := range []struct {
		name   string
		header string // the whole Authorization header; "" sends none
	}{
		{"no token", ""},
		{"garbage token", "Bearer garbage"},
		{"three garbage segments", "Bearer aaa.bbb.ccc"},
		{"expired", "Bearer " + e2eCraftToken(t, expired)},
		{"not yet valid", "Bearer " + e2eCraftToken(t, future)},
		{"signed by another key", "Bearer " + e2eCraftToken(t, foreign)},
		{"wrong audience", "Bearer " + e2eCraftToken(t, wrongAud)},
		{"wrong issuer", "Bearer " + e2eCraftToken(t, wrongIss)},
		{"tampered payload", "Bearer " + parts[0] + "." + parts[1] + "x." + parts[2]},
		{"alg none", "Bearer eyJhbGciOiJub25lIn0." + parts[1] + "."},
		{"basic scheme", "Basic " + minted},
		{"empty bearer", "Bearer "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var opts []sdk.Option
			if tc.header != "" {
				opts = append(opts, sdk.WithHeader("Authorization", tc.header))
			}
			c, err := sdk.New(env.URL, opts...)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Learning.Cohorts.List(e2eCtx(t), nil)
			e := e2eSdkErr(t, err, http.StatusUnauthorized, tc.name)
			if ct := e.Header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			if h := e.Header.Get("WWW-Authenticate"); !strings.HasPrefix(h, "Bearer") {
				t.Errorf("WWW-Authenticate %q, want a Bearer challenge", h)
			}
			if e.Problem.Code == nil || *e.Problem.Code != "unauthorized" {
				t.Errorf("code %v, want unauthorized", e.Problem.Code)
			}
		})
	}
}
