package auth

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/learnd/learnd/typeid"
)

func TestVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	v := newTestVerifier(t, Config{}, iss)
	sub, pid := typeid.New(typeid.Person)

	tests := []struct {
		name   string
		claims Claims
		want   Principal
	}{
		{
			name:   "all claims",
			claims: Claims{TenantID: "acme-1", Subject: sub, AppID: "app_01h455vb4pex5vsknk084sn02q", Role: RoleOwner, Scopes: []string{ScopeWrite}},
			want: Principal{TenantID: "acme-1", Subject: sub, PersonID: pid, AppID: "app_01h455vb4pex5vsknk084sn02q",
				Role: RoleOwner, Scopes: []string{ScopeWrite}, Surface: SurfaceAPI},
		},
		{
			name:   "defaults",
			claims: Claims{TenantID: "acme", Subject: "per-" + pid.String()},
			want: Principal{TenantID: "acme", Subject: sub, PersonID: pid, Role: RoleLearner,
				Scopes: []string{ScopeRead, ScopeWrite}, Surface: SurfaceAPI},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tok, _, err := iss.Mint(tt.claims, time.Minute)
			if err != nil {
				t.Fatalf("Mint: %v", err)
			}
			got, err := v.Verify(t.Context(), tok)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if got.TokenID == "" {
				t.Error("TokenID empty")
			}
			got.TokenID = ""
			if got.TenantID != tt.want.TenantID || got.Subject != tt.want.Subject || got.PersonID != tt.want.PersonID ||
				got.AppID != tt.want.AppID || got.Role != tt.want.Role || !slices.Equal(got.Scopes, tt.want.Scopes) ||
				got.KeyID != "" || got.Surface != tt.want.Surface {
				t.Fatalf("Verify = %+v\nwant     %+v", got, tt.want)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	iss := newTestIssuer(t)
	v := newTestVerifier(t, Config{}, iss)
	priv := privateKey(t, iss)
	kid := iss.KeyID()
	sub, pid := typeid.New(typeid.Person)
	hdr := map[string]any{"alg": "ES256", "kid": kid, "typ": "JWT"}

	// signed returns a token with learnd's key whose claims were edited by edit.
	signed := func(edit func(c map[string]any)) string {
		c := claimSet(sub)
		if edit != nil {
			edit(c)
		}
		return signCompact(t, hdr, c, priv)
	}
	withHeader := func(h map[string]any, key any) string {
		return signCompact(t, h, claimSet(sub), key)
	}

	minted, _, err := iss.Mint(Claims{TenantID: "acme", Subject: sub, Role: RoleLearner, Scopes: []string{ScopeRead}}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(minted, ".")
	var payload map[string]any
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	_ = json.Unmarshal(raw, &payload)
	payload["role"] = "owner"
	tampered := parts[0] + "." + b64(payload) + "." + parts[2]

	spki, err := x509.MarshalPKIXPublicKey(&priv.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: spki})
	jwksDoc, _ := iss.JWKS()

	old := *iss
	old.now = func() time.Time { return time.Now().Add(-2 * time.Hour) }
	expiredMinted, _, err := old.Mint(Claims{TenantID: "acme", Subject: sub}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}

	other := newTestIssuer(t)
	fromOther, _, err := other.Mint(Claims{TenantID: "acme", Subject: sub}, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	now := time.Now().Unix()

	tests := []struct {
		name  string
		token string
		want  string // "" = valid; else a fragment of the reason
		check func(t *testing.T, p Principal)
	}{
		{name: "minted", token: minted, check: func(t *testing.T, p Principal) {
			if p.Role != RoleLearner || !slices.Equal(p.Scopes, []string{ScopeRead}) || p.PersonID != pid {
				t.Fatalf("principal %+v", p)
			}
		}},
		{name: "hand signed control", token: signed(nil), check: func(t *testing.T, p Principal) {
			if p.Role != RoleManager || p.TenantID != "acme" || p.TokenID != "tok-1" || p.Subject != sub {
				t.Fatalf("principal %+v", p)
			}
		}},

		// registered claims
		{name: "expired", token: expiredMinted, want: "expired"},
		{name: "expired within leeway", token: signed(func(c map[string]any) { c["exp"] = now - 10 })},
		{name: "expired beyond leeway", token: signed(func(c map[string]any) { c["exp"] = now - 60 }), want: "expired"},
		{name: "missing exp", token: signed(func(c map[string]any) { delete(c, "exp") }), want: "missing exp"},
		{name: "nbf in future", token: signed(func(c map[string]any) { c["nbf"] = now + 120 }), want: "not yet valid"},
		{name: "nbf within leeway", token: signed(func(c map[string]any) { c["nbf"] = now + 10 })},
		{name: "iat in future", token: signed(func(c map[string]any) { c["iat"] = now + 120 }), want: "issued in the future"},
		{name: "wrong aud", token: signed(func(c map[string]any) { c["aud"] = "other-api" }), want: "wrong audience"},
		{name: "aud list containing ours", token: signed(func(c map[string]any) { c["aud"] = []string{"x", DefaultAudience} })},
		{name: "missing aud", token: signed(func(c map[string]any) { delete(c, "aud") }), want: "wrong audience"},
		{name: "wrong iss", token: signed(func(c map[string]any) { c["iss"] = "evil" }), want: "wrong issuer"},
		{name: "missing iss", token: signed(func(c map[string]any) { delete(c, "iss") }), want: "wrong issuer"},

		// signature and algorithm
		{name: "tampered payload", token: tampered, want: "bad signature"},
		{name: "alg none", token: withHeader(map[string]any{"alg": "none", "kid": kid}, nil), want: "alg \"none\" not allowed"},
		{name: "alg none without kid", token: withHeader(map[string]any{"alg": "none"}, nil), want: "not allowed"},
		{name: "HS256 with public key PEM", token: withHeader(map[string]any{"alg": "HS256", "kid": kid}, pubPEM), want: "not allowed"},
		{name: "HS256 with JWKS bytes", token: withHeader(map[string]any{"alg": "HS256"}, jwksDoc), want: "not allowed"},
		{name: "missing alg", token: withHeader(map[string]any{"kid": kid}, priv), want: "missing alg"},
		{name: "ES384 not allowed", token: withHeader(map[string]any{"alg": "ES384", "kid": kid}, p384), want: "not allowed"},
		{name: "RS256 under EC kid", token: withHeader(map[string]any{"alg": "RS256", "kid": kid}, rsaKey), want: "alg not allowed for key"},
		{name: "token from another key", token: fromOther, want: "unknown key"},
		{name: "another key claiming our kid", token: signCompact(t, hdr, claimSet(sub), privateKey(t, other)), want: "bad signature"},
		{name: "no kid", token: withHeader(map[string]any{"alg": "ES256"}, priv), want: "unknown key"},
		{name: "crit header", token: withHeader(map[string]any{"alg": "ES256", "kid": kid, "crit": []string{"exp"}, "exp": 1}, priv), want: "unsupported header"},
		{name: "empty", token: "", want: "empty"},
		{name: "garbage", token: "not-a-jwt", want: "malformed"},
		{name: "bad header base64", token: "!!!." + b64(claimSet(sub)) + ".sig", want: "malformed"},
		{name: "too large", token: strings.Repeat("a", maxTokenLen+1), want: "too large"},

		// learnd claims
		{name: "missing tenant_id", token: signed(func(c map[string]any) { delete(c, "tenant_id") }), want: "missing tenant_id"},
		{name: "empty tenant_id", token: signed(func(c map[string]any) { c["tenant_id"] = "" }), want: "bad tenant_id"},
		{name: "tenant_id with space", token: signed(func(c map[string]any) { c["tenant_id"] = "acme corp" }), want: "bad tenant_id"},
		{name: "tenant_id too long", token: signed(func(c map[string]any) { c["tenant_id"] = strings.Repeat("a", 65) }), want: "bad tenant_id"},
		{name: "tenant_id number", token: signed(func(c map[string]any) { c["tenant_id"] = 42 }), want: "bad tenant_id"},
		{name: "missing sub", token: signed(func(c map[string]any) { delete(c, "sub") }), want: "missing sub"},
		{name: "sub wrong prefix", token: signed(func(c map[string]any) { c["sub"] = "usr" + sub[3:] }), want: "bad sub"},
		{name: "sub plain uuid", token: signed(func(c map[string]any) { c["sub"] = pid.String() }), want: "bad sub"},
		{name: "sub legacy form", token: signed(func(c map[string]any) { c["sub"] = "per-" + pid.String() }), check: func(t *testing.T, p Principal) {
			if p.Subject != sub || p.PersonID != pid {
				t.Fatalf("Subject %q PersonID %s, want canonical %q %s", p.Subject, p.PersonID, sub, pid)
			}
		}},
		{name: "unknown role", token: signed(func(c map[string]any) { c["role"] = "root" }), want: "unknown role"},
		{name: "role wrong case", token: signed(func(c map[string]any) { c["role"] = "Admin" }), want: "unknown role"},
		{name: "role not a string", token: signed(func(c map[string]any) { c["role"] = 1 }), want: "bad role"},
		{name: "role absent is learner", token: signed(func(c map[string]any) { delete(c, "role") }), check: func(t *testing.T, p Principal) {
			if p.Role != RoleLearner {
				t.Fatalf("Role = %q, want learner", p.Role)
			}
		}},
		{name: "app_id", token: signed(func(c map[string]any) { c["app_id"] = "app_x" }), check: func(t *testing.T, p Principal) {
			if p.AppID != "app_x" {
				t.Fatalf("AppID = %q", p.AppID)
			}
		}},
		{name: "app_id not a string", token: signed(func(c map[string]any) { c["app_id"] = true }), want: "bad app_id"},

		// claim types and names
		{name: "payload not an object", token: signCompact(t, hdr, json.RawMessage(`["learnd"]`), priv), want: "malformed claims"},
		{name: "exp string", token: signed(func(c map[string]any) { c["exp"] = "2099-01-01" }), want: "bad exp"},
		{name: "exp overflow", token: signCompact(t, hdr, rawClaims(t, sub, "exp", "1e400"), priv), want: "bad exp"},
		{name: "nbf bool", token: signed(func(c map[string]any) { c["nbf"] = true }), want: "bad nbf"},
		{name: "iat null", token: signed(func(c map[string]any) { c["iat"] = nil }), want: "bad iat"},
		{name: "fractional exp", token: signed(func(c map[string]any) { c["exp"] = float64(now) + 300.5 })},
		{name: "iss number", token: signed(func(c map[string]any) { c["iss"] = 1 }), want: "wrong issuer"},
		{name: "aud number", token: signed(func(c map[string]any) { c["aud"] = 1 }), want: "bad aud"},
		{name: "aud list with number", token: signed(func(c map[string]any) { c["aud"] = []any{DefaultAudience, 1} }), want: "bad aud"},
		{name: "sub number", token: signed(func(c map[string]any) { c["sub"] = 7 }), want: "bad sub"},
		{name: "jti number", token: signed(func(c map[string]any) { c["jti"] = 7 }), want: "bad jti"},
		{name: "TENANT_ID is not tenant_id", token: signed(func(c map[string]any) { c["TENANT_ID"] = c["tenant_id"]; delete(c, "tenant_id") }), want: "missing tenant_id"},
		{name: "injected Role is ignored", token: signed(func(c map[string]any) { delete(c, "role"); c["Role"] = "owner" }), check: func(t *testing.T, p Principal) {
			if p.Role != RoleLearner {
				t.Fatalf("Role = %q, want learner", p.Role)
			}
		}},
		{name: "unicode escapes decoded", token: signCompact(t, hdr, rawClaims(t, sub, "tenant_id", `"\u0061cme"`), priv), check: func(t *testing.T, p Principal) {
			if p.TenantID != "acme" {
				t.Fatalf("TenantID = %q, want acme", p.TenantID)
			}
		}},
		{name: "invalid escape", token: signCompact(t, hdr, rawClaims(t, sub, "tenant_id", `"\q"`), priv), want: "malformed claims"},

		// scopes
		{name: "scope absent", token: signed(func(c map[string]any) { delete(c, "scope") }), check: scopesAre(ScopeRead, ScopeWrite)},
		{name: "scope write", token: signed(func(c map[string]any) { c["scope"] = "write" }), check: scopesAre(ScopeWrite)},
		{name: "scope both, repeated", token: signed(func(c map[string]any) { c["scope"] = "write read write" }), check: scopesAre(ScopeWrite, ScopeRead)},
		{name: "scope empty", token: signed(func(c map[string]any) { c["scope"] = "" }), check: scopesAre()},
		{name: "scope unknown", token: signed(func(c map[string]any) { c["scope"] = "read admin" }), want: "bad scope"},
		{name: "scope list", token: signed(func(c map[string]any) { c["scope"] = []string{"read"} }), want: "bad scope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := v.Verify(t.Context(), tt.token)
			wantInvalid(t, err, tt.want)
			if err == nil && tt.check != nil {
				tt.check(t, p)
			}
		})
	}
}

// rawClaims returns claimSet(sub) as raw JSON with claim name set to the
// raw JSON text value, which json.Marshal could not produce.
func rawClaims(t *testing.T, sub, name, value string) json.RawMessage {
	t.Helper()
	c := claimSet(sub)
	delete(c, name)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return json.RawMessage(string(b[:len(b)-1]) + `,"` + name + `":` + value + "}")
}

func scopesAre(want ...string) func(t *testing.T, p Principal) {
	return func(t *testing.T, p Principal) {
		t.Helper()
		if !slices.Equal(p.Scopes, want) {
			t.Fatalf("Scopes = %q, want %q", p.Scopes, want)
		}
		for _, s := range []string{ScopeRead, ScopeWrite} {
			if p.HasScope(s) != slices.Contains(want, s) {
				t.Fatalf("HasScope(%q) = %v", s, p.HasScope(s))
			}
		}
	}
}
